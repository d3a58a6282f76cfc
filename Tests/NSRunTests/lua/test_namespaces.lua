-- ns.unshare, ns.setns, ns.ns_ids, ns.set_time_offsets and ns.namespaces.
local T = require "testing"
local E = ns.errno

local NAMES = { "cgroup", "ipc", "mnt", "net", "pid", "time", "user", "uts" }

-- A child in new namespaces (`flags`) that runs `setup`, says "ready" and
-- blocks until released. Returns pid, pidfd, release() → ns.wait's results.
local function sandbox(flags, setup)
  local go_r, go_w = ns.pipe()
  local ready_r, ready_w = ns.pipe()
  local pid, pidfd = assert(clone(flags, function()
    ns.close(go_w); ns.close(ready_r)
    if setup then setup() end
    ns.write(ready_w, "ready"); ns.close(ready_w)
    ns.read(go_r, 1)
    return 0
  end))
  ns.close(go_r); ns.close(ready_w)
  assert(ns.read(ready_r, 5) == "ready", "the sandbox did not start")
  ns.close(ready_r)
  return pid, pidfd, function()
    ns.close(go_w)
    local a, b, c = ns.wait(pidfd)
    pidfd:close()
    return a, b, c
  end
end

local function stat_ino(path)
  local p = io.popen("stat -L -c %i " .. path)
  local s = p:read("l"); p:close()
  return math.tointeger(tonumber(s))
end

-- Runs `fn` in a child and returns its exit status (0 when it held).
local function in_child(fn) return T.run_child(0, fn) end

-- ns.namespaces and ns_ids ------------------------------------------------------

T.test("ns.namespaces maps each namespace name to its CLONE_NEW* flag", function()
  local want = { cgroup = CLONE_NEWCGROUP, ipc = CLONE_NEWIPC, mnt = CLONE_NEWNS, net = CLONE_NEWNET,
                 pid = CLONE_NEWPID, time = CLONE_NEWTIME, user = CLONE_NEWUSER, uts = CLONE_NEWUTS }
  local n = 0
  for name, flag in pairs(ns.namespaces) do
    T.eq(flag, want[name], name); n = n + 1
  end
  T.eq(n, 8)
end)

T.test("ns_ids() gives the inode of each /proc/self/ns entry", function()
  local ids = assert(ns.ns_ids())
  local me = getpid()
  for _, name in ipairs(NAMES) do
    T.eq(math.type(ids[name]), "integer", name)
    T.eq(ids[name], stat_ino(("/proc/%d/ns/%s"):format(me, name)), name)
  end
  local n = 0
  for _ in pairs(ids) do n = n + 1 end
  T.eq(n, 8, "exactly the eight namespaces")
  local same = assert(ns.ns_ids(me))
  for _, name in ipairs(NAMES) do T.eq(same[name], ids[name], "ns_ids(getpid())." .. name) end
end)

T.test("ns_ids(pid) of a child in new net and uts namespaces differs in those only", function()
  local pid, _, release = sandbox(CLONE_NEWNET | CLONE_NEWUTS)
  local mine, its = ns.ns_ids(), assert(ns.ns_ids(pid))
  for _, name in ipairs(NAMES) do
    local differs = name == "net" or name == "uts"
    T.eq(its[name] ~= mine[name], differs, name)
    T.eq(its[name], stat_ino(("/proc/%d/ns/%s"):format(pid, name)), name)
  end
  T.eq(release(), true)
end)

T.test("ns_ids of a process that does not exist: nil, message, ENOENT", function()
  local missing = (1 << 22) + 4321
  local msg = T.fails(E.ENOENT, "ns_ids", ns.ns_ids(missing))
  T.eq(msg, ("ns_ids /proc/%d/ns: No such file or directory"):format(missing))
end)

T.test("ns_ids misuse raises", function()
  T.raises("bad argument #1 to 'ns_ids' (number expected, got string)", ns.ns_ids, "1")
  T.raises("bad argument #1 to 'ns_ids' (pid out of range 1..", ns.ns_ids, 0)
  T.raises("number has no integer representation", ns.ns_ids, 1.5)
end)

-- unshare ----------------------------------------------------------------------------

T.test("unshare moves the caller into new namespaces; the others stay", function()
  local host = ns.ns_ids()
  T.eq(in_child(function()
    local before = ns.ns_ids()
    assert(ns.unshare(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET))
    local after = ns.ns_ids()
    for _, name in ipairs(NAMES) do
      local new = name == "uts" or name == "ipc" or name == "net"
      if (after[name] ~= before[name]) ~= new then error(name .. " changed: " .. tostring(not new)) end
    end
    assert(ns.sethostname("unshared"))
    return ns.gethostname() == "unshared" and 0 or 1
  end), true)
  T.eq(ns.ns_ids().uts, host.uts)
  T.eq(T.read("/proc/sys/kernel/hostname") ~= "unshared\n", true)
end)

T.test("unshare(CLONE_NEWPID): the caller stays, its next child is pid 1", function()
  T.eq(in_child(function()
    local before = ns.ns_ids().pid
    assert(ns.unshare(CLONE_NEWPID))
    if ns.ns_ids().pid ~= before then return 10 end
    local ok = T.run_child(0, function() return getpid() == 1 and 0 or 1 end)
    return ok and 0 or 11
  end), true)
end)

T.test("unshare(CLONE_NEWUSER), then the caller maps its own uid: root inside", function()
  T.eq(in_child(function()
    assert(ns.unshare(CLONE_NEWUSER))
    if ns.getuid() ~= 65534 then return 10 end -- the overflow uid: nothing mapped yet
    assert(ns.write_uid_map(getpid(), "0 0 1"))
    return ns.getuid() == 0 and 0 or 11
  end), true)
end)

T.test("unshare takes CLONE_FILES, CLONE_FS, CLONE_SYSVSEM and 0", function()
  T.eq(in_child(function()
    assert(ns.unshare(CLONE_FILES | CLONE_FS | CLONE_SYSVSEM))
    assert(ns.unshare(0))
    return 0
  end), true)
end)

T.test("unshare without CAP_SYS_ADMIN: EPERM", function()
  T.eq(in_child(function()
    assert(ns.setresuid(1000, 1000, 1000))
    local msg = T.fails(E.EPERM, "unshare", ns.unshare(CLONE_NEWUTS))
    T.eq(msg, "unshare CLONE_NEWUTS: Operation not permitted")
    return 0
  end), true)
end)

T.test("unshare misuse raises: flags other than CLONE_NEW*, FILES, FS, SYSVSEM", function()
  local before = ns.ns_ids()
  T.raises("bad argument #1 to 'unshare' (unshare does not take CLONE_VM (only CLONE_NEW*, CLONE_FILES, CLONE_FS, CLONE_SYSVSEM))",
    ns.unshare, CLONE_VM)
  T.raises("unshare does not take CLONE_THREAD", ns.unshare, CLONE_NEWUTS | CLONE_THREAD)
  T.raises("unshare does not take CLONE_SIGHAND", ns.unshare, CLONE_SIGHAND)
  T.raises("unshare does not take CLONE_PIDFD", ns.unshare, CLONE_PIDFD)
  T.raises("unshare does not take 0x11", ns.unshare, CLONE_NEWNET | 17) -- SIGCHLD in the low byte
  T.raises("unshare does not take 0x10000000000", ns.unshare, 1 << 40)
  T.raises("bad argument #1 to 'unshare' (number expected, got string)", ns.unshare, "0")
  T.raises("number expected, got no value", ns.unshare)
  local after = ns.ns_ids()
  for _, name in ipairs(NAMES) do T.eq(after[name], before[name], name .. " untouched") end
end)

-- setns ------------------------------------------------------------------------------

T.test("setns through a pidfd joins several namespaces at once and sees the child's hostname", function()
  local pid, pidfd, release = sandbox(CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET, function()
    assert(ns.sethostname("joined-sandbox"))
  end)
  local theirs = assert(ns.ns_ids(pid))
  T.eq(in_child(function()
    assert(ns.setns(pidfd, CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET))
    if ns.gethostname() ~= "joined-sandbox" then return 10 end
    local mine = ns.ns_ids()
    for _, name in ipairs(NAMES) do
      if mine[name] ~= theirs[name] then return 20 end
    end
    return 0
  end), true)
  T.eq(ns.gethostname() ~= "joined-sandbox", true, "the caller itself did not move")
  T.eq(release(), true)
end)

T.test("setns through a pidfd into a pid namespace: the caller's children are inside", function()
  local pid, pidfd, release = sandbox(CLONE_NEWPID | CLONE_NEWUTS, function() assert(ns.sethostname("pid-sandbox")) end)
  local theirs = assert(ns.ns_ids(pid))
  T.eq(in_child(function()
    local own_pid = ns.ns_ids().pid
    assert(ns.setns(pidfd:fd(), CLONE_NEWPID | CLONE_NEWUTS)) -- the integer fd works too
    if ns.ns_ids().pid ~= own_pid then return 10 end -- the caller itself stays
    local ok = T.run_child(0, function()
      -- pid 1 is the sandbox; this grandchild is the next one there.
      if getpid() == 1 or getpid() > 100 then return 1 end
      if ns.ns_ids().pid ~= theirs.pid then return 2 end
      return ns.gethostname() == "pid-sandbox" and 0 or 3
    end)
    return ok and 0 or 11
  end), true)
  T.eq(release(), true)
end)

T.test("setns with an open /proc/PID/ns file: nstype 0 or its own flag; another flag is EINVAL", function()
  local pid, _, release = sandbox(CLONE_NEWUTS, function() assert(ns.sethostname("file-sandbox")) end)
  T.eq(in_child(function()
    local fd = assert(ns.open(("/proc/%d/ns/uts"):format(pid), ns.O_RDONLY))
    local msg = T.fails(E.EINVAL, "wrong kind", ns.setns(fd, CLONE_NEWNET))
    T.eq(msg, ("setns fd %d CLONE_NEWNET: Invalid argument"):format(fd))
    if ns.gethostname() == "file-sandbox" then return 10 end
    assert(ns.setns(fd))
    if ns.gethostname() ~= "file-sandbox" then return 11 end
    ns.close(fd)
    return 0
  end), true)
  T.eq(in_child(function()
    local fd = assert(ns.open(("/proc/%d/ns/uts"):format(pid), ns.O_RDONLY))
    assert(ns.setns(fd, CLONE_NEWUTS))
    return ns.gethostname() == "file-sandbox" and 0 or 1
  end), true)
  T.eq(release(), true)
end)

T.test("setns failures: closed fd EBADF, reaped pidfd ESRCH, own user namespace EINVAL, no privilege EPERM", function()
  local r, w = ns.pipe(); ns.close(r); ns.close(w)
  T.eq(T.fails(E.EBADF, "closed fd", ns.setns(r, CLONE_NEWUTS)), ("setns fd %d CLONE_NEWUTS: Bad file descriptor"):format(r))
  local _, gone = assert(clone(0, function() return 0 end))
  assert(ns.wait(gone))
  T.fails(E.ESRCH, "reaped", ns.setns(gone, CLONE_NEWUTS))
  gone:close()
  local _, pidfd, release = sandbox(CLONE_NEWUTS)
  T.eq(in_child(function()
    T.fails(E.EINVAL, "own user namespace", ns.setns(pidfd, CLONE_NEWUSER))
    assert(ns.setresuid(1000, 1000, 1000))
    T.fails(E.EPERM, "unprivileged", ns.setns(pidfd, CLONE_NEWUTS))
    return 0
  end), true)
  T.eq(release(), true)
end)

T.test("setns misuse raises", function()
  local _, pidfd, release = sandbox(CLONE_NEWUTS)
  T.raises("bad argument #2 to 'setns' (a pidfd needs the CLONE_NEW* flags of the namespaces to join)", ns.setns, pidfd)
  T.raises("a pidfd needs the CLONE_NEW* flags", ns.setns, pidfd, 0)
  T.raises("bad argument #2 to 'setns' (setns does not take CLONE_VM (only CLONE_NEW* flags))", ns.setns, pidfd, CLONE_NEWUTS | CLONE_VM)
  T.raises("setns does not take CLONE_FILES", ns.setns, 3, CLONE_FILES)
  T.raises("setns does not take 0x10000000000", ns.setns, 3, 1 << 40)
  T.raises("bad argument #2 to 'setns' (number expected, got string)", ns.setns, pidfd, "0")
  T.raises("bad argument #1 to 'setns' (pidfd or namespace fd expected, got string)", ns.setns, "3", 0)
  T.raises("bad argument #1 to 'setns' (pidfd or namespace fd expected, got no value)", ns.setns)
  T.raises("bad argument #1 to 'setns' (pidfd out of range", ns.setns, -1, 0)
  T.eq(release(), true)
  T.raises("bad argument #1 to 'setns' (pidfd is closed)", ns.setns, pidfd, CLONE_NEWUTS)
end)

-- set_time_offsets ------------------------------------------------------------------

local function uptime() return tonumber(T.read("/proc/uptime"):match("^(%S+)")) end

local python = io.popen("command -v python3"):read("l")
local function monotonic()
  local p = io.popen(python .. " -c 'import time; print(time.monotonic())'")
  local v = tonumber(p:read("l")); p:close()
  return v
end

T.test("set_time_offsets after unshare(CLONE_NEWTIME): a child sees the clocks moved", function()
  local DAY = 86400
  local r, w = ns.pipe()
  local before = uptime()
  T.eq(in_child(function()
    ns.close(r)
    assert(ns.unshare(CLONE_NEWTIME))
    assert(ns.set_time_offsets { monotonic = 10 * DAY, boottime = { 20 * DAY, 500000000 } })
    -- The offsets are written in one go and read back as given.
    local offsets = T.read("/proc/self/timens_offsets"):gsub("%s+", " ")
    if offsets ~= "monotonic 864000 0 boottime 1728000 500000000 " then error(offsets) end
    return T.run_child(0, function()
      local mono = python and monotonic() or -1
      ns.write(w, ("%s %s"):format(uptime(), mono))
      return 0
    end) and 0 or 1
  end), true)
  ns.close(w)
  local after_host = uptime()
  local child_up, child_mono = ns.read(r, 100):match("^(%S+) (%S+)$")
  ns.close(r)
  child_up = tonumber(child_up)
  -- /proc/uptime is CLOCK_BOOTTIME: the child's is 20 days (and half a second) ahead.
  assert(child_up >= before + 20 * DAY and child_up <= after_host + 20 * DAY + 1,
    ("child uptime %s, host %s..%s"):format(child_up, before, after_host))
  T.eq(uptime() < before + DAY, true, "the host's clock did not move")
  if not python then T.skip("python3 is not installed: CLOCK_MONOTONIC not read") end
  local host_mono = monotonic()
  local diff = host_mono + 10 * DAY - tonumber(child_mono)
  assert(diff >= 0 and diff < 30, ("CLOCK_MONOTONIC: child %s, host now %s"):format(child_mono, host_mono))
end)

T.test("set_time_offsets once a child has entered the namespace: EACCES", function()
  T.eq(in_child(function()
    assert(ns.unshare(CLONE_NEWTIME))
    assert(T.run_child(0, function() return 0 end)) -- the first child freezes the offsets
    local msg = T.fails(E.EACCES, "after a child", ns.set_time_offsets { monotonic = 1 })
    T.eq(msg, "set_time_offsets /proc/self/timens_offsets: Permission denied")
    return 0
  end), true)
end)

T.test("set_time_offsets without unshare(CLONE_NEWTIME) (the host's namespace): EACCES", function()
  T.fails(E.EACCES, "initial time namespace", ns.set_time_offsets { boottime = 1 })
  T.eq(T.read("/proc/self/timens_offsets"):gsub("%s+", " "), "monotonic 0 0 boottime 0 0 ")
end)

T.test("set_time_offsets that would take a clock below zero: ERANGE", function()
  T.eq(in_child(function()
    assert(ns.unshare(CLONE_NEWTIME))
    T.fails(E.ERANGE, "negative clock", ns.set_time_offsets { monotonic = -(1 << 40) })
    assert(ns.set_time_offsets { monotonic = -1 }) -- a small negative offset is fine
    return 0
  end), true)
end)

T.test("set_time_offsets misuse raises", function()
  T.raises("bad argument #1 to 'set_time_offsets' (table expected, got number)", ns.set_time_offsets, 5)
  T.raises("no offset given (expected monotonic=, boottime=)", ns.set_time_offsets, {})
  T.raises("unknown clock 'realtime' (expected monotonic, boottime)", ns.set_time_offsets, { realtime = 1 })
  T.raises("unknown clock number", ns.set_time_offsets, { 1 })
  T.raises("'monotonic': number has no integer representation", ns.set_time_offsets, { monotonic = 1.5 })
  T.raises("'boottime': number expected, got string", ns.set_time_offsets, { boottime = "1" })
  T.raises("'monotonic': nanoseconds 1000000000 out of range 0..999999999", ns.set_time_offsets, { monotonic = { 1, 1000000000 } })
  T.raises("'monotonic': nanoseconds -1 out of range", ns.set_time_offsets, { monotonic = { 1, -1 } })
  T.raises("'boottime': {seconds, nanoseconds} expected, got 1 values", ns.set_time_offsets, { boottime = { 1 } })
  T.raises("'boottime[2]': number expected, got string", ns.set_time_offsets, { boottime = { 1, "2" } })
end)

os.exit(T.done())
