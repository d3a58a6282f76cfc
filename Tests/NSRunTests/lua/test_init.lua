-- clone's after_clone and ns.become_init (the C init).
local T = require "testing"
local E = ns.errno

local VFORK = CLONE_VM | CLONE_VFORK

-- Whether `pid` still exists (zombies included).
local function exists(pid)
  local f = io.open("/proc/" .. pid .. "/stat")
  if f then f:close() end
  return f ~= nil
end

T.test("after_clone runs in the parent while the child waits, and sees the pidfd clone returns", function()
  for _, flags in ipairs({ 0, VFORK }) do
    local r, w = assert(ns.pipe())
    local seen = {}
    local pid, pidfd = assert(clone({ flags = flags, after_clone = function(p, fd)
      seen.pid, seen.fd = p, fd
      -- The child has not run yet: nothing is on the pipe.
      seen.empty = #ns.poll({ r }, 0) == 0
      return true
    end }, function() ns.write(w, "ran"); return 7 end))
    ns.close(w)
    T.eq(seen.pid, pid, "pid"); T.eq(seen.fd, pidfd, "the same handle"); T.eq(seen.empty, true, "child waited")
    T.eq(ns.read(r, 16), "ran")
    local _, how, code = ns.wait(pidfd)
    T.eq(how, "exit"); T.eq(code, 7)
    ns.close(r)
  end
end)

T.test("after_clone returning nil, message, errno: clone returns them; the child never ran and is reaped", function()
  for _, flags in ipairs({ 0, VFORK }) do
    local r, w = assert(ns.pipe())
    local child, handle
    local pid, msg, errno = clone({ flags = flags, after_clone = function(p, fd)
      child, handle = p, fd
      return nil, "no veth today", E.ENODEV
    end }, function() ns.write(w, "ran"); return 0 end)
    ns.close(w)
    T.eq(pid, nil); T.eq(msg, "no veth today"); T.eq(errno, E.ENODEV)
    T.eq(ns.read(r, 16), "", "fn never ran")
    T.eq(exists(child), false, "reaped, no zombie")
    T.raises("pidfd is closed", ns.wait, handle)
    ns.close(r)
    -- false alone: a message of its own, errno 0.
    local p2, m2, e2 = clone({ flags = flags, after_clone = function() return false end }, function() return 0 end)
    T.eq(p2, nil); assert(m2:find("after_clone returned false", 1, true), m2); T.eq(e2, 0)
  end
end)

T.test("an error raised by after_clone is raised by clone, once the child is killed and reaped", function()
  for _, flags in ipairs({ 0, VFORK }) do
    local child
    local ok, err = pcall(clone, { flags = flags, after_clone = function(p) child = p; error("boom") end }, function() return 0 end)
    T.eq(ok, false)
    assert(tostring(err):find("after_clone: .*boom"), err)
    T.eq(exists(child), false, "reaped")
  end
  T.raises("'after_clone': function expected, got number", clone, { flags = 0, after_clone = 1 }, function() end)
  T.raises("after_clone need a function child", clone, { flags = VFORK, after_clone = function() end }, { "/bin/true" })
  T.raises("after_clone is clone's", raw_clone, { flags = 0, after_clone = function() end })
end)

-- A vfork child with after_clone, in a new pid namespace, that starts
-- `argv` and becomes its init. Returns the init's pid and pidfd, the
-- status pipe's read end, and the signalfd given as `forward`.
local function init_for(argv, keep_sfd)
  local r, w = assert(ns.pipe())
  local sfd = keep_sfd and assert(ns.signalfd({ "USR1" })) or nil
  local pid, pidfd = assert(clone({ flags = VFORK | CLONE_NEWPID, after_clone = function() return true end }, function()
    local _, prog = assert(clone(VFORK, argv))
    ns.become_init(prog, { forward = sfd, status = w })
    return 99 -- not reached
  end))
  ns.close(w)
  return pid, pidfd, r, sfd
end

T.test("become_init: the caller resumes at once; the init reaps the program and exits as it did", function()
  local t0 = ns.clock()
  local pid, pidfd, r = init_for({ "/bin/sh", "-c", "sleep 0.5; exit 3" })
  T.eq(ns.clock() - t0 < 0.4, true, "clone returned while the program still ran")
  -- The init holds 0-2, the program's pidfd, status, its SIGCHLD signalfd.
  local fds = {}
  for line in T.shell_out("ls /proc/" .. pid .. "/fd"):gmatch("%d+") do fds[#fds + 1] = tonumber(line) end
  T.eq(#fds, 6, "fds of the init: " .. table.concat(fds, " "))
  local _, how, code = ns.wait(pidfd)
  T.eq(how, "exit"); T.eq(code, 3)
  T.eq(ns.read(r, 64), "exit 3 -")
  ns.close(r)
end)

T.test("become_init forwards the signals of its signalfd, and reports a signal's end", function()
  local pid, pidfd, r, sfd = init_for({ "/bin/sh", "-c", "trap 'exit 40' USR1; sleep 5 & wait" }, true)
  ns.sleep(0.2) -- the shell's trap is set
  -- A USR1 sent to the init is read from the signalfd and sent on.
  assert(ns.kill(pid, "USR1"))
  local _, how, code = ns.wait(pidfd)
  T.eq(how, "exit"); T.eq(code, 40)
  T.eq(ns.read(r, 64), "exit 40 -")
  ns.close(r); ns.close(sfd)
  assert(ns.sigprocmask("unblock", { "USR1" }))
  -- The program killed by a signal: 128 + it, as a shell reports it.
  local _, pidfd2, r2 = init_for({ "/bin/sh", "-c", "kill -KILL $$" })
  local _, how2, code2 = ns.wait(pidfd2)
  T.eq(how2, "exit"); T.eq(code2, 128 + 9)
  T.eq(ns.read(r2, 64), "signal 9 -")
  ns.close(r2)
end)

T.test("become_init reaps orphans: no zombie is left in its namespace while the program runs", function()
  local pid, pidfd, r = init_for({ "/bin/sh", "-c", "for i in 1 2 3 4 5; do (sleep 0.05 &) ; done; sleep 0.5; exit 0" })
  ns.sleep(0.3)
  local zombies = T.shell_out(("for c in $(cat /proc/%d/task/%d/children); do grep -c '^State:.*Z' /proc/$c/status; done | grep -c '^1'"):format(pid, pid))
  T.eq(tonumber(zombies), 0, "zombies under the init")
  local _, how, code = ns.wait(pidfd)
  T.eq(how, "exit"); T.eq(code, 0)
  ns.close(r)
end)

T.test("an init's stack is freed once it has exited, SIGKILL included", function()
  local function maps() local n = 0; for _ in T.read("/proc/self/maps"):gmatch("\n") do n = n + 1 end; return n end
  for _ = 1, 3 do local _, fd, r = init_for({ "/bin/true" }); ns.wait(fd); ns.close(r) end
  local before = maps()
  for i = 1, 40 do
    local _, fd, r = init_for({ "/bin/sleep", "5" })
    if i % 2 == 0 then pidfd_signal(fd, "KILL") else ns.kill(fd:pid(), "KILL") end
    ns.wait(fd); ns.close(r)
  end
  -- The next clone frees what the last one left.
  local _, fd = assert(clone(VFORK, { "/bin/true" })); ns.wait(fd)
  local after = maps()
  assert(after <= before + 2, ("mappings grew from %d to %d"):format(before, after))
end)

T.test("become_init in a plain CLONE_VFORK child raises: its parent waits for an exec", function()
  local r, w = assert(ns.pipe())
  local _, pidfd = assert(clone(VFORK, function()
    local _, prog = assert(clone(0, function() return 0 end))
    local ok, err = pcall(ns.become_init, prog)
    ns.write(w, tostring(ok) .. " " .. tostring(err))
    return 0
  end))
  ns.close(w)
  local text = ns.read(r, 512)
  assert(text:find("^false .*cannot outlive its exec"), text)
  ns.wait(pidfd); ns.close(r)
  T.raises("pidfd", ns.become_init, 5)
  T.raises("unknown option 'x'", ns.become_init, select(2, clone(0, function() return 0 end)), { x = 1 })
end)

T.test("become_init refuses a program that is not its child: nil, message, ECHILD; nothing changed", function()
  -- Checked on fds of our own, not by counting /proc/PID/fd through a
  -- shell: a popen's pipe end can be caught there half-closed under load.
  local me <close> = assert(ns.pidfd_open(getpid()))
  local r, w = assert(ns.pipe())
  local other_r, other_w = assert(ns.pipe())  -- not handed to become_init
  T.fails(E.ECHILD, "become_init", ns.become_init(me, { status = w, forward = r }))
  T.eq(pidfd_signal(me, 0), true, "the pidfd is open")
  T.eq(ns.write(w, "x"), 1, "the status fd is open")
  T.eq(ns.read(r, 1), "x", "the forward fd is open")
  T.eq(ns.write(other_w, "y"), 1, "an fd it was not given is open")
  T.eq(ns.read(other_r, 1), "y", "an fd it was not given is open")
  for _, fd in ipairs({ r, w, other_r, other_w }) do ns.close(fd) end
end)

os.exit(T.done())
