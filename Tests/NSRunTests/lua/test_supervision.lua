-- Process supervision: ns.signalfd, read_signals, sigprocmask, poll, waitpid,
-- kill, set_pdeathsig, get_pdeathsig, getppid, getrusage, clock, sleep.
-- Anything that changes the signal mask or waits for "any child" runs in a
-- clone child, so this process keeps an empty mask and only its own children.
local T = require "testing"
local E = ns.errno

--- Runs fn in a clone child with `flags`; the child proves its facts with
--- T.eq/assert (a raised error exits 1 with a traceback) and returns 0.
local function in_child(flags, fn)
  local _, how, code = T.run_child(flags, fn)
  T.eq(tostring(how) .. " " .. tostring(code), "exit 0", "child")
end

--- The caller's blocked signals (SigBlk of /proc/self/status) as an integer.
local function sigblk()
  return tonumber(T.read("/proc/self/status"):match("SigBlk:%s*(%x+)"), 16)
end

local function bit(sig) return 1 << (sig - 1) end

--- A Lua child that sleeps until it is killed.
local function sleeper()
  return assert(clone(0, function() ns.sleep(30); return 9 end))
end

local function kill_and_reap(pidfd)
  pidfd_signal(pidfd, "KILL"); ns.wait(pidfd); pidfd:close()
end

-- signalfd and read_signals -------------------------------------------------

T.test("a signal sent to the process arrives through signalfd", function()
  in_child(0, function()
    local fd = assert(ns.signalfd({ "USR1" }))
    T.eq(#ns.poll({ fd }, 0), 0, "nothing pending: not readable")
    T.eq(#ns.read_signals(fd), 0, "nothing pending: empty list")
    assert(ns.kill(getpid(), "USR1"))
    local ready = ns.poll({ fd }, 2)
    T.eq(#ready, 1, "readable"); T.eq(ready[1], fd, "the signalfd")
    local sigs = ns.read_signals(fd)
    T.eq(#sigs, 1, "one signal"); T.eq(sigs[1], 10, "SIGUSR1")
    T.eq(#ns.read_signals(fd), 0, "read once, consumed")
    return 0
  end)
end)

T.test("signalfd blocks its signals: a TERM it reads does not end the process", function()
  in_child(0, function()
    local fd = assert(ns.signalfd({ "TERM", 2 }))
    T.eq(sigblk(), bit(15) | bit(2), "SigBlk")
    assert(ns.kill(getpid(), "TERM"))
    T.eq(ns.read_signals(fd)[1], 15, "read instead of delivered")
    return 0
  end)
end)

T.test("read_signals returns every pending signal, lowest first, a repeated one once", function()
  in_child(0, function()
    local fd = assert(ns.signalfd({ "USR1", "USR2", "TERM" }))
    for _, s in ipairs({ "TERM", "USR2", "USR1", "USR1" }) do assert(ns.kill(getpid(), s)) end
    local sigs = ns.read_signals(fd)
    T.eq(table.concat(sigs, ","), "10,12,15")
    return 0
  end)
end)

T.test("a signalfd is close-on-exec and non-blocking", function()
  in_child(0, function()
    local fd = assert(ns.signalfd({ "USR2" }))
    local flags = tonumber(T.read("/proc/self/fdinfo/" .. fd):match("flags:%s*(%d+)"), 8)
    T.eq(flags & 0x80000 ~= 0, true, "O_CLOEXEC")
    T.eq(flags & 0x800 ~= 0, true, "O_NONBLOCK")
    return 0
  end)
end)

T.test("read_signals on a closed fd is EBADF, on a pipe with data EINVAL", function()
  local r, w = assert(ns.pipe())
  assert(ns.write(w, "not a siginfo"))
  T.eq(T.fails(E.EINVAL, "pipe", ns.read_signals(r)), "read_signals fd " .. r .. ": Invalid argument")
  ns.close(r); ns.close(w)
  T.eq(T.fails(E.EBADF, "closed", ns.read_signals(r)), "read_signals fd " .. r .. ": Bad file descriptor")
end)

-- sigprocmask ----------------------------------------------------------------

T.test("sigprocmask block, unblock and set change the mask exactly", function()
  in_child(0, function()
    T.eq(sigblk(), 0, "a clone child of nsrun starts with an empty mask")
    T.eq(ns.sigprocmask("block", { "USR1", "HUP" }), true)
    T.eq(sigblk(), bit(10) | bit(1), "after block")
    assert(ns.sigprocmask("unblock", { "HUP" }))
    T.eq(sigblk(), bit(10), "after unblock")
    assert(ns.sigprocmask("set", { "USR2" }))
    T.eq(sigblk(), bit(12), "after set")
    assert(ns.sigprocmask("set", {}))
    T.eq(sigblk(), 0, "set to empty")
    return 0
  end)
end)

T.test("a blocked mask is inherited by clone children and survives exec", function()
  in_child(0, function()
    assert(ns.sigprocmask("block", { "USR1" }))
    local r, w = assert(ns.pipe())
    local _, pidfd = assert(clone(0, function()
      ns.dup2(w, 1)
      return ns.execve("/bin/cat", { "cat", "/proc/self/status" })
    end))
    ns.close(w)
    local out = {}
    repeat local s = assert(ns.read(r, 4096)); out[#out + 1] = s until s == ""
    T.eq(ns.wait(pidfd), true, "cat")
    local mask = tonumber(table.concat(out):match("SigBlk:%s*(%x+)"), 16)
    T.eq(mask, bit(10), "cat's SigBlk")
    return 0
  end)
end)

T.test("sigprocmask unblock in a child lets a default-action signal kill it", function()
  in_child(0, function()
    assert(ns.sigprocmask("block", { "TERM" }))
    local _, how, code = T.run_child(0, function()
      assert(ns.kill(getpid(), "TERM"))       -- pending: the mask was inherited
      return 0
    end)
    T.eq(how .. " " .. code, "exit 0", "still blocked")
    _, how, code = T.run_child(0, function()
      assert(ns.sigprocmask("unblock", { "TERM" }))
      assert(ns.kill(getpid(), "TERM"))
      return 0
    end)
    T.eq(how .. " " .. code, "signal 15", "unblocked")
    return 0
  end)
end)

-- poll -----------------------------------------------------------------------

T.test("poll on a pidfd wakes when the child exits", function()
  local _, pidfd = assert(clone(0, function() ns.sleep(0.2); return 0 end))
  local t0 = ns.clock()
  local ready = ns.poll({ pidfd }, 5)
  local elapsed = ns.clock() - t0
  T.eq(#ready, 1, "ready"); T.eq(ready[1], pidfd:fd(), "the pidfd's fd")
  assert(elapsed >= 0.15 and elapsed < 2, "woke after " .. elapsed .. " s")
  T.eq(ns.wait(pidfd), true, "exited")
  T.eq(ns.poll({ pidfd:fd() }, 0)[1], pidfd:fd(), "a reaped child's pidfd stays readable")
  pidfd:close()
end)

T.test("poll times out: a 0.2 s timeout returns {} after >= 0.2 s and < 2 s", function()
  local _, pidfd = sleeper()
  local t0 = ns.clock()
  local ready = ns.poll({ pidfd }, 0.2)
  local elapsed = ns.clock() - t0
  T.eq(type(ready), "table"); T.eq(#ready, 0, "nothing ready")
  assert(elapsed >= 0.2 and elapsed < 2, "returned after " .. elapsed .. " s")
  t0 = ns.clock()
  T.eq(#ns.poll({ pidfd }, 0), 0, "timeout 0")
  assert(ns.clock() - t0 < 0.1, "timeout 0 returns at once")
  kill_and_reap(pidfd)
end)

T.test("poll without a timeout, or a negative one, waits until ready", function()
  for _, timeout in ipairs({ -1, false }) do
    local _, pidfd = assert(clone(0, function() ns.sleep(0.05); return 0 end))
    local ready = timeout and ns.poll({ pidfd }, timeout) or ns.poll({ pidfd })
    T.eq(ready[1], pidfd:fd(), tostring(timeout))
    ns.wait(pidfd); pidfd:close()
  end
end)

T.test("poll lists only the ready fds, in the order given; end of file counts", function()
  local r1, w1 = assert(ns.pipe())
  local r2, w2 = assert(ns.pipe())
  local r3, w3 = assert(ns.pipe())
  ns.write(w3, "x"); ns.close(w1)
  local ready = ns.poll({ r3, r2, r1, r3 }, 1)
  T.eq(table.concat(ready, ","), r3 .. "," .. r1)
  for _, fd in ipairs({ r1, r2, w2, r3, w3 }) do ns.close(fd) end
end)

T.test("poll on a closed fd gives nil, message, EBADF", function()
  local r, w = assert(ns.pipe())
  ns.close(r); ns.close(w)
  T.eq(T.fails(E.EBADF, "closed fd", ns.poll({ r }, 0)), "poll fd " .. r .. ": Bad file descriptor")
end)

T.test("a supervisor forwards a signal: signalfd and pidfd in one poll", function()
  in_child(0, function()
    local sfd = assert(ns.signalfd({ "TERM" }))
    local _, pidfd = assert(clone(0, function()
      assert(ns.sigprocmask("unblock", { "TERM" }))  -- the mask was inherited
      ns.sleep(30)
      return 0
    end))
    assert(ns.kill(getpid(), "TERM"))              -- "sent to nsrun"
    T.eq(table.concat(ns.poll({ sfd, pidfd }, 5), ","), tostring(sfd), "the signal first")
    local sig = ns.read_signals(sfd)[1]
    T.eq(sig, 15)
    assert(pidfd_signal(pidfd, sig))
    T.eq(ns.poll({ sfd, pidfd }, 5)[1], pidfd:fd(), "then the child's exit")
    local _, how, n = ns.wait(pidfd)
    T.eq(how .. " " .. n, "signal 15")
    return 0
  end)
end)

-- waitpid ----------------------------------------------------------------------

T.test("waitpid(-1) reaps an orphan inside a new pid namespace", function()
  in_child(CLONE_NEWPID, function()
    T.eq(getpid(), 1, "pid 1")
    local r, w = assert(ns.pipe())
    local middle = raw_clone(0)
    if middle == 0 then
      if raw_clone(0) == 0 then
        -- The grandchild: wait to be orphaned (adopted by pid 1), then exit 7.
        for _ = 1, 500 do if ns.getppid() == 1 then break end ns.sleep(0.01) end
        ns.write(w, tostring(getpid()))
        ns._exit(7)
      end
      ns._exit(0)
    end
    ns.close(w)
    local reaped = {}
    for _ = 1, 2 do
      local pid, how, n = ns.waitpid(-1)
      reaped[pid] = how .. " " .. n
    end
    local orphan = tonumber(ns.read(r, 32))
    T.eq(reaped[middle], "exit 0", "the middle child")
    assert(orphan and orphan ~= middle, "orphan pid " .. tostring(orphan))
    T.eq(reaped[orphan], "exit 7", "the orphan")
    T.eq(T.fails(E.ECHILD, "none left", ns.waitpid(-1)), "waitpid -1: No child processes")
    return 0
  end)
end)

T.test("waitpid nohang returns 0 while a child runs; then the child's signal", function()
  in_child(0, function()
    local pid, pidfd = sleeper()
    T.eq(ns.waitpid(-1, "nohang"), 0, "any, nohang")
    T.eq(ns.waitpid(pid, "nohang"), 0, "this pid, nohang")
    assert(ns.kill(pid, "KILL"))
    local got, how, sig, core = ns.waitpid(pid)
    T.eq(got, pid); T.eq(how, "signal"); T.eq(sig, 9); T.eq(core, false, "core dumped")
    T.fails(E.ECHILD, "the pidfd's wait after waitpid reaped it", ns.wait(pidfd))
    return 0
  end)
end)

T.test("waitpid(pid) returns the exit code of that child", function()
  local pid, pidfd = assert(clone(0, function() return 42 end))
  local got, how, code, extra = ns.waitpid(pid)
  T.eq(got, pid); T.eq(how, "exit"); T.eq(code, 42); T.eq(extra, nil, "no 4th value for an exit")
  pidfd:close()
end)

T.test("waitpid with no children gives nil, message, ECHILD", function()
  in_child(0, function()
    T.fails(E.ECHILD, "any", ns.waitpid(-1))
    T.fails(E.ECHILD, "any, nohang", ns.waitpid(-1, "nohang"))
    T.eq(T.fails(E.ECHILD, "not a child", ns.waitpid(1)), "waitpid 1: No child processes")
    return 0
  end)
end)

-- kill -------------------------------------------------------------------------

T.test("kill: signal 0 probes, a name ends the process, ESRCH for no process", function()
  local pid, pidfd = sleeper()
  T.eq(ns.kill(pid, 0), true, "probe")
  T.eq(ns.kill(pid, "SIGTERM"), true, "TERM")
  T.eq(select(3, ns.wait(pidfd)), 15)
  pidfd:close()
  local none = 2 ^ 22 + 12345
  T.eq(T.fails(E.ESRCH, "no process", ns.kill(none, "TERM")), "kill " .. math.tointeger(none) .. " SIGTERM: No such process")
end)

T.test("kill(-1) inside a pid namespace reaches every process but its init", function()
  in_child(CLONE_NEWPID, function()
    local _, a = sleeper()
    local _, b = sleeper()
    assert(ns.kill(-1, "TERM"))
    T.eq(select(3, ns.wait(a)), 15, "first")
    T.eq(select(3, ns.wait(b)), 15, "second")
    return 0
  end)
end)

-- set_pdeathsig, get_pdeathsig, getppid ------------------------------------------

T.test("set_pdeathsig: a grandchild with KILL dies when its parent exits", function()
  in_child(CLONE_NEWPID, function()
    local r, w = assert(ns.pipe())
    local go_r, go_w = assert(ns.pipe())
    local _, mfd = assert(clone(0, function()
      ns.close(go_w)
      local middle = getpid()
      assert(clone(0, function()
        assert(ns.set_pdeathsig("KILL"))
        if ns.getppid() ~= middle then return 3 end -- the parent died first: the race check
        ns.write(w, tostring(getpid()))
        ns.sleep(30)
        return 4
      end))
      ns.read(go_r, 1)                               -- until the test lets go
      return 0                                       -- exits; the grandchild should follow
    end))
    ns.close(w); ns.close(go_r)
    local gpid = assert(tonumber(ns.read(r, 32)), "grandchild pid")
    local gfd = assert(ns.pidfd_open(gpid))
    ns.write(go_w, "x")
    T.eq(select(3, ns.wait(mfd)), 0, "middle")
    local t0 = ns.clock()
    T.eq(ns.poll({ gfd }, 2)[1], gfd:fd(), "grandchild exited within 2 s")
    assert(ns.clock() - t0 < 2)
    -- Orphaned, it was adopted by this namespace's pid 1: reap it, see why it ended.
    local pid, how, sig = ns.waitpid(gpid)
    T.eq(pid, gpid); T.eq(how .. " " .. sig, "signal 9")
    return 0
  end)
end)

T.test("set_pdeathsig after the parent died never fires; getppid shows the adopter", function()
  in_child(CLONE_NEWPID, function()
    local r, w = assert(ns.pipe())
    assert(clone(0, function()
      local parent = getpid()
      assert(clone(0, function()
        for _ = 1, 500 do if ns.getppid() ~= parent then break end ns.sleep(0.01) end
        assert(ns.set_pdeathsig("KILL"))              -- too late: nothing will send it
        ns.write(w, tostring(ns.getppid()))
        return 5
      end))
      return 0
    end))
    ns.close(w)
    T.eq(tonumber(ns.read(r, 32)), 1, "getppid after the parent died: the namespace's init")
    local reaped = {}
    for _ = 1, 2 do local _, how, n = ns.waitpid(-1); reaped[#reaped + 1] = how .. " " .. n end
    table.sort(reaped)
    T.eq(table.concat(reaped, ","), "exit 0,exit 5", "nobody was killed")
    return 0
  end)
end)

T.test("set_pdeathsig is read back, cleared by 0, and not inherited", function()
  in_child(0, function()
    T.eq(ns.get_pdeathsig(), 0, "none at first")
    T.eq(ns.set_pdeathsig("TERM"), true)
    T.eq(ns.get_pdeathsig(), 15)
    local _, how, code = T.run_child(0, function() return ns.get_pdeathsig() end)
    T.eq(how .. " " .. code, "exit 0", "a child starts without one")
    assert(ns.set_pdeathsig(0))
    T.eq(ns.get_pdeathsig(), 0, "cleared")
    return 0
  end)
end)

T.test("getppid is the parent's pid; 0 for pid 1 of a new pid namespace", function()
  local me = getpid()
  in_child(0, function() T.eq(ns.getppid(), me, "parent"); return 0 end)
  in_child(CLONE_NEWPID, function() T.eq(ns.getppid(), 0, "parent outside"); return 0 end)
end)

-- getrusage, clock, sleep ------------------------------------------------------

T.test("getrusage children grows after a child burns CPU", function()
  local before = ns.getrusage("children")
  in_child(0, function()
    local t0 = ns.clock()
    repeat
      local u = ns.getrusage("self")
    until u.utime + u.stime >= 0.25 or ns.clock() - t0 > 20
    return 0
  end)
  local after = ns.getrusage("children")
  local grew = (after.utime + after.stime) - (before.utime + before.stime)
  assert(grew >= 0.25, "children's CPU time grew by " .. grew .. " s")
  T.eq(math.type(after.utime), "float"); T.eq(math.type(after.stime), "float")
  T.eq(math.type(after.maxrss), "integer")
  assert(after.maxrss > 0, "maxrss " .. after.maxrss)
end)

T.test("getrusage self reports this process", function()
  local u = ns.getrusage("self")
  assert(u.utime + u.stime > 0, "some CPU time")
  assert(u.maxrss > 1000, "maxrss in KiB: " .. u.maxrss)
end)

T.test("clock is monotonic seconds; sleep waits at least as long as asked", function()
  local t0 = ns.clock()
  T.eq(math.type(t0), "float")
  T.eq(ns.sleep(0.1), true)
  local elapsed = ns.clock() - t0
  assert(elapsed >= 0.1 and elapsed < 2, "slept " .. elapsed .. " s")
  T.eq(ns.sleep(0), true, "sleep(0)")
  T.eq(ns.sleep(1), true) -- an integer works too
end)

-- misuse: raised, and nothing done ---------------------------------------------------

T.test("signalfd and sigprocmask misuse raises and changes no mask", function()
  T.raises("bad argument #1 to 'signalfd' (table expected, got string)", ns.signalfd, "USR1")
  T.raises("bad argument #1 to 'signalfd' ('signals[2]': unknown signal name 'NOPE')", ns.signalfd, { "USR1", "NOPE" })
  T.raises("('signals[1]': unknown signal name '15')", ns.signalfd, { "15" })
  T.raises("('signals[1]': SIGKILL cannot be blocked or caught)", ns.signalfd, { "KILL" })
  T.raises("('signals[1]': SIGSTOP cannot be blocked or caught)", ns.signalfd, { 19 })
  T.raises("('signals[1]': signal 0 out of range 1..64)", ns.signalfd, { 0 })
  T.raises("('signals[1]': signal 65 out of range 1..64)", ns.signalfd, { 65 })
  T.raises("('signals[1]': signal 32 is reserved by the C library", ns.signalfd, { 32 })
  T.raises("('signals[1]': number has no integer representation)", ns.signalfd, { 1.5 })
  T.raises("('signals[1]': signal number or name expected, got table)", ns.signalfd, { {} })
  T.raises("(signals must be a list, got a string key)", ns.signalfd, { USR1 = true })
  T.raises("bad argument #1 to 'sigprocmask' (invalid option 'bogus' (expected \"block\", \"unblock\" or \"set\"))",
    ns.sigprocmask, "bogus", {})
  T.raises("bad argument #1 to 'sigprocmask' (string expected, got number)", ns.sigprocmask, 0, {})
  T.raises("bad argument #2 to 'sigprocmask' (table expected, got string)", ns.sigprocmask, "block", "USR1")
  T.raises("bad argument #2 to 'sigprocmask' ('signals[1]': SIGKILL cannot be blocked or caught)",
    ns.sigprocmask, "set", { "KILL" })
  T.raises("bad argument #2 to 'sigprocmask' ('signals[2]': unknown signal name 'NOPE')",
    ns.sigprocmask, "block", { "USR1", "NOPE" })
  T.eq(sigblk(), 0, "this process's mask is untouched")
end)

T.test("read_signals, poll misuse raises", function()
  T.raises("bad argument #1 to 'read_signals' (number expected, got string)", ns.read_signals, "3")
  T.raises("bad argument #1 to 'read_signals' (fd out of range", ns.read_signals, -1)
  T.raises("bad argument #1 to 'poll' (table expected, got number)", ns.poll, 3, 0)
  T.raises("bad argument #1 to 'poll' ('fds[1]': fd or pidfd expected, got string)", ns.poll, { "3" }, 0)
  T.raises("bad argument #1 to 'poll' ('fds[1]': fd out of range 0..2147483647)", ns.poll, { -1 }, 0)
  T.raises("bad argument #1 to 'poll' ('fds[1]': number has no integer representation)", ns.poll, { 1.5 }, 0)
  T.raises("bad argument #1 to 'poll' (fds must be a list", ns.poll, { [2] = 3 }, 0)
  T.raises("bad argument #2 to 'poll' (number expected, got string)", ns.poll, {}, "1")
  T.raises("bad argument #2 to 'poll' (timeout is NaN)", ns.poll, {}, 0 / 0)
  local _, pidfd = assert(clone(0, function() return 0 end))
  ns.wait(pidfd); pidfd:close()
  T.raises("bad argument #1 to 'poll' ('fds[1]': pidfd is closed)", ns.poll, { pidfd }, 0)
end)

T.test("waitpid and kill misuse raises", function()
  T.raises("bad argument #1 to 'waitpid' (number expected, got string)", ns.waitpid, "-1")
  T.raises("bad argument #1 to 'waitpid' (pid must be -1 (any child) or positive, got 0)", ns.waitpid, 0)
  T.raises("(pid must be -1 (any child) or positive, got -5)", ns.waitpid, -5)
  T.raises("bad argument #1 to 'waitpid' (number has no integer representation)", ns.waitpid, 1.5)
  T.raises("bad argument #2 to 'waitpid' (invalid option 'bogus' (expected \"nohang\"))", ns.waitpid, -1, "bogus")
  T.raises("bad argument #1 to 'kill' (number expected, got string)", ns.kill, "1", 0)
  T.raises("bad argument #1 to 'kill' (pid out of range -2147483647..2147483647)", ns.kill, -2 ^ 31, 0)
  T.raises("bad argument #2 to 'kill' (unknown signal name 'NOPE')", ns.kill, getpid(), "NOPE")
  T.raises("bad argument #2 to 'kill' (signal 65 out of range 0..64)", ns.kill, getpid(), 65)
  T.raises("bad argument #2 to 'kill' (signal number or name expected, got no value)", ns.kill, getpid())
end)

T.test("set_pdeathsig, getrusage and sleep misuse raises", function()
  T.raises("bad argument #1 to 'set_pdeathsig' (unknown signal name 'NOPE')", ns.set_pdeathsig, "NOPE")
  T.raises("bad argument #1 to 'set_pdeathsig' (unknown signal name '9')", ns.set_pdeathsig, "9")
  T.raises("bad argument #1 to 'set_pdeathsig' (signal 65 out of range 0..64)", ns.set_pdeathsig, 65)
  T.raises("bad argument #1 to 'set_pdeathsig' (signal -1 out of range", ns.set_pdeathsig, -1)
  T.raises("bad argument #1 to 'set_pdeathsig' (signal number or name expected, got no value)", ns.set_pdeathsig)
  T.eq(ns.get_pdeathsig(), 0, "this process's death signal is untouched")
  T.raises("bad argument #1 to 'getrusage' (invalid option 'thread' (expected \"self\" or \"children\"))", ns.getrusage, "thread")
  T.raises("bad argument #1 to 'getrusage' (string expected, got no value)", ns.getrusage)
  T.raises("bad argument #1 to 'getrusage' (string expected, got number)", ns.getrusage, 0)
  T.raises("bad argument #1 to 'sleep' (duration must not be negative)", ns.sleep, -1)
  T.raises("bad argument #1 to 'sleep' (duration is NaN)", ns.sleep, 0 / 0)
  T.raises("bad argument #1 to 'sleep' (duration out of range 0..2147483647 seconds)", ns.sleep, math.huge)
  T.raises("bad argument #1 to 'sleep' (number expected, got string)", ns.sleep, "1")
end)

os.exit(T.done())
