-- pidfd_signal, ns.pidfd_open, ns.wait and the pidfd handle.
local T = require "testing"
local E = ns.errno

-- A child that sleeps until signalled, running a real program.
local function sleeper()
  return assert(clone(0, function() ns.execve("/bin/sleep", { "sleep", "30" }); return 127 end))
end

T.test("signal 0 probes a live child; a named signal stops it; wait reports it", function()
  local _, pidfd = sleeper()
  T.eq(pidfd_signal(pidfd, 0), true, "probe")
  T.eq(ns.wait(pidfd, "nohang"), false, "still running")
  T.eq(pidfd_signal(pidfd, "TERM"), true, "TERM")
  local ok, how, sig = ns.wait(pidfd)
  T.eq(ok, nil); T.eq(how, "signal"); T.eq(sig, 15)
end)

T.test("signal names: SIGKILL, kill, and numbers", function()
  for _, s in ipairs({ "SIGKILL", "kill", 9 }) do
    local _, pidfd = sleeper()
    assert(pidfd_signal(pidfd, s))
    T.eq(select(3, ns.wait(pidfd)), 9, tostring(s))
  end
end)

T.test("pidfd_signal on a reaped child gives nil, message, ESRCH", function()
  local _, pidfd = clone(0, function() return 0 end)
  assert(ns.wait(pidfd))
  local msg = T.fails(E.ESRCH, "pidfd_signal", pidfd_signal(pidfd, "TERM"))
  T.eq(msg, "pidfd_send_signal pidfd " .. pidfd:fd() .. " SIGTERM: No such process")
  T.fails(E.ESRCH, "probe", pidfd_signal(pidfd, 0))
end)

T.test("the pidfd method forms work like the functions", function()
  local _, pidfd = sleeper()
  assert(pidfd:signal("INT"))
  local _, how, sig = pidfd:wait()
  T.eq(how, "signal"); T.eq(sig, 2)
end)

T.test("pidfd_signal and wait accept a raw fd number", function()
  local _, pidfd = sleeper()
  assert(pidfd_signal(pidfd:fd(), "KILL"))
  T.eq(select(3, ns.wait(pidfd:fd())), 9)
end)

T.test("pidfd_signal misuse raises", function()
  local _, pidfd = sleeper()
  T.raises("bad argument #2 to 'pidfd_signal' (unknown signal name 'NOPE')", pidfd_signal, pidfd, "NOPE")
  T.raises("unknown signal name '15'", pidfd_signal, pidfd, "15")
  T.raises("signal 65 out of range 0..64", pidfd_signal, pidfd, 65)
  T.raises("signal -1 out of range", pidfd_signal, pidfd, -1)
  T.raises("number has no integer representation", pidfd_signal, pidfd, 1.5)
  T.raises("bad argument #1 to 'pidfd_signal' (pidfd expected, got string)", pidfd_signal, "3", 0)
  T.raises("bad argument #1 to 'signal' (pidfd expected, got table)", pidfd.signal, {}, 0)
  local impostor = setmetatable({}, { __index = getmetatable(pidfd).__index })
  T.raises("calling 'signal' on bad self (pidfd expected, got table)", function() return impostor:signal(0) end)
  pidfd_signal(pidfd, "KILL"); ns.wait(pidfd)
  pidfd:close()
  T.raises("pidfd is closed", pidfd_signal, pidfd, 0)
end)

T.test("pidfd_signal on a closed fd number gives EBADF", function()
  local r = io.open("/dev/null")
  T.fails(E.EBADF, "bad fd", pidfd_signal(987, 0))
  r:close()
end)

T.test("ns.wait with nohang, then without; a second wait gives ECHILD", function()
  local _, pidfd = clone(0, function() return 3 end)
  local first
  repeat first = ns.wait(pidfd, "nohang") until first ~= false
  T.eq(first, nil, "exit 3 is a failure status")
  T.fails(E.ECHILD, "second wait", ns.wait(pidfd))
  T.raises("invalid option 'bogus'", ns.wait, pidfd, "bogus")
end)

T.test("ns.pidfd_open of a child can wait for it and signal it", function()
  local pid, own = sleeper()
  local opened = assert(ns.pidfd_open(pid))
  T.eq(opened:pid(), pid)
  assert(pidfd_signal(opened, "TERM"))
  T.eq(select(3, ns.wait(opened)), 15)
  T.fails(E.ECHILD, "already reaped through the other pidfd", ns.wait(own))
end)

T.test("ns.pidfd_open errors and misuse", function()
  T.fails(E.ESRCH, "no such pid", ns.pidfd_open(2 ^ 22 + 12345))
  T.raises("pid out of range", ns.pidfd_open, 0)
  T.raises("number expected, got string", ns.pidfd_open, "1")
end)

T.test("a pidfd is close-on-exec", function()
  local _, pidfd = sleeper()
  local flags = T.read("/proc/self/fdinfo/" .. pidfd:fd()):match("flags:%s*(%d+)")
  assert(tonumber(flags, 8) & 0x80000 ~= 0, "O_CLOEXEC not set: " .. flags)
  pidfd_signal(pidfd, "KILL"); ns.wait(pidfd)
end)

T.test("<close> closes the pidfd at scope end", function()
  local fdnum
  do
    local _, pidfd <close> = clone(0, function() return 0 end)
    fdnum = pidfd:fd()
    ns.wait(pidfd)
  end
  T.eq(io.open("/proc/self/fd/" .. fdnum), nil, "fd " .. fdnum .. " still open")
end)

T.test("a handle a vfork child made, collected by the parent, leaves the parent's fd of that number open", function()
  -- The child shares our memory, not our fd table: its handle names the
  -- child's fd. Collected here, it must not close whatever we hold under
  -- that number.
  local r, w = assert(ns.pipe())
  local made = {}
  local _, pidfd = assert(clone(CLONE_VM | CLONE_VFORK, function()
    made.handle = assert(ns.pidfd_open(ns.getpid()))
    made.fd = made.handle:fd()
    return 0
  end))
  assert(ns.wait(pidfd)); pidfd:close()
  local n = made.fd
  assert(n ~= r and n ~= w, "fd " .. n .. " is one of the pipe's")
  assert(ns.dup2(r, n))                -- our fd n: the pipe's read end
  made.handle = nil
  collectgarbage(); collectgarbage()
  T.eq(ns.write(w, "x"), 1)
  T.eq(ns.read(n, 1), "x", "our fd " .. n .. " survived the collection")
  ns.close(n); ns.close(r); ns.close(w)
end)

os.exit(T.done())
