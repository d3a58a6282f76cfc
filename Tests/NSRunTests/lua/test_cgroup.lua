-- ns.cgroup: cgroup2 handles, CLONE_INTO_CGROUP, kill, freeze, limits (pids
-- through cgroup v1 on a hybrid host), and that nothing is left behind.
--
-- Host caution (DESIGN.md 6): cgroups are created only in the cgroup2
-- hierarchy and below this process's own v1 pids cgroup; nothing here ever
-- writes under /sys/fs/cgroup/memory. Every test removes what it creates,
-- and the last test checks that no directory of this run is left.
local T = require "testing"
local E = ns.errno
local NSRUN = arg and arg[-1] or "nsrun"

---------------------------------------------------------------------------
-- What the host has, read independently of nsrun.

local function lines(path)
  local out = {}
  for l in io.lines(path) do out[#out + 1] = l end
  return out
end

local V2MOUNT, V1PIDSMOUNT
for _, l in ipairs(lines("/proc/self/mountinfo")) do
  local mp, fstype, opts = l:match("^%S+ %S+ %S+ %S+ (%S+) .- %- (%S+) %S+ (%S+)$")
  if fstype == "cgroup2" and not V2MOUNT then V2MOUNT = mp end
  if fstype == "cgroup" and ("," .. opts .. ","):find(",pids,", 1, true) then V1PIDSMOUNT = mp end
end
local OWNV2, OWNV1PIDS
for _, l in ipairs(lines("/proc/self/cgroup")) do
  local p = l:match("^0::(.*)$")
  if p then OWNV2 = p end
  local q = l:match("^%d+:pids:(.*)$")
  if q then OWNV1PIDS = q end
end
local function join(dir, rel) return rel == "/" and dir or dir .. rel end
local V2DIR = V2MOUNT and OWNV2 and join(V2MOUNT, OWNV2)
local V1DIR = V1PIDSMOUNT and OWNV1PIDS and join(V1PIDSMOUNT, OWNV1PIDS)

local function read(path)
  local f = io.open(path)
  if not f then return nil end
  local s = f:read("a")
  f:close()
  return s
end
local function words(s)
  local t = {}
  for w in (s or ""):gmatch("%S+") do t[w] = true end
  return t
end
local V2CONTROLLERS = words(V2DIR and read(V2DIR .. "/cgroup.controllers"))

local function isdir(path)
  local fd = ns.open(path, ns.O_RDONLY | ns.O_DIRECTORY)
  if fd then ns.close(fd) return true end
  return false
end

-- Every cgroup this suite creates is named nsrun-test-<pid>-<n>.
local PREFIX = "nsrun-test-" .. getpid() .. "-"
local count = 0
local function newname()
  count = count + 1
  return PREFIX .. count
end

local function need_v2()
  if not V2DIR then T.skip("no cgroup2 hierarchy mounted") end
end

local function sleep(s) os.execute("sleep " .. s) end

-- Polls fn() (at most `seconds`), true once it returns true.
local function eventually(fn, seconds)
  for _ = 1, math.floor((seconds or 5) / 0.02) do
    if fn() then return true end
    sleep(0.02)
  end
  return fn()
end

-- A child that waits on a pipe until released, in `flags` (integer or table).
local function waiter(flags)
  local r, w = assert(ns.pipe())
  local pid, pidfd = assert(clone(flags, function()
    ns.close(w)
    ns.read(r, 1)
    return 0
  end))
  ns.close(r)
  return pid, pidfd, function() ns.write(w, "x"); ns.close(w) end
end

-- A child running `sleep 30`, in a new pid namespace (so everything it
-- starts dies and is reaped with it), placed by `flags`.
local function sleeper(cg)
  return assert(clone({ flags = CLONE_NEWPID, cgroup = cg }, function()
    return ns.execve("/bin/sleep", { "sleep", "30" })
  end))
end

---------------------------------------------------------------------------

T.test("create makes a directory below the caller's own cgroup2; remove removes it", function()
  need_v2()
  local name = newname()
  local cg = assert(ns.cgroup.create(name))
  T.eq(cg.path, V2DIR .. "/" .. name, "path")
  T.eq(cg.name, name, "name")
  T.eq(isdir(cg.path), true, "directory exists")
  T.eq(math.type(cg.fd), "integer", "fd")
  T.eq(tostring(cg), "cgroup " .. cg.path)
  T.eq(cg.v1_path, nil, "no v1 companion before a v1 limit")
  T.eq(cg:remove(), true, "remove")
  T.eq(isdir(cg.path), false, "directory gone")
end)

T.test("the fd is a close-on-exec fd of the cgroup directory", function()
  need_v2()
  local cg <close> = assert(ns.cgroup.create(newname()))
  local flags = read("/proc/self/fdinfo/" .. cg.fd):match("flags:%s*(%d+)")
  T.eq(tonumber(flags, 8) & tonumber("2000000", 8) ~= 0, true, "O_CLOEXEC")
  local f = io.popen("readlink /proc/" .. getpid() .. "/fd/" .. cg.fd)
  T.eq(f:read("l"), cg.path, "fd names the cgroup directory")
  f:close()
end)

T.test("get and set read and write interface files", function()
  need_v2()
  local cg <close> = assert(ns.cgroup.create(newname()))
  T.eq(cg:get("cgroup.type"), "domain", "cgroup.type, newline stripped")
  T.eq(cg:set("cgroup.max.descendants", 5), true, "integer value")
  T.eq(cg:get("cgroup.max.descendants"), "5")
  T.eq(read(cg.path .. "/cgroup.max.descendants"), "5\n", "the file itself")
  T.eq(cg:set("cgroup.max.descendants", "max"), true, "string value")
  T.eq(cg:get("cgroup.max.descendants"), "max")
end)

T.test("get/set of a file the cgroup lacks, and a value the kernel refuses, are nil, message, errno", function()
  need_v2()
  local cg <close> = assert(ns.cgroup.create(newname()))
  T.eq(T.fails(E.ENOENT, "set", cg:set("nsrun.nosuch", 1)), "cgroup set " .. cg.path .. "/nsrun.nosuch: No such file or directory")
  T.eq(T.fails(E.ENOENT, "get", cg:get("nsrun.nosuch")), "cgroup get " .. cg.path .. "/nsrun.nosuch: No such file or directory")
  if not V2CONTROLLERS.pids then
    T.eq(T.fails(E.ENOENT, "set pids.max", cg:set("pids.max", 10)), "cgroup set " .. cg.path .. "/pids.max: No such file or directory")
  end
  T.eq(T.fails(E.EINVAL, "bad value", cg:set("cgroup.max.descendants", "lots")),
    "cgroup set " .. cg.path .. "/cgroup.max.descendants: Invalid argument")
end)

T.test("create fails with nil, message, errno: EEXIST, ENOENT parent, a parent that is not cgroup2", function()
  need_v2()
  local name = newname()
  local cg <close> = assert(ns.cgroup.create(name))
  T.eq(T.fails(E.EEXIST, "again", ns.cgroup.create(name)), "cgroup create " .. cg.path .. ": File exists")
  T.eq(T.fails(E.ENOENT, "no parent", ns.cgroup.create("x", { parent = V2DIR .. "/nsrun-no-such-parent" })),
    "cgroup create " .. V2DIR .. "/nsrun-no-such-parent: No such file or directory")
  T.eq(T.fails(E.EXDEV, "tmp", ns.cgroup.create("x", { parent = "/tmp" })),
    "cgroup create /tmp (not cgroup2): Invalid cross-device link")
end)

T.test("misuse raises", function()
  need_v2()
  T.raises("bad argument #1 to 'cgroup.create' (string expected, got no value)", ns.cgroup.create)
  T.raises("bad argument #1 to 'cgroup.create' (string expected, got number)", ns.cgroup.create, 5)
  T.raises("(cgroup name 'a/b' must be a single path component (no '/'))", ns.cgroup.create, "a/b")
  T.raises("(cgroup name '..' is not allowed)", ns.cgroup.create, "..")
  T.raises("(cgroup name is empty)", ns.cgroup.create, "")
  T.raises("string contains a NUL byte", ns.cgroup.create, "a\0b")
  T.raises("(cgroup name contains a newline)", ns.cgroup.create, "a\nb")
  T.raises("bad argument #2 to 'cgroup.create' (unknown option 'bogus' (expected parent))", ns.cgroup.create, "x", { bogus = 1 })
  T.raises("'parent': cgroup or path expected, got number", ns.cgroup.create, "x", { parent = 5 })
  T.raises("'parent': absolute path expected, got 'relative'", ns.cgroup.create, "x", { parent = "relative" })
  T.raises("bad argument #2 to 'cgroup.create' (table expected, got string)", ns.cgroup.create, "x", "y")
  local cg <close> = assert(ns.cgroup.create(newname()))
  T.raises("bad argument #1 to 'set' (cgroup file name '../cgroup.procs' must be a single path component (no '/'))",
    function() return cg:set("../cgroup.procs", 1) end)
  T.raises("bad argument #1 to 'get' (cgroup file name '..' is not allowed)", function() return cg:get("..") end)
  T.raises("bad argument #2 to 'set' (string or integer expected, got boolean)", function() return cg:set("cgroup.freeze", true) end)
  T.raises("number has no integer representation", function() return cg:set("cgroup.freeze", 1.5) end)
  T.raises("bad argument #1 to 'add' (pid or pidfd expected, got string)", function() return cg:add("1") end)
  T.raises("bad argument #1 to 'add' (pid out of range", function() return cg:add(-1) end)
  T.raises("bad argument #1 to 'limit' (table expected, got string)", function() return cg:limit("pids=1") end)
  T.raises("bad argument #1 to 'limit' (no limit given (expected cpu, memory, pids))", function() return cg:limit {} end)
  T.raises("(unknown option 'swap' (expected cpu, memory, pids))", function() return cg:limit { swap = 1 } end)
  T.raises("('memory': memory size '1.5G' is not a byte count", function() return cg:limit { memory = "1.5G" } end)
  T.raises("('memory': memory size -1 is negative)", function() return cg:limit { memory = -1 } end)
  T.raises("('pids': pids limit '64' is neither an integer nor \"max\")", function() return cg:limit { pids = "64" } end)
  T.raises("('pids': pids limit -2 is negative)", function() return cg:limit { pids = -2 } end)
  T.raises("('cpu': string expected (\"50%\" or \"max\"), got number)", function() return cg:limit { cpu = 50 } end)
  T.raises("('cpu': cpu share '0.5%' is below 1%", function() return cg:limit { cpu = "0.5%" } end)
  T.raises("bad argument #1 to 'get' (cgroup expected, got table)", cg.get, {}, "x")
end)

T.test("a removed handle says so when used; <close> and remove after remove do nothing more", function()
  need_v2()
  local cg = assert(ns.cgroup.create(newname()))
  assert(cg:remove())
  T.raises("cgroup is removed", function() return cg:get("cgroup.type") end)
  T.raises("cgroup is removed", function() return cg:remove() end)
  T.raises("cgroup is removed", function() return cg.fd end)
  T.raises("'cgroup': cgroup is removed", clone, { flags = 0, cgroup = cg }, function() return 0 end)
  T.raises("'parent': cgroup is removed", ns.cgroup.create, "x", { parent = cg })
  T.eq(tostring(cg), "cgroup " .. cg.path .. " (removed)")
  T.eq(cg.path ~= nil, true, "path stays readable")
end)

T.test("add moves a process in; procs lists it; /proc/PID/cgroup shows it; ESRCH for no process", function()
  need_v2()
  local cg <close> = assert(ns.cgroup.create(newname()))
  local pid, pidfd, release = waiter(0)
  T.eq(cg:add(pid), true, "add")
  local procs = cg:procs()
  T.eq(#procs, 1, "one process"); T.eq(procs[1], pid, "the child")
  T.eq(read("/proc/" .. pid .. "/cgroup"):match("\n?0::([^\n]*)"), (OWNV2 == "/" and "" or OWNV2) .. "/" .. cg.name)
  release()
  T.eq(pidfd:wait(), true, "child ends normally")
  T.eq(#cg:procs(), 0, "empty once it exited")
  T.eq(T.fails(E.ESRCH, "no such pid", cg:add(0x3ffffff0)),
    "cgroup add " .. cg.path .. "/cgroup.procs (pid " .. 0x3ffffff0 .. "): No such process")
end)

T.test("add takes a pidfd handle", function()
  need_v2()
  local cg <close> = assert(ns.cgroup.create(newname()))
  local pid, pidfd, release = waiter(0)
  T.eq(cg:add(pidfd), true)
  T.eq(cg:procs()[1], pid)
  release(); pidfd:wait()
  pidfd:close()
  T.raises("bad argument #1 to 'add' (pidfd is closed)", function() return cg:add(pidfd) end)
end)

T.test("clone with cgroup = handle starts the child inside (CLONE_INTO_CGROUP)", function()
  need_v2()
  local cg <close> = assert(ns.cgroup.create(newname()))
  local want = "0::" .. (OWNV2 == "/" and "" or OWNV2) .. "/" .. cg.name
  local ok, how, code = T.run_child({ flags = 0, cgroup = cg }, function()
    -- The very first thing the child sees is its cgroup.
    for l in io.lines("/proc/self/cgroup") do if l == want then return 0 end end
    return 3
  end)
  T.eq(ok, true, "child saw " .. want .. " (" .. tostring(how) .. " " .. tostring(code) .. ")")
  -- and the integer fd works the same
  local pid, pidfd, release = waiter({ flags = 0, cgroup = cg.fd })
  T.eq(cg:procs()[1], pid, "placed through cg.fd")
  release(); pidfd:wait()
end)

T.test("kill ends every process in the cgroup", function()
  need_v2()
  local cg <close> = assert(ns.cgroup.create(newname()))
  if os.execute("test -e " .. cg.path .. "/cgroup.kill") ~= true then T.skip("no cgroup.kill (Linux < 5.14)") end
  -- a shell and three sleeps, in a new pid namespace
  local _, pidfd = assert(clone({ flags = CLONE_NEWPID, cgroup = cg }, function()
    return ns.execve("/bin/sh", { "sh", "-c", "sleep 30 & sleep 30 & sleep 30 & wait" })
  end))
  T.eq(eventually(function() return #cg:procs() == 4 end), true, "four processes inside")
  T.eq(cg:kill(), true, "kill")
  local _, how, sig = pidfd:wait()
  T.eq(how, "signal"); T.eq(sig, 9, "SIGKILL")
  T.eq(eventually(function() return cg:events().cgroup.populated == 0 end), true, "populated 0")
  T.eq(#cg:procs(), 0, "nothing left")
end)

T.test("freeze stops the processes, thaw resumes them", function()
  need_v2()
  local cg <close> = assert(ns.cgroup.create(newname()))
  local file = os.tmpname()
  local _, pidfd = assert(clone({ flags = CLONE_NEWPID, cgroup = cg }, function()
    return ns.execve("/bin/sh", { "sh", "-c", "while :; do echo x >> " .. file .. "; sleep 0.01; done" })
  end))
  local function size() return #(read(file) or "") end
  T.eq(eventually(function() return size() > 3 end), true, "the writer runs")
  T.eq(cg:freeze(), true, "freeze")
  T.eq(cg:events().cgroup.frozen, 1, "cgroup.events frozen 1")
  local s1 = size()
  sleep(0.3)
  T.eq(size(), s1, "no progress while frozen")
  T.eq(cg:thaw(), true, "thaw")
  T.eq(cg:events().cgroup.frozen, 0, "frozen 0")
  T.eq(eventually(function() return size() > s1 end), true, "progress after thaw")
  assert(cg:kill()); pidfd:wait()
  os.remove(file)
end)

T.test("events gives cgroup.events (and pids.events where there is one) as integers", function()
  need_v2()
  local cg <close> = assert(ns.cgroup.create(newname()))
  local ev = cg:events()
  T.eq(ev.cgroup.populated, 0); T.eq(ev.cgroup.frozen, 0)
  local _, pidfd, release = waiter({ flags = 0, cgroup = cg })
  T.eq(cg:events().cgroup.populated, 1, "populated with a child")
  release(); pidfd:wait()
  if V2CONTROLLERS.pids or V1DIR then
    assert(cg:limit { pids = 5 })
    T.eq(math.type(cg:events().pids.max), "integer", "pids.events max")
  end
end)

T.test("remove kills what is left, waits until empty, then removes", function()
  need_v2()
  local cg = assert(ns.cgroup.create(newname()))
  local pid, pidfd = sleeper(cg)
  T.eq(cg:procs()[1], pid)
  T.eq(cg:remove(), true, "remove")
  T.eq(isdir(cg.path), false, "gone")
  local _, how, sig = pidfd:wait()
  T.eq(how, "signal"); T.eq(sig, 9, "the child was killed")
end)

T.test("nsrun will not kill, freeze or remove a cgroup it is itself in (EBUSY)", function()
  need_v2()
  local cg <close> = assert(ns.cgroup.create(newname()))
  local ok, how, code = T.run_child(0, function()
    assert(cg:add(0))   -- this child moves itself in
    local expect = "(nsrun itself, pid " .. getpid() .. ", is in it)"
    local _, m1, e1 = cg:kill()
    local _, _, e2 = cg:freeze()
    local _, _, e3 = cg:remove()
    if e1 ~= E.EBUSY or e2 ~= E.EBUSY or e3 ~= E.EBUSY then return 2 end
    if m1 ~= "cgroup kill " .. cg.path .. " " .. expect .. ": Device or resource busy" then return 3 end
    return 0
  end)
  T.eq(ok, true, tostring(how) .. " " .. tostring(code))
end)

T.test("nested cgroups: parent = handle or its path; removing the parent removes the child first", function()
  need_v2()
  local a = assert(ns.cgroup.create(newname()))
  local bname, cname = newname(), newname()
  local b = assert(ns.cgroup.create(bname, { parent = a }))
  T.eq(b.path, a.path .. "/" .. bname)
  local c = assert(ns.cgroup.create(cname, { parent = a.path }))
  T.eq(c.path, a.path .. "/" .. cname)
  local _, pidfd = sleeper(b)
  T.eq(a:remove(), true, "remove the parent")
  T.eq(isdir(a.path), false); T.eq(isdir(b.path), false); T.eq(isdir(c.path), false)
  T.raises("cgroup is removed", function() return b:procs() end)
  T.eq(select(3, pidfd:wait()), 9, "the child's process was killed")
end)

---------------------------------------------------------------------------
-- Limits.

T.test("memory limit: applied in cgroup2 where it has the memory controller, else EOPNOTSUPP that says why", function()
  need_v2()
  local cg <close> = assert(ns.cgroup.create(newname()))
  if V2CONTROLLERS.memory then
    T.eq(cg:limit { memory = "256M" }, true)
    T.eq(cg:get("memory.max"), "268435456")
    return
  end
  local msg = T.fails(E.EOPNOTSUPP, "memory", cg:limit { memory = "256M" })
  -- The hint says which controllers the host has, and where (test_hints.lua checks it word for word).
  local prefix = "cgroup limit memory " .. cg.path .. ": Operation not supported ("
  T.eq(msg:sub(1, #prefix), prefix, msg)
  T.eq(msg:find("cgroup v2 at " .. V2MOUNT .. " has ", 1, true) ~= nil, true, msg)
end)

T.test("a limit that cannot be applied leaves the others unwritten", function()
  need_v2()
  if V2CONTROLLERS.memory or V2CONTROLLERS.cpu then T.skip("cgroup2 has the memory or cpu controller here") end
  if not (V2CONTROLLERS.pids or V1DIR) then T.skip("no pids controller") end
  local cg <close> = assert(ns.cgroup.create(newname()))
  T.fails(E.EOPNOTSUPP, "memory and pids", cg:limit { memory = "64M", pids = 16 })
  T.fails(E.EOPNOTSUPP, "pids and cpu (placed after pids)", cg:limit { pids = 16, cpu = "50%" })
  T.eq(cg.v1_path, nil, "no v1 companion made")
  if V1DIR then T.eq(isdir(V1DIR .. "/" .. cg.name), false, "nothing in v1") end
  if V2CONTROLLERS.pids then T.eq(cg:get("pids.max"), "max", "pids.max untouched") end
end)

T.test("cpu limit: cpu.max \"50000 100000\" where cgroup2 has cpu, else EOPNOTSUPP", function()
  need_v2()
  local cg <close> = assert(ns.cgroup.create(newname()))
  if V2CONTROLLERS.cpu then
    T.eq(cg:limit { cpu = "50%" }, true)
    T.eq(cg:get("cpu.max"), "50000 100000")
    return
  end
  local msg = T.fails(E.EOPNOTSUPP, "cpu", cg:limit { cpu = "50%" })
  T.eq(msg:find(": Operation not supported (", 1, true) ~= nil and msg:find("cpu", 1, true) ~= nil, true, msg)
end)

T.test("pids limit: in cgroup2 if it has pids, else through a v1 pids companion below nsrun's own", function()
  need_v2()
  if not (V2CONTROLLERS.pids or V1DIR) then T.skip("no pids controller in cgroup2 or v1") end
  local cg = assert(ns.cgroup.create(newname()))
  local pid, pidfd, release = waiter({ flags = 0, cgroup = cg })
  T.eq(cg:limit { pids = 16 }, true)
  if V2CONTROLLERS.pids then
    T.eq(cg:get("pids.max"), "16")
  else
    T.eq(cg.v1_path, V1DIR .. "/" .. cg.name, "v1 companion")
    T.eq(read(cg.v1_path .. "/pids.max"), "16\n", "v1 pids.max")
    T.eq(read(cg.v1_path .. "/cgroup.procs"), pid .. "\n", "the member moved into the companion")
    local seen
    for l in io.lines("/proc/" .. pid .. "/cgroup") do seen = seen or l:match("^%d+:pids:(.*)$") end
    T.eq(seen, (OWNV1PIDS == "/" and "" or OWNV1PIDS) .. "/" .. cg.name, "/proc/PID/cgroup pids line")
  end
  release(); pidfd:wait()
  local v1 = cg.v1_path
  assert(cg:remove())
  if v1 then T.eq(isdir(v1), false, "companion removed with it") end
end)

T.test("a child started in the cgroup joins the v1 companion itself with add(0)", function()
  need_v2()
  if V2CONTROLLERS.pids or not V1DIR then T.skip("pids is not only on cgroup v1 here") end
  local cg <close> = assert(ns.cgroup.create(newname()))
  assert(cg:limit { pids = 8 })
  local ok, how, code = T.run_child({ flags = 0, cgroup = cg }, function()
    if not cg:add(0) then return 2 end
    local v1
    for l in io.lines("/proc/self/cgroup") do v1 = v1 or l:match("^%d+:pids:(.*)$") end
    return v1 == (OWNV1PIDS == "/" and "" or OWNV1PIDS) .. "/" .. cg.name and 0 or 3
  end)
  T.eq(ok, true, tostring(how) .. " " .. tostring(code))
end)

T.test("a fork bomb under pids = 16 stops at the limit with EAGAIN; the host stays responsive", function()
  need_v2()
  if not (V2CONTROLLERS.pids or V1DIR) then T.skip("no pids controller in cgroup2 or v1") end
  local cg <close> = assert(ns.cgroup.create(newname()))
  assert(cg:limit { pids = 16 })
  -- The child starts in the cgroup2 directory (CLONE_INTO_CGROUP) and waits
  -- until the parent has put it in the v1 companion too: clone3 places only
  -- in cgroup2, so on a hybrid host add(pid) is what applies the v1 limit.
  local r, w = assert(ns.pipe())
  local block_r, block_w = assert(ns.pipe())
  local pid, pidfd = assert(clone({ flags = CLONE_NEWPID, cgroup = cg }, function()
    ns.close(w)
    ns.read(r, 1)
    local made, err = 0, nil
    for _ = 1, 64 do                        -- bounded
      local p, _, e = raw_clone(0)
      if p == 0 then ns.read(block_r, 1); ns._exit(0) end  -- holds a pid until the namespace ends
      if not p then err = e break end
      made = made + 1
    end
    -- returning ends pid 1 of the namespace: the kernel kills and reaps the rest
    if err ~= E.EAGAIN then return 200 end
    return made
  end))
  ns.close(r)
  assert(cg:add(pid))
  ns.write(w, "x"); ns.close(w)
  -- bounded wait: 10 s, then kill
  local ok, how, code
  for _ = 1, 500 do
    ok, how, code = pidfd:wait("nohang")
    if ok ~= false then break end
    sleep(0.02)
  end
  if ok == false then cg:kill(); pidfd:wait(); error("fork bomb did not end in 10 s") end
  ns.close(block_r); ns.close(block_w)
  T.eq(how, "exit")
  T.eq(code, 15, "15 forks beside the first process, then EAGAIN")
  T.eq(cg:events().pids.max >= 1, true, "pids.events max counted the refusals")
  T.eq(os.execute("true"), true, "the host still forks")
  T.eq(eventually(function() return cg:events().cgroup.populated == 0 end), true, "all gone")
end)

---------------------------------------------------------------------------
-- Nothing left behind.

-- Runs `script` with the nsrun binary; returns its exit code and output.
local function run_nsrun(script)
  local path = os.tmpname()
  local f = assert(io.open(path, "w")); f:write(script); f:close()
  local p = assert(io.popen(NSRUN .. " " .. path .. " 2>&1"))
  local out = p:read("a")
  local _, _, code = p:close()
  os.remove(path)
  return code, out
end

-- A script that creates a cgroup (with a v1 companion where pids is only on
-- v1), starts a child sleeping in it, prints both paths, then runs `ending`.
local function leaver(name, ending)
  return ([[
    local cg = assert(ns.cgroup.create(%q))
    cg:limit { pids = 32 }   -- a v1 companion where pids is only on v1
    assert(clone({ flags = CLONE_NEWPID, cgroup = cg }, function() return ns.execve("/bin/sleep", { "sleep", "30" }) end))
    print(cg.path); print(cg.v1_path or "")
    io.stdout:flush()
    %s
  ]]):format(name, ending)
end

local function check_gone(what, code, want, out)
  T.eq(code, want, what .. " exit status (" .. out .. ")")
  local v2, v1 = out:match("^([^\n]*)\n([^\n]*)\n")
  T.eq(v2 ~= nil, true, what .. ": printed the paths: " .. out)
  T.eq(isdir(v2), false, what .. ": cgroup2 directory gone")
  if v1 ~= "" then T.eq(isdir(v1), false, what .. ": v1 companion gone") end
  T.eq(out:find("left behind", 1, true), nil, what .. ": no complaint")
end

T.test("cgroups are removed after os.exit (atexit), with a process still inside", function()
  need_v2()
  local code, out = run_nsrun(leaver(newname(), "os.exit(3)"))
  check_gone("os.exit", code, 3, out)
end)

T.test("cgroups are removed after an uncaught error", function()
  need_v2()
  local code, out = run_nsrun(leaver(newname(), "error('boom')"))
  check_gone("error", code, 1, out)
  T.eq(out:find("boom", 1, true) ~= nil, true, "the error is reported")
end)

T.test("cgroups are removed when the script just ends", function()
  need_v2()
  local code, out = run_nsrun(leaver(newname(), "return 0"))
  check_gone("end", code, 0, out)
end)

T.test("a collected handle removes its cgroup", function()
  need_v2()
  local path
  do
    local cg = assert(ns.cgroup.create(newname()))
    path = cg.path
  end
  collectgarbage(); collectgarbage()
  T.eq(isdir(path), false)
end)

T.test("a clone child that exits (even with os.exit) never removes its parent's cgroup", function()
  need_v2()
  local cg = assert(ns.cgroup.create(newname()))
  local path = cg.path
  T.eq(T.run_child(0, function() cg = nil; collectgarbage(); collectgarbage(); os.exit(0) end), true)
  T.eq(T.run_child(0, function() cg = nil; collectgarbage(); collectgarbage(); return 0 end), true)
  T.eq(isdir(path), true, "still there")
  T.eq(cg:get("cgroup.type"), "domain", "and usable")
  assert(cg:remove())
end)

T.test("no cgroup of this run is left, in cgroup2 or v1", function()
  need_v2()
  collectgarbage(); collectgarbage()
  local left = {}
  for _, dir in ipairs({ V2DIR, V1DIR }) do
    local p = io.popen("ls " .. dir)
    for entry in p:lines() do
      if entry:sub(1, #PREFIX) == PREFIX then left[#left + 1] = dir .. "/" .. entry end
    end
    p:close()
  end
  T.eq(#left, 0, "left behind: " .. table.concat(left, " "))
  T.eq(count > 0, true, "this suite made cgroups")
end)

os.exit(T.done())
