-- More of the security regression suite (issue 7): the facts test_security.lua
-- leaves out.
--   * Isolation: only `lo` in the sandbox's network namespace, and a listener
--     on the host's loopback is unreachable (weakened: without "net", reached).
--   * Faults: the uid_map write refused by the kernel (EPERM, for real: the
--     writer lacks CAP_SETUID) fails stage "uid_map" and leaves nothing; a join
--     whose setns fails (the sandbox gone: ESRCH; fault injection: EPERM)
--     names setns, never runs the function, and leaves nothing.
--   * A pidfd of a reaped child never signals a recycled pid (the pid is made
--     to recycle with ns_last_pid in a pid namespace of the test's own);
--     weakened: kill(2) by number does hit the newcomer.
--
-- Network safety: the only listener is on the host's 127.0.0.1 (a random
-- port, a 60 s lifetime, killed at the end and with its parent); no host
-- interface is touched. Every wait is bounded; every test cleans up
-- (processes, files) even when it fails.
local T = require "testing"
local E = ns.errno

local ROOT = T.rootfs()
local shell_out = T.shell_out
local NSRUN = arg[-1]
local PYTHON = "/usr/bin/python3"

-- Runs fn(), then cleanup() whatever happened; re-raises fn's error.
local function finally(fn, cleanup)
  local ok, err = pcall(fn)
  cleanup()
  if not ok then error(err, 0) end
end

local function write_file(path, s)
  local f = assert(io.open(path, "w")); f:write(s); f:close()
end


local function have(cmd) return os.execute(("command -v %s >/dev/null 2>&1"):format(cmd)) end

-- A busybox sandbox running `script`.
local function sh(script, extra)
  local spec = {
    argv = { "/bin/sh", "-c", script }, rootfs = ROOT, env = { PATH = "/bin:/sbin:/usr/bin" },
    mounts = { { proc = "/proc" }, { dev = "/dev" }, { tmpfs = "/tmp" } },
    timeout = 30,
  }
  for k, v in pairs(extra or {}) do spec[k] = v end
  return spec
end
local run_captured = T.run_captured

-- Waits for a child at most `limit` seconds, then SIGKILLs and reaps it.
-- Returns ns.wait's results, plus true when it had to be killed.
local function wait_bounded(pidfd, limit)
  local killed = false
  if #ns.poll({ pidfd }, limit) == 0 then
    pidfd_signal(pidfd, "KILL")
    killed = true
  end
  local a, b, c = ns.wait(pidfd)
  return a, b, c, killed
end

-- Runs fn() in a clone child (with `flags`) and returns what it wrote to
-- the pipe it is given, and how it ended; bounded by `limit` seconds.
local function in_child(flags, limit, fn)
  local r, w = assert(ns.pipe())
  local _, pidfd = assert(clone(flags, function()
    ns.close(r)
    local ok, msg = xpcall(fn, debug.traceback, w)
    if not ok then ns.write(w, "\nerror: " .. tostring(msg)); return 1 end
    return 0
  end))
  ns.close(w)
  local text = ""
  finally(function()
    local deadline = ns.clock() + limit
    while ns.clock() < deadline do
      if #ns.poll({ r }, math.max(0.01, deadline - ns.clock())) == 0 then break end
      local s = ns.read(r, 4096)
      if not s or s == "" then break end
      text = text .. s
    end
  end, function() ns.close(r) end)
  local ok, how, code, killed = wait_bounded(pidfd, 5)
  pidfd:close()
  T.eq(killed, false, "the child ended by itself within " .. limit .. " s; it wrote: " .. text)
  return text, ok, how, code
end

-- The value of `key=` in a report "key=value key2=value2 ...".
local function field(text, key) return text:match("%f[%w_]" .. key .. "=(%S*)") end

---------------------------------------------------------------------------
-- Isolation: the network
---------------------------------------------------------------------------

-- A TCP listener on the host's 127.0.0.1: prints its port, then "accepted"
-- for each connection, to which it sends the token; at most 60 s, and it
-- dies with its parent (the test).
local LISTENER = [[
import ctypes, socket, sys, time
ctypes.CDLL(None).prctl(1, 9)  # PR_SET_PDEATHSIG SIGKILL
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
s.listen(16)
s.settimeout(0.2)
print("port", s.getsockname()[1], flush=True)
deadline = time.monotonic() + 60
while time.monotonic() < deadline:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    print("accepted", flush=True)
    try:
        c.sendall((sys.argv[1] + "\n").encode())
    finally:
        c.close()
]]

-- Starts the listener; returns its pidfd, the read end of its stdout, its port.
local function start_listener(token)
  local script = os.tmpname()
  write_file(script, LISTENER)
  local r, w = assert(ns.pipe())
  local _, pidfd = assert(clone(0, function()
    ns.dup2(w, 1)
    ns.execve(PYTHON, { "python3", script, token }, {})
    return 127
  end))
  ns.close(w)
  local line = ""
  local deadline = ns.clock() + 20
  while not line:find("\n", 1, true) and ns.clock() < deadline do
    if #ns.poll({ r }, math.max(0.01, deadline - ns.clock())) == 0 then break end
    local s = ns.read(r, 64)
    if not s or s == "" then break end
    line = line .. s
  end
  os.remove(script)  -- python has read it by the time it prints
  local port = tonumber(line:match("^port (%d+)\n"))
  if not port then
    pidfd_signal(pidfd, "KILL"); ns.wait(pidfd); pidfd:close(); ns.close(r)
    error("the listener did not start: " .. line)
  end
  return pidfd, r, port, line:match("^port %d+\n(.*)$")
end

-- What the listener printed since (without blocking).
local function drain(r)
  local out = ""
  while #ns.poll({ r }, 0) == 1 do
    local s = ns.read(r, 4096)
    if not s or s == "" then break end
    out = out .. s
  end
  return out
end

-- The sandbox's attempt: busybox nc to the host's listener (3 tries, so a
-- weakened run is not at the mercy of one slow connect), then its interfaces.
local CONNECT = [[
for i in 1 2 3; do
  got=$(nc -w 2 127.0.0.1 PORT </dev/null 2>/dev/null)
  case "$got" in *TOKEN*) break;; esac
done
echo "got=${got:-none}"
echo "ifaces=$(sed -n 's/^ *\([^ :]*\):.*/\1/p' /proc/net/dev | sort | tr '\n' ',')"
]]

T.test("isolation: only lo in the sandbox's network namespace and a listener on the host's 127.0.0.1 is unreachable; without the net namespace it is reached", function()
  if not io.open(PYTHON) then T.skip(PYTHON .. " is not installed") end
  local token = ("tok%d%d"):format(getpid(), math.random(1000000))
  local pidfd, r, port, early = start_listener(token)
  finally(function()
    local script = CONNECT:gsub("PORT", tostring(port)):gsub("TOKEN", token)
    -- The listener is there: the host itself reaches it (so a failure inside is the namespace's doing).
    local probe = shell_out(("%s -c 'import socket; s = socket.create_connection((\"127.0.0.1\", %d), 5); print(s.recv(64).decode().strip())'"):format(PYTHON, port))
    T.eq(probe, token .. "\n", "the host reaches its own listener")
    local seen = early .. drain(r)
    local _, before = seen:gsub("accepted", "")
    T.eq(before, 1, "the host's probe was accepted: " .. seen)

    local res, out = run_captured(sh(script))
    T.eq(res.status, "exit", tostring(res.error)); T.eq(res.code, 0, out)
    T.eq(field(out, "ifaces"), "lo,", "only lo in the sandbox's network namespace:\n" .. out)
    T.eq(field(out, "got"), "none", "the sandbox reached the host's listener:\n" .. out)
    ns.sleep(0.3)  -- a connection the listener accepted would be printed by now
    seen = drain(r)
    T.eq(seen:find("accepted", 1, true), nil, "the listener saw no connection from the sandbox: " .. seen)

    -- Weakened: the same recipe without the net namespace shares the host's loopback.
    local weak, wout = run_captured(sh(script, { namespaces = { "pid", "mount", "uts", "ipc", "cgroup" } }))
    T.eq(weak.status, "exit", tostring(weak.error)); T.eq(weak.code, 0, wout)
    T.eq(field(wout, "got"), token, "weakened: the sandbox reaches the host's listener:\n" .. wout)
    assert(field(wout, "ifaces") ~= "lo,", "weakened: the host's interfaces show:\n" .. wout)
  end, function()
    pidfd_signal(pidfd, "KILL")
    wait_bounded(pidfd, 5)
    pidfd:close()
    ns.close(r)
  end)
end)

---------------------------------------------------------------------------
-- Faults: the uid_map write refused
---------------------------------------------------------------------------

-- In a child of the test: drops CAP_SETUID (or not), runs a user-namespace
-- sandbox whose uid_map needs it, and checks from inside that child, which
-- is the sandbox's parent, that nothing is left: the sandbox's first process
-- (seen through a pidfd opened when the map was written) is gone and reaped.
local function uid_map_child(drop_setuid)
  return in_child(0, 60, function(w)
    if drop_setuid then
      local keep = {}
      for _, c in ipairs(assert(ns.capabilities()).bounding) do
        if c ~= "setuid" then keep[#keep + 1] = c end
      end
      assert(ns.drop_capabilities(keep))
      local after = assert(ns.capabilities())
      for _, c in ipairs(after.effective) do assert(c ~= "setuid", "CAP_SETUID is dropped") end
    end
    local real, seen = ns.write_uid_map, {}
    -- sandbox.lua looks its steps up in `ns` as it runs them: this wrapper
    -- sees the sandbox's pid and holds a pidfd on its first process.
    ns.write_uid_map = function(pid, map)  -- luacheck: ignore 122
      seen.pid = pid
      seen.pidfd = ns.pidfd_open(pid)
      return real(pid, map)
    end
    local r, out = run_captured(sh("cat /proc/self/uid_map; id -u", {
      namespaces = { "pid", "mount", "uts", "ipc", "net", "user" },
      uid_map = { { 0, 100000, 1000 } }, gid_map = { { 0, 100000, 1000 } },
    }))
    ns.write_uid_map = real  -- luacheck: ignore 122
    local gone = "no-pidfd"
    if seen.pidfd then
      local ok, _, gone_errno = pidfd_signal(seen.pidfd, 0)
      gone = ok and "alive" or ("errno" .. tostring(gone_errno))
    end
    local _, _, child_errno = ns.waitpid(-1, "nohang")
    ns.write(w, ("status=%s stage=%s errno=%s code=%s pid=%s gone=%s children=%s out=%s error=%s"):format(
      r.status, tostring(r.stage), tostring(r.errno), tostring(r.code), tostring(seen.pid), gone,
      child_errno == E.ECHILD and "none" or "some", (out:gsub("%s+", "_")), tostring(r.error)))
  end)
end

T.test("a uid_map the kernel refuses (EPERM: the writer lacks CAP_SETUID) fails stage uid_map, no exit code, and leaves no process; keeping CAP_SETUID the same map is written", function()
  local text, ok = uid_map_child(true)
  T.eq(ok, true, "child: " .. text)
  T.eq(field(text, "status"), "error", text)
  T.eq(field(text, "stage"), "uid_map", text)
  T.eq(field(text, "errno"), tostring(E.EPERM), text)
  T.eq(field(text, "code"), "nil", "no exit code claimed: " .. text)
  assert(text:find("Operation not permitted", 1, true), text)
  assert(tonumber(field(text, "pid")), "the map write was attempted for the sandbox's process: " .. text)
  T.eq(field(text, "gone"), "errno" .. E.ESRCH, "the sandbox's first process is gone (its pidfd): " .. text)
  T.eq(field(text, "children"), "none", "nothing left to reap: " .. text)
  T.eq(T.read("/proc/self/mountinfo"):find(ROOT, 1, true), nil, "no mount of the rootfs on the host")
  -- Weakened: with CAP_SETUID the kernel takes the same map, and the program runs under it.
  local wtext, wok = uid_map_child(false)
  T.eq(wok, true, "child: " .. wtext)
  T.eq(field(wtext, "status"), "exit", wtext)
  T.eq(field(wtext, "code"), "0", wtext)
  T.eq(field(wtext, "out"), "_0_100000_1000_0_", "the map as asked: " .. wtext)
end)

---------------------------------------------------------------------------
-- Faults: setns (sandbox:join)
---------------------------------------------------------------------------

-- A nested nsrun: starts a sandbox (a sleep), opens pidfds on every process
-- of its pid namespace, joins it (`when` = "gone": after the sandbox ended),
-- and reports; the sandbox is always killed and waited.
local JOIN_SCRIPT = [[
local sandbox = require "nsrun.sandbox"
local when = ...
local function count_in(pidns)
  local pids = {}
  local p = io.popen("ls /proc")
  for name in p:read("a"):gmatch("%d+") do
    local ids = ns.ns_ids(tonumber(name))
    if ids and ids.pid == pidns then pids[#pids + 1] = tonumber(name) end
  end
  p:close()
  return pids
end
local r, w = assert(ns.pipe())
local s = sandbox.start{ argv = { "/bin/sh", "-c", "echo ready; exec sleep 30" }, rootfs = ROOTFS,
  mounts = { { proc = "/proc" }, { dev = "/dev" } }, stdio = { stdout = w }, timeout = 40 }
ns.close(w)
assert(s.pid, "started: " .. tostring(s.result and s.result.error))
assert(#ns.poll({ r }, 20) == 1 and ns.read(r, 64):find("ready", 1, true), "the program runs")
ns.close(r)
local pidns = assert(ns.ns_ids(s.pid)).pid
local fds = {}
for _, p in ipairs(count_in(pidns)) do fds[#fds + 1] = ns.pidfd_open(p) end
local before = #fds
if when == "gone" then
  s:signal("KILL")
  s:wait()
end
local mr, mw = assert(ns.pipe())
io.stdout:flush()
local ok, how, code = s:join(function() ns.write(mw, "ran"); return 0 end)
ns.close(mw)
local ran = ns.read(mr, 16) or ""
ns.close(mr)
local during = when == "gone" and 0 or #count_in(pidns)
s:signal("KILL")
local res = s:wait()
local left = 0
for _, fd in ipairs(fds) do if pidfd_signal(fd, 0) then left = left + 1 end end
local _, _, child_errno = ns.waitpid(-1, "nohang")
io.write(("join=%s/%s/%s ran=%s before=%d during=%d left=%d children=%s status=%s\n"):format(
  tostring(ok), tostring(how), tostring(code), ran == "" and "no" or ran, before, during, left,
  child_errno == ns.errno.ECHILD and "none" or "some", res.status))
]]

local function run_join(when, strace_inject)
  local script = os.tmpname()
  write_file(script, "local ROOTFS = " .. ("%q"):format(ROOT) .. "\n" .. JOIN_SCRIPT)
  local prefix = strace_inject and ("strace -f -qq -o /dev/null -e inject=%s "):format(strace_inject) or ""
  local out
  finally(function()
    out = shell_out(("timeout -s KILL 90 %s%s %s %s 2>&1; echo \"rc=$?\""):format(prefix, NSRUN, script, when))
  end, function() os.remove(script) end)
  return out
end

T.test("join into a sandbox that has ended: setns fails with ESRCH, named; the function never runs and nothing is left", function()
  local out = run_join("gone")
  T.eq(field(out, "rc"), "0", out)
  -- join returns nil, the setns message, errno (ESRCH is 3).
  assert(out:find("join=nil/setns fd %d+ [^\n]*CLONE_NEWPID[^\n]*: No such process/3 "), "join returned the setns error, ESRCH:\n" .. out)
  T.eq(field(out, "ran"), "no", "the function never ran: " .. out)
  T.eq(field(out, "left"), "0", out); T.eq(field(out, "children"), "none", out)
end)

T.test("join whose setns fails (strace fault injection, EPERM): the error names setns, the function never runs, nothing entered the sandbox, nothing is left", function()
  if not have("strace") then T.skip("strace is not installed") end
  local out = run_join("live", "setns:error=EPERM")
  T.eq(field(out, "rc"), "0", out)
  -- join returns nil, the setns message, errno (EPERM is 1).
  assert(out:find("join=nil/setns fd %d+ [^\n]*CLONE_NEWPID[^\n]*: Operation not permitted/1 "), "join returned the setns error, EPERM:\n" .. out)
  T.eq(field(out, "ran"), "no", "the function never ran: " .. out)
  assert(tonumber(field(out, "before")) >= 2, "init and the program: " .. out)
  T.eq(field(out, "during"), field(out, "before"), "no process entered the sandbox's pid namespace: " .. out)
  T.eq(field(out, "left"), "0", "every sandbox process is gone (pidfds): " .. out)
  T.eq(field(out, "children"), "none", out)
  T.eq(field(out, "status"), "signal", out)
  -- Without the injection the same join runs the function (the check is not vacuous).
  local ok_out = run_join("live")
  T.eq(field(ok_out, "join"), "true/exit/0", ok_out)
  T.eq(field(ok_out, "ran"), "ran", ok_out)
  T.eq(field(ok_out, "left"), "0", ok_out)
end)

---------------------------------------------------------------------------
-- A pidfd never signals a recycled pid
---------------------------------------------------------------------------

-- In a pid namespace of its own (it is pid 1, the only maker of pids there):
-- child A is started, SIGKILLed and reaped, its pidfd kept; ns_last_pid makes
-- the next child B get A's pid. Then `attack(a_pid, a_pidfd)` is tried and
-- B's state reported.
local function recycle(attack)
  return in_child(CLONE_NEWPID, 30, function(w)
    assert(getpid() == 1, "pid 1 of a new pid namespace")
    local function sleeper() ns.sleep(20); return 0 end
    local a_pid, a_fd = assert(clone(0, sleeper))
    assert(pidfd_signal(a_fd, "KILL"))
    local _, how = ns.wait(a_fd)
    assert(how == "signal", "A reaped")
    local f = assert(io.open("/proc/sys/kernel/ns_last_pid", "w"))
    f:write(tostring(a_pid - 1)); f:close()
    local b_pid, b_fd = assert(clone(0, sleeper))
    local ok, msg, errno = attack(a_pid, a_fd)
    -- A SIGKILL is delivered asynchronously: B is alive if it has not ended 2 s later.
    local b_alive = #ns.poll({ b_fd }, 2) == 0 and pidfd_signal(b_fd, 0) == true and ns.wait(b_fd, "nohang") == false
    pidfd_signal(b_fd, "KILL"); ns.wait(b_fd)
    ns.write(w, ("a=%d b=%d attack=%s errno=%s b_alive=%s msg=%s"):format(a_pid, b_pid, tostring(ok), tostring(errno), tostring(b_alive), tostring(msg):gsub("%s", "_")))
  end)
end

T.test("a pidfd of a reaped child gives ESRCH and never signals the process that got its pid number (recycled through ns_last_pid); kill(2) by number does", function()
  local text, ok = recycle(function(_, a_fd) return pidfd_signal(a_fd, "KILL") end)
  T.eq(ok, true, "child: " .. text)
  assert(field(text, "a") and field(text, "a") == field(text, "b"), "B got A's pid: " .. text)
  T.eq(field(text, "attack"), "nil", text)
  T.eq(field(text, "errno"), tostring(E.ESRCH), text)
  T.eq(field(text, "b_alive"), "true", "the process with the recycled pid lives: " .. text)
  -- Weakened: the same signal by number reaches the newcomer.
  local wtext, wok = recycle(function(a_pid) return ns.kill(a_pid, "KILL") end)
  T.eq(wok, true, "child: " .. wtext)
  T.eq(field(wtext, "a"), field(wtext, "b"), wtext)
  T.eq(field(wtext, "attack"), "true", wtext)
  T.eq(field(wtext, "b_alive"), "false", "kill by number killed the process with the recycled pid: " .. wtext)
end)

os.exit(T.done())
