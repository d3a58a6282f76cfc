-- clone, raw_clone, getpid, gettid, ns.wait, ns._exit through the binary.
local T = require "testing"
local E = ns.errno

T.test("getpid and gettid are the kernel's pid of this process", function()
  local stat = T.read("/proc/self/stat")
  T.eq(getpid(), tonumber(stat:match("^(%d+)")), "getpid")
  T.eq(gettid(), getpid(), "gettid in a single-threaded host")
  T.eq(ns.getpid, getpid, "ns.getpid is the global")
end)

T.test("the host has exactly one thread", function()
  T.eq(T.read("/proc/self/status"):match("Threads:%s*(%d+)"), "1", "Threads")
end)

T.test("clone(CLONE_NEWPID|CLONE_NEWUTS): the child is pid 1 and the host hostname is unchanged", function()
  local host = assert(ns.gethostname())
  local ok, how, code = T.run_child(CLONE_NEWPID | CLONE_NEWUTS, function()
    if getpid() ~= 1 then return 10 end
    assert(ns.sethostname("nsrun-test-child"))
    if ns.gethostname() ~= "nsrun-test-child" then return 11 end
    return 0
  end)
  T.eq(ok, true, "child result " .. tostring(how) .. " " .. tostring(code))
  T.eq(ns.gethostname(), host, "host hostname")
end)

T.test("clone passes extra arguments to fn", function()
  local _, how, code = T.run_child(0, function(a, b) return a + b end, 40, 2)
  T.eq(how, "exit"); T.eq(code, 42, "exit code")
end)

T.test("clone returns pid and a pidfd whose pid matches", function()
  local pid, pidfd = clone(0, function() return 0 end)
  T.eq(math.type(pid), "integer"); T.eq(pidfd:pid(), pid, "pidfd:pid()")
  T.eq(math.type(pidfd:fd()), "integer")
  assert(tostring(pidfd):match("^pidfd %d+ %(pid %d+%)$"), tostring(pidfd))
  assert(ns.wait(pidfd))
  pidfd:close()
  T.raises("pidfd is closed", function() return pidfd:fd() end)
  assert(tostring(pidfd):match("closed"))
end)

T.test("the child's return value is its exit status", function()
  local cases = {
    { function() return 42 end, nil, "exit", 42 },
    { function() return true end, true, "exit", 0 },
    { function() end, true, "exit", 0 },
    { function() return false end, nil, "exit", 1 },
    { function() return 255 end, nil, "exit", 255 },
    { function() return 256 end, nil, "exit", 1 },
    { function() error("deliberate") end, nil, "exit", 1 },
    { function() ns._exit(7) end, nil, "exit", 7 },
    { function() os.exit(9) end, nil, "exit", 9 },
    { function() pidfd_signal(assert(ns.pidfd_open(getpid())), "KILL") end, nil, "signal", 9 },
  }
  for i, c in ipairs(cases) do
    local a, b, n = T.run_child(0, c[1])
    T.eq(a, c[2], "case " .. i .. " first"); T.eq(b, c[3], "case " .. i .. " how"); T.eq(n, c[4], "case " .. i .. " code")
  end
end)

T.test("clone with a table mirrors clone3: flags and exit_signal", function()
  local _, pidfd = assert(clone({ flags = CLONE_NEWUTS, exit_signal = "WINCH" }, function() return 3 end))
  local _, how, code = ns.wait(pidfd)
  T.eq(how, "exit"); T.eq(code, 3)
  local _, fd2 = assert(clone({ flags = 0, exit_signal = 0 }, function() return 4 end))
  T.eq(select(3, ns.wait(fd2)), 4, "exit_signal 0 child is still reaped")
end)

T.test("clone misuse raises and names the argument", function()
  local f = function() end
  T.raises("bad argument #1 to 'clone' (CLONE_VM needs CLONE_VFORK)", clone, CLONE_VM, f)
  T.raises("CLONE_THREAD is refused", clone, CLONE_THREAD | CLONE_SIGHAND | CLONE_VM | CLONE_VFORK, f)
  T.raises("CLONE_SIGHAND is refused", clone, CLONE_SIGHAND | CLONE_VM | CLONE_VFORK, f)
  T.raises("CLONE_SETTLS is refused", clone, CLONE_SETTLS, f)
  T.raises("CLONE_PARENT_SETTID is refused", clone, CLONE_PARENT_SETTID, f)
  T.raises("CLONE_CHILD_SETTID is refused", clone, CLONE_CHILD_SETTID, f)
  T.raises("CLONE_CHILD_CLEARTID is refused", clone, CLONE_CHILD_CLEARTID, f)
  T.raises("signal bits 0x11", clone, 17, f)
  T.raises("CLONE_NEWUSER cannot be combined with CLONE_FS", clone, CLONE_NEWUSER | CLONE_FS, f)
  T.raises("CLONE_NEWNS cannot be combined with CLONE_FS", clone, CLONE_NEWNS | CLONE_FS, f)
  T.raises("CLONE_NEWIPC cannot be combined with CLONE_SYSVSEM", clone, CLONE_NEWIPC | CLONE_SYSVSEM, f)
  T.raises("unknown clone flag bits", clone, 1 << 40, f)
  T.raises("bad argument #1 to 'clone' (flags (integer or table) expected, got string)", clone, "0", f)
  T.raises("number has no integer representation", clone, 1.5, f)
  T.raises("number has no integer representation", clone, 0/0, f)
  T.raises("bad argument #2 to 'clone' (function expected, got no value)", clone, 0)
  T.raises("unknown clone argument 'flag'", clone, { flag = 0 }, f)
  T.raises("'exit_signal': unknown signal name 'NOPE'", clone, { exit_signal = "NOPE" }, f)
  T.raises("'exit_signal': signal 99 out of range", clone, { exit_signal = 99 }, f)
  T.raises("a CLONE_VM|CLONE_VFORK child takes a function or an argv table, got number", clone, CLONE_VM | CLONE_VFORK, 42)
  T.raises("exit_signal cannot be combined with CLONE_PARENT", clone, { flags = CLONE_PARENT, exit_signal = "CHLD" }, f)
  T.raises("exit_signal cannot be combined with CLONE_PARENT", raw_clone, { flags = CLONE_PARENT, exit_signal = 17 })
end)

T.test("a float with an exact integer value is accepted as flags", function()
  local _, _, code = T.run_child(0.0, function() return 5 end)
  T.eq(code, 5)
end)

T.test("clone into a cgroup fd that is no cgroup gives nil, message, EBADF", function()
  local _, holder = clone(0, function() return 0 end)
  local fd = holder:fd()
  local msg = T.fails(E.EBADF, "clone", clone({ flags = 0, cgroup = fd }, function() return 0 end))
  assert(msg:match("^clone3 "), msg)
  ns.wait(holder)
end)

T.test("raw_clone returns 0 in the child and the pid in the parent", function()
  local marker = os.tmpname()
  local pid, pidfd = raw_clone(0)
  if pid == 0 then
    local f = io.open(marker, "w"); f:write(getpid()); f:close()
    ns._exit(5)
  end
  local _, how, code = ns.wait(pidfd)
  T.eq(how, "exit"); T.eq(code, 5)
  T.eq(tonumber(T.read(marker)), pid, "child's own getpid")
  os.remove(marker)
end)

T.test("raw_clone(CLONE_NEWPID): getpid is 1 in the child", function()
  local pid, pidfd = raw_clone(CLONE_NEWPID)
  if pid == 0 then ns._exit(getpid() == 1 and 0 or 1) end
  T.eq(ns.wait(pidfd), true)
end)

T.test("raw_clone misuse raises", function()
  T.raises("bad argument #1 to 'raw_clone' (CLONE_VM is refused by raw_clone", raw_clone, CLONE_VM)
  T.raises("CLONE_SETTLS is refused", raw_clone, CLONE_SETTLS)
  T.raises("CLONE_CHILD_CLEARTID is refused", raw_clone, CLONE_CHILD_CLEARTID)
  T.raises("CLONE_THREAD needs CLONE_SIGHAND", raw_clone, CLONE_THREAD)
  T.raises("CLONE_SIGHAND needs CLONE_VM", raw_clone, CLONE_SIGHAND)
  T.raises("flags (integer or table) expected, got no value", raw_clone)
end)

T.test("CLONE_VM|CLONE_VFORK execs on its own stack", function()
  local _, pidfd = assert(clone(CLONE_VM | CLONE_VFORK, { "sh", "-c", "exit 6" }))
  T.eq(select(3, ns.wait(pidfd)), 6)
  local _, fd2 = assert(clone(CLONE_VM | CLONE_VFORK | CLONE_NEWUTS, { "/bin/true" }))
  T.eq(ns.wait(fd2), true)
  local _, fd3 = assert(clone(CLONE_VM | CLONE_VFORK, { "sh", "-c", 'test "$A" = b' }, { A = "b" }))
  T.eq(ns.wait(fd3), true, "env passed")
end)

T.test("CLONE_VM|CLONE_VFORK exec failure is nil, message, errno and leaves no child", function()
  T.fails(E.ENOENT, "missing program", clone(CLONE_VM | CLONE_VFORK, { "/nonexistent/prog" }))
  local plain = os.tmpname()  -- mode 0600: not executable
  local msg = T.fails(E.EACCES, "not executable", clone(CLONE_VM | CLONE_VFORK, { plain }))
  T.eq(msg, "execve " .. plain .. ": Permission denied", "message")
  os.remove(plain)
  T.raises("needs clone3", clone, CLONE_VM | CLONE_VFORK | CLONE_NEWTIME, { "/bin/true" })
end)

T.test("CLONE_VM|CLONE_VFORK with a function: vfork semantics, the child's changes are the parent's", function()
  local seen = { before = getpid() }
  local uts = ns.ns_ids(getpid()).uts
  local pid, pidfd = assert(clone(CLONE_VM | CLONE_VFORK | CLONE_NEWUTS, function(a, b)
    -- Shared memory: this table is the parent's.
    seen.sum = a + b
    seen.pid = getpid()
    seen.uts = ns.ns_ids(getpid()).uts
    assert(ns.sethostname("vforked"))
    return 9
  end, 40, 2))
  -- clone returned only after the child exited (CLONE_VFORK).
  T.eq(seen.sum, 42, "the parent sees what the child wrote")
  T.eq(seen.pid, pid, "the child wrote its own pid")
  T.eq(seen.before, getpid(), "the parent's pid")
  T.eq(seen.uts ~= uts, true, "the child had its own uts namespace")
  T.eq(ns.gethostname() ~= "vforked", true, "the parent's hostname is untouched")
  local ok, how, code = ns.wait(pidfd)
  T.eq(ok, nil); T.eq(how, "exit"); T.eq(code, 9)
end)

T.test("CLONE_VM|CLONE_VFORK with a function: exec, errors, nesting, and the parent's stack intact", function()
  local r, w = assert(ns.pipe())
  local _, pidfd = assert(clone(CLONE_VM | CLONE_VFORK, function()
    -- The child's fd table is its own copy: closing and dup2ing here leave
    -- the parent's as they are. The pipe is close-on-exec; fd 9 is not.
    ns.close(r)
    assert(ns.dup2(w, 9))
    ns.execve("/bin/sh", { "sh", "-c", "echo execd >&9; exit 7" })
    return 127
  end))
  ns.close(w)
  T.eq(ns.read(r, 64), "execd\n")
  ns.close(r)
  T.eq(select(3, ns.wait(pidfd)), 7, "the exec'd program's status")
  local _, p2 = assert(clone(CLONE_VM | CLONE_VFORK, function() error("vfork boom") end))
  T.eq(select(3, ns.wait(p2)), 1, "a raised error is status 1")
  local _, p3 = assert(clone(CLONE_VM | CLONE_VFORK, function()
    local _, q = assert(clone(CLONE_VM | CLONE_VFORK, function() return 3 end))
    return select(3, ns.wait(q)) + 10
  end))
  T.eq(select(3, ns.wait(p3)), 13, "a vfork child can vfork again, on a stack of its own")
  -- Many in a row: the cached stack is reused and the caller's Lua stack is
  -- as it was (locals and varargs of this function intact).
  local marker = {}
  for i = 1, 50 do
    local _, p = assert(clone(CLONE_VM | CLONE_VFORK, function(n) return n % 256 end, i))
    T.eq(select(3, ns.wait(p)), i)
  end
  T.eq(type(marker), "table")
  T.raises("needs clone3", clone, CLONE_VM | CLONE_VFORK | CLONE_NEWTIME, function() end)
end)

T.test("CLONE_VM|CLONE_VFORK with a function: the collector does not run in the child", function()
  -- A finalizer run in the child would act in the child (a pidfd closed in
  -- its fd table only, a cgroup removed early) and be lost to the parent.
  local finalized = {}
  for _ = 1, 100 do
    setmetatable({}, { __gc = function() finalized[#finalized + 1] = getpid() end })
  end
  local child, pidfd = assert(clone(CLONE_VM | CLONE_VFORK, function()
    local t = {} -- luacheck: ignore 241
    for i = 1, 200000 do t[i] = { i } end -- would run whole collection cycles
    return 0
  end))
  assert(ns.wait(pidfd))
  -- The collector is held off in the child, not stopped: what the child
  -- allocated is the parent's debt once it returns, so the parent may have
  -- collected (and finalized) already. Every finalizer ran here, though.
  collectgarbage()
  T.eq(#finalized, 100, "the parent's collector finalizes them")
  for i = 1, #finalized do
    T.eq(finalized[i], getpid(), "finalizer " .. i .. " ran in the parent, not in child " .. child)
  end
end)

T.test("CLONE_VM|CLONE_VFORK with a function: the collector's pace is kept across the clone", function()
  -- Holding the collector off must not reset its debt: a restart that
  -- zeroed it made the parent's next allocation start a cycle over its
  -- whole heap after every clone. With a large credit granted first, a
  -- megabyte of garbage made before the clone is still there after it and
  -- after a little more allocation.
  collectgarbage()
  collectgarbage("step", -(1 << 20)) -- 1 GiB of credit: no step comes by itself
  local before = collectgarbage("count")
  for i = 1, 20000 do local _ = { i, i } end -- about 1 MB of garbage
  local grown = collectgarbage("count")
  T.eq(grown - before > 512, true, "the garbage is made (" .. (grown - before) .. " KiB)")
  local _, pidfd = assert(clone(CLONE_VM | CLONE_VFORK, function() return 0 end))
  assert(ns.wait(pidfd))
  for i = 1, 2000 do local _ = { i } end
  T.eq(collectgarbage("count") >= grown, true, "no collection started after the clone")
  collectgarbage()
  T.eq(collectgarbage("count") < grown - 512, true, "the garbage is collectable")
end)

T.test("CLONE_VM|CLONE_VFORK with a function: an exec leaves nothing allocated behind", function()
  -- What a vfork child holds when its exec succeeds is never freed; the exec
  -- bindings hold only Lua strings there (exec.c). With a 20 KB environment,
  -- 300 execs leaked 17 MB before. Measured in a fresh nsrun: this one's
  -- heap has free pages from earlier tests that a leak would fill unseen.
  local script = os.tmpname()
  local f = assert(io.open(script, "w"))
  f:write([[
    local env = {}
    for i = 1, 200 do env["NSRUN_TEST_VAR_" .. i] = string.rep("x", 80) end
    local function rss()
      local f = io.open("/proc/self/status"); local s = f:read("a"); f:close()
      return tonumber(s:match("VmRSS:%s+(%d+) kB"))
    end
    local function run(n)
      for _ = 1, n do
        local _, pidfd <close> = assert(clone(CLONE_VM | CLONE_VFORK, function()
          ns.execve("/bin/true", { "true" }, env)
          return 127
        end))
        assert(select(3, ns.wait(pidfd)) == 0)
      end
      collectgarbage(); collectgarbage()
    end
    run(20) -- warm: the cached stack, the first allocations
    local before = rss()
    run(300)
    io.write(rss() - before)
  ]])
  f:close()
  local out, ok = T.shell_out(("'%s' '%s'"):format(arg[-1], script))
  os.remove(script)
  T.eq(ok, true, "the measuring nsrun ran")
  local grown = tonumber(out)
  T.eq(grown ~= nil and grown < 1024, true, ("RSS grew by %s KiB over 300 vfork execs"):format(out))
end)

local function self_maps()
  local u, g, sg = T.read("/proc/self/uid_map"), T.read("/proc/self/gid_map"), T.read("/proc/self/setgroups")
  return (u:gsub("%s+", " ")) .. "|" .. (g:gsub("%s+", " ")) .. "|" .. sg
end

T.test("clone with uid_map and gid_map: the parent writes them before fn runs", function()
  local r, w = assert(ns.pipe())
  local _, pidfd = assert(clone({ flags = CLONE_NEWUSER, uid_map = "0 0 1", gid_map = { { 0, 0, 1 } } }, function()
    ns.close(r)
    assert(ns.write(w, self_maps()))
    return ns.getuid() == 0 and 0 or 3
  end))
  ns.close(w)
  T.eq(ns.read(r, 200), " 0 0 1 | 0 0 1 |allow\n", "the child saw its maps at once")
  ns.close(r)
  T.eq(select(3, ns.wait(pidfd)), 0, "uid 0 inside")
end)

T.test("clone with maps and vfork semantics: maps written, then the child runs in the parent's memory", function()
  local function blocked() return T.read("/proc/self/status"):match("SigBlk:%s*(%x+)") end
  local mask = blocked()
  local seen = {}
  local _, pidfd = assert(clone({ flags = CLONE_VM | CLONE_VFORK | CLONE_NEWUSER | CLONE_NEWNS,
                                  uid_map = "0 1000 10", gid_map = "0 1000 10", setgroups = "deny" }, function()
    seen.maps = self_maps()
    seen.uid = ns.getuid()
    return 4
  end))
  -- clone returned after the child exited: what it wrote is here.
  T.eq(seen.maps, " 0 1000 10 | 0 1000 10 |deny\n")
  T.eq(seen.uid, 65534, "the caller's uid 0 is unmapped inside: the overflow uid")
  T.eq(select(3, ns.wait(pidfd)), 4)
  T.eq(blocked(), mask, "the signals held back while the child ran are unblocked again")
end)

T.test("clone with a map the kernel refuses: nil, message, errno; fn never ran; nothing left", function()
  -- Inside a user namespace that maps only 0, outside id 5 does not exist.
  local _, outer = assert(clone({ flags = CLONE_NEWUSER, uid_map = "0 0 1", gid_map = "0 0 1" }, function()
    for _, extra in ipairs({ 0, CLONE_VM | CLONE_VFORK }) do
      local r, w = assert(ns.pipe())
      local pid, msg, errno = clone({ flags = extra | CLONE_NEWUSER, uid_map = "0 5 1" }, function()
        ns.write(w, "ran")
        return 0
      end)
      ns.close(w)
      if pid ~= nil then return 10 end
      if errno ~= E.EPERM then return 11 end
      if not msg:match("^write_uid_map /proc/%d+/uid_map: Operation not permitted") then return 12 end
      if ns.read(r, 8) ~= "" then return 13 end -- fn ran
      ns.close(r)
      local reaped, _, left = ns.waitpid(-1, "nohang")
      if reaped ~= nil or left ~= E.ECHILD then return 14 end -- a child left behind
    end
    return 0
  end))
  T.eq(select(3, ns.wait(outer)), 0)
end)

T.test("clone maps misuse raises before anything is created", function()
  local f = function() return 0 end
  T.raises("bad argument #1 to 'clone' (uid_map, gid_map and setgroups need CLONE_NEWUSER in flags)",
    clone, { flags = CLONE_NEWNS, uid_map = "0 0 1" }, f)
  T.raises("bad argument #1 to 'clone' ('uid_map': bad map: line 1: count is 0)", clone, { flags = CLONE_NEWUSER, uid_map = "0 0 0" }, f)
  T.raises("'gid_map': bad map", clone, { flags = CLONE_NEWUSER, gid_map = { { 0, 0, 1 }, { 0, 5, 1 } } }, f)
  T.raises([['setgroups': expected "deny" or "allow", got 'maybe']], clone, { flags = CLONE_NEWUSER, setgroups = "maybe" }, f)
  T.raises([['setgroups': expected "deny" or "allow", got boolean]], clone, { flags = CLONE_NEWUSER, setgroups = true }, f)
  T.raises("not raw_clone's", raw_clone, { flags = CLONE_NEWUSER, uid_map = "0 0 1" })
  T.raises("need a function child", clone, { flags = CLONE_VM | CLONE_VFORK | CLONE_NEWUSER, uid_map = "0 0 1" }, { "/bin/true" })
  T.raises("expected flags, cgroup, exit_signal, uid_map, gid_map, setgroups", clone, { flags = 0, uid = 0 }, f)
end)

-- clone's bounding_set ----------------------------------------------------------

-- The calling process's CapBnd and CapEff lines, as hex text.
local function cap_lines(pid)
  local status = T.read("/proc/" .. (pid or "self") .. "/status")
  return status:match("CapBnd:%s*(%x+)"), status:match("CapEff:%s*(%x+)")
end

T.test("clone with bounding_set: the child's bounding set keeps only those named, its effective set whole", function()
  local bnd, eff = cap_lines()
  if not eff:find("[1-9a-f]") then T.skip("needs capabilities (root)") end
  for _, flags in ipairs({ 0, CLONE_VM | CLONE_VFORK }) do
    for _, with_after in ipairs({ false, true }) do
      local r, w = assert(ns.pipe())
      local t = { flags = flags, bounding_set = { "CAP_NET_BIND_SERVICE", "kill" } }
      if with_after then t.after_clone = function() return true end end
      local _, pidfd = assert(clone(t, function()
        local b, e = cap_lines()
        ns.write(w, b .. " " .. e)
        return 0
      end))
      ns.close(w)
      local what = ("flags %d, after_clone %s"):format(flags, tostring(with_after))
      -- CAP_KILL is 5, CAP_NET_BIND_SERVICE 10.
      T.eq(ns.read(r, 64), "0000000000000420 " .. eff, what)
      ns.close(r)
      T.eq(select(3, ns.wait(pidfd)), 0, what)
    end
  end
  T.eq(cap_lines(), bnd, "the caller's bounding set is untouched")
end)

T.test("clone with bounding_set and vfork semantics: the child drops before it is released from after_clone", function()
  local _, eff = cap_lines()
  if not eff:find("[1-9a-f]") then T.skip("needs capabilities (root)") end
  local seen
  local _, pidfd = assert(clone({ flags = CLONE_VM | CLONE_VFORK, bounding_set = {}, after_clone = function(pid)
    -- The child has not been released yet: only its prelude can empty
    -- the set it shows.
    local deadline = ns.clock() + 5
    repeat seen = cap_lines(pid) until seen == "0000000000000000" or ns.clock() > deadline
    return true
  end }, function() return 0 end))
  T.eq(seen, "0000000000000000", "the child's bounding set, seen from after_clone")
  T.eq(select(3, ns.wait(pidfd)), 0)
end)

T.test("clone with bounding_set without CAP_SETPCAP: EPERM before anything is created, unless nothing is left to drop", function()
  local _, eff = cap_lines()
  if not eff:find("[1-9a-f]") then T.skip("needs capabilities (root)") end
  local _, outer = assert(clone(0, function()
    -- Every capability this process has, but CAP_SETPCAP.
    local keep = {}
    for _, name in ipairs(assert(ns.capabilities()).effective) do
      if name ~= "setpcap" then keep[#keep + 1] = name end
    end
    assert(ns.drop_capabilities(keep))
    for _, flags in ipairs({ 0, CLONE_VM | CLONE_VFORK }) do
      local pid, msg, errno = clone({ flags = flags, bounding_set = { "CAP_KILL" } }, function() return 0 end)
      if pid ~= nil or errno ~= E.EPERM then return 10 end
      if msg ~= "clone bounding_set (PR_CAPBSET_DROP needs CAP_SETPCAP effective): Operation not permitted" then
        io.stderr:write(msg, "\n"); return 11
      end
      local reaped, _, left = ns.waitpid(-1, "nohang")
      if reaped ~= nil or left ~= E.ECHILD then return 12 end
      -- The same set kept (CAP_SETPCAP is gone from it already): nothing to drop.
      local _, pidfd = clone({ flags = flags, bounding_set = keep }, function() return 7 end)
      if not pidfd or select(3, ns.wait(pidfd)) ~= 7 then return 13 end
    end
    return 0
  end))
  T.eq(select(3, ns.wait(outer)), 0)
end)

T.test("clone with bounding_set: a drop the kernel refuses ends the child with status 1 before fn runs", function()
  local _, eff = cap_lines()
  if not eff:find("[1-9a-f]") then T.skip("needs capabilities (root)") end
  local r, w = assert(ns.pipe())
  local _, outer = assert(clone(0, function()
    ns.dup2(w, 2)
    -- PR_CAPBSET_DROP (24) refused with EACCES; the clone's check before
    -- the clone passes (CAP_SETPCAP is effective).
    assert(ns.seccomp { rules = { { "prctl", action = "errno:EACCES", args = { { 0, "==", 24 } } } } })
    for _, t in ipairs({ { flags = 0 }, { flags = CLONE_VM | CLONE_VFORK, after_clone = function() return true end } }) do
      t.bounding_set = {}
      local ran = false
      local _, pidfd = assert(clone(t, function() ran = true; ns.write(w, "ran\n"); return 0 end))
      local _, how, code = ns.wait(pidfd)
      if how ~= "exit" or code ~= 1 or ran then return 10 end
    end
    return 0
  end))
  ns.close(w)
  local err = T.read_all(r)
  T.eq(select(3, ns.wait(outer)), 0, err)
  local n = 0
  for line in err:gmatch("[^\n]+") do
    n = n + 1
    assert(line:match("^nsrun: child %d+: bounding_set: PR_CAPBSET_DROP of capability 0: Permission denied$"), line)
  end
  T.eq(n, 2, "one message per child: " .. err)
end)

T.test("clone bounding_set misuse raises before anything is created", function()
  local f = function() return 0 end
  T.raises("bad argument #1 to 'clone' ('bounding_set': unknown capability 'CAP_NOPE')", clone, { flags = 0, bounding_set = { "CAP_NOPE" } }, f)
  T.raises("'bounding_set': table expected, got string", clone, { flags = 0, bounding_set = "CAP_KILL" }, f)
  T.raises("'bounding_set' must be a list of capability names", clone, { flags = 0, bounding_set = { kill = true } }, f)
  T.raises("bounding_set is clone's (a function child's prelude), not raw_clone's", raw_clone, { flags = 0, bounding_set = {} })
  T.raises("bounding_set needs a function child", clone, { flags = CLONE_VM | CLONE_VFORK, bounding_set = {} }, { "/bin/true" })
  T.raises("after_clone, bounding_set)", clone, { flags = 0, bounding = {} }, f)
end)

T.test("ns._exit misuse raises", function()
  T.raises("exit status out of range 0..255", ns._exit, 256)
  T.raises("number expected, got string", ns._exit, "1")
end)

T.test("output written before a clone appears once", function()
  local out = os.tmpname()
  local f = assert(io.open(out, "w"))
  io.output(f)
  io.write("before clone\n")  -- buffered in the parent's FILE
  local _, pidfd = clone(0, function() io.write("child\n"); return 0 end)
  ns.wait(pidfd)
  io.write("after\n")
  io.close(f); io.output(io.stdout)
  T.eq(T.read(out), "before clone\nchild\nafter\n", "file contents")
  os.remove(out)
end)

T.test("a table with no element 1 is refused, not a crash (found by the fuzzer)", function()
  -- Each of these once trapped nsrun (SIGILL) on a Swift range 1...0.
  for _, chunk in ipairs({
    'ns.drop_capabilities({[2]="chown"})',
    'ns.seccomp_explain({deny={[2]="mkdir"}})',
    'ns.exec({"x"}, {[2]="A=b"})',
    'ns.kill(ns.getpid(), "RTMIN+2147483647")',  -- found by libFuzzer: Int32 overflow
  }) do
    local _, pidfd = assert(clone(0, function()
      ns.execve("/proc/self/exe", { "nsrun", "-e", "pcall(function() " .. chunk .. " end)" })
    end))
    local _, how, code = ns.wait(pidfd)
    T.eq(how, "exit", chunk); T.eq(code, 0, chunk)
  end
  T.raises("pidfd expected, got number", getmetatable(select(2, clone(0, function() end))).__tostring, 5)
end)

os.exit(T.done())
