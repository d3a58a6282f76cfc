-- Bad input: a fuzzer that calls every `ns` function, the globals, the pidfd
-- handle methods and `sandbox.validate` (then `plan`/`describe`) with random
-- values of every Lua type, and checks each call's outcome (DESIGN.md §3):
-- it succeeds, returns `nil, message, errno` (a string and an integer), or
-- raises a Lua error whose value is a string. Anything else is "bad", and a
-- call that kills nsrun (a signal, a Swift trap) is a crash.
--
--   nsrun test_fuzz.lua                         3,000 calls, a fresh seed
--   NSRUN_FUZZ_CALLS=100000 NSRUN_FUZZ_SEED=42 nsrun test_fuzz.lua
--
-- The seed is printed; the same seed and count replay the same calls.
--
-- SAFETY (the tests run as root on the real host). The fuzzing runs in a
-- clone child, the *worker*, made with CLONE_NEWUSER|NEWPID|NEWNS|NEWNET|
-- NEWUTS|NEWIPC|NEWCGROUP. Before the first fuzzed call the worker:
--   - is uid/gid 0 inside a user namespace that maps 0 to host id 100000
--     only (setresuid/setresgid(0,0,0) done, checked in /proc/self/uid_map):
--     it holds no capability on the host, so kill(-1), a cgroup or /proc/sys
--     write, sethostname, setns, a veth ... cannot touch the host;
--   - has its own session (setsid), so kill(0, sig) reaches no host process
--     (without it, kill(0, "TERM") from the worker kills the test itself);
--   - has made / private and pivot_root'ed into an empty 64 MiB tmpfs with
--     the old root detached: no host file can be read, written, removed or
--     mounted over; ns.mkdir/symlink/open/mount/bind only see that tmpfs
--     (checked: /etc/passwd is gone);
--   - is pid 1 of its pid namespace: signals it sends itself without a
--     handler (kill(1, "KILL"), pidfd:signal) are ignored by the kernel, and
--     its death kills every process it made;
--   - has stdin and stdout on /dev/null, stderr on a pipe the test drains,
--     PDEATHSIG KILL, RLIMIT_CORE 0 (no core files on the host) and
--     RLIMIT_AS 4 GiB (a runaway allocation fails instead of OOMing the host).
-- The test process waits for the worker with a deadline and SIGKILLs it
-- (and so its whole pid namespace) when it passes. Nothing is left behind:
-- the tmpfs and the namespaces die with the worker.
--
-- EXCLUSIONS AND GUARDS (each counted as "guarded" when it changes a call):
--   ns._exit            ends the worker: only called with arguments that must
--                       raise (256, -1, 1.5, NaN, "0", {}, true, ...).
--   ns.execve/execveat/exec  would replace the worker: argv is always invalid
--                       ({}, {1}, {"a\0b"}, 42, true, a function), so they
--                       must raise.
--   clone, raw_clone    a child would run random code: clone's fn is replaced
--                       by one that returns at once (or raises), a raw_clone
--                       child _exits at once, and both are reaped at once.
--   ns.sleep            durations above 1 ms become 0.5 ms (NaN, inf,
--                       negative and huge values are kept: they raise).
--   ns.poll             a timeout that would wait (nil, negative, > 1 ms,
--                       inf) becomes 0.
--   ns.read             only after ns.poll({fd}, 0) says fd is ready (a
--                       fuzzed pipe could block forever).
--   ns.pipe             both ends are closed at once (a write to a pipe the
--                       worker also reads could block forever).
--   ns.close, ns.dup2, ns.close_range  never on fds 0-2 (stderr is the
--                       report channel; close_range with "cloexec" is kept).
--   ns.setrlimit, seccomp, landlock, drop_capabilities, no_new_privs,
--   set_keepcaps, setresuid, setresgid, setgroups, unshare, setns, chroot,
--   pivot_root, umount  would confine or move the worker for the rest of the
--                       run: each runs in its own grandchild, which reports
--                       the outcome in its exit code. A grandchild killed by
--                       SIGSYS after seccomp, or by SIGKILL/SIGSEGV/SIGXCPU/
--                       SIGXFSZ after setrlimit, counts as "confined" (the
--                       limit or filter did its job), not as a crash.
--   ns.cgroup.create    inline: no cgroup2 is visible in the tmpfs root, so
--                       it fails (EOPNOTSUPP/ENOENT). Cgroup handle methods
--                       are not fuzzed here: they need the host's cgroup tree.
--   sandbox.run/start   not called: they begin with sandbox.validate (fuzzed)
--                       and then need a rootfs and a host to run on.
--   mount fstypes       the string pool has no "cgroup"/"cgroup2", and no
--                       path of an executable or of /proc/self/exe.
local T = require "testing"
local sandbox = require "nsrun.sandbox"

local CALLS = math.tointeger(tonumber(os.getenv("NSRUN_FUZZ_CALLS") or "")) or 3000
local SEED = math.tointeger(tonumber(os.getenv("NSRUN_FUZZ_SEED") or "")) or ((os.time() * 1000003 + getpid()) % 2147483647)
local DEADLINE = tonumber(os.getenv("NSRUN_FUZZ_DEADLINE") or "") or math.max(60, CALLS / 50)
local OUTSIDE_ID = 100000

-- The codes a grandchild reports its outcome with.
local CODE = { ok = 10, fail = 11, raise = 12, bad = 13 }

-------------------------------------------------------------------------------
-- The worker (runs in the sandboxed child).

local function worker(go_r, go_w, rep_r, rep_w)
  ns.close(go_w); ns.close(rep_r)
  assert(ns.read(go_r, 1) == "g", "no go from the parent"); ns.close(go_r)
  -- Identity: uid/gid 0 inside = 100000 outside, and nothing else.
  assert(ns.setresgid(0, 0, 0)); assert(ns.setresuid(0, 0, 0))
  local map = T.read("/proc/self/uid_map")
  assert(map:match("^%s*0%s+" .. OUTSIDE_ID .. "%s+1%s*$"), "uid_map is not 0->" .. OUTSIDE_ID .. ": " .. map)
  assert(T.read("/proc/self/status"):match("\nUid:%s+0%s+0%s+0%s+0"), "not uid 0 inside")
  assert(ns.setsid())
  assert(ns.set_pdeathsig("KILL"))
  assert(ns.setrlimit("core", 0))
  assert(ns.setrlimit("as", 4 << 30))
  -- stdio: 0 and 1 on /dev/null, 2 on the report pipe; nothing else open.
  local null = assert(ns.open("/dev/null", ns.O_RDWR))
  assert(ns.dup2(null, 0)); assert(ns.dup2(null, 1)); assert(ns.dup2(rep_w, 2))
  assert(ns.close_range(3))
  -- The root: an empty tmpfs; the host's root is detached.
  assert(ns.make_private("/"))
  assert(ns.mount_tmpfs("/tmp", { size = "64m", options = "nr_inodes=4096" }))
  assert(ns.chdir("/tmp")); assert(ns.pivot_root(".", ".")); assert(ns.umount(".", ns.MNT_DETACH)); assert(ns.chdir("/"))
  assert(ns.open("/etc/passwd", ns.O_RDONLY) == nil, "the host root is still reachable")
  assert(ns.sethostname("fuzz"))
  assert(getpid() == 1, "the worker is not pid 1")

  math.randomseed(SEED)
  local random = math.random
  local function pick(t) return t[random(#t)] end

  local function report(s) ns.write(2, s) end

  -- Values of every type. --------------------------------------------------
  local handle = assert(ns.pidfd_open(1))                     -- a live pidfd (itself)
  local _, dead = assert(clone(0, function() return 0 end))   -- a reaped one
  ns.wait(dead)
  local closed = assert(ns.pidfd_open(1)); closed:close()     -- a closed one
  local function fresh_handle()
    local ok, fd = pcall(handle.fd, handle)
    if not ok or type(fd) ~= "number" then handle = ns.pidfd_open(1) or handle end
    return handle
  end

  local STRINGS = {
    "", "a", "/", "/tmp", "/a", "/a/b", "/a/b/c", "/proc", "/dev", "/mnt", "x\0y", "/a\0b", "\0", "..", ".", "../..",
    "relative/path", "TERM", "SIGTERM", "term", "KILL", "STOP", "USR1", "RTMIN+1", "RTMAX", "SIGNOPE", "block", "unblock",
    "set", "nohang", "cloexec", "rbind", "ro", "bind", "rec", "private", "rprivate", "nosuid", "tmpfs", "proc", "ramfs",
    "bogus", "lo", "eth0", "veth0", "veth1", "10.0.0.1/24", "10.0.0.1", "::1/128", "999.1.1.1/33", "256M", "1G", "1.5G",
    "max", "unlimited", "50%", "0.5%", "nofile", "NOFILE", "RLIMIT_NOFILE", "core", "as", "stack", "cpu", "net_bind_service",
    "sys_admin", "CAP_SYS_ADMIN", "all", "mkdir", "ptrace", "clone3", "allow", "deny", "errno", "kill", "log", "pid", "mount",
    "mnt", "uts", "user", "net", "time", "cgroup.procs", "ipc", "monotonic", "boottime", "self", "children", "\255\254",
    "\xc3\x28", "é", "NAME=value", "=", "A=", "1", "15", "-1", "0x10", "nan", "inf", "%s%n", string.rep("A", 4096),
    string.rep("/a", 2100), string.rep("é", 300),
  }
  local HUGE_STRING = string.rep("Z", 1 << 20)
  local INTEGERS = {
    0, 1, 2, 3, 4, 5, 7, 9, 15, 31, 32, 33, 34, 64, 65, -1, -2, -4242, 255, 256, 4096, 65535, 65536, 0x7fffffff,
    0x80000000, 0xffffffff, 1 << 32, 1 << 62, math.maxinteger, math.mininteger, math.mininteger + 1, 67108864, 67108865,
    CLONE_NEWNS, CLONE_NEWUSER, CLONE_NEWPID, CLONE_VM, CLONE_VFORK, CLONE_THREAD, CLONE_SIGHAND, CLONE_NEWTIME,
    CLONE_PARENT, CLONE_FILES, CLONE_FS, CLONE_INTO_CGROUP, CLONE_CLEAR_SIGHAND, CLONE_PIDFD, ns.MS_BIND | ns.MS_REC,
    ns.MS_REMOUNT, ns.MS_MOVE, ns.O_CREAT | ns.O_RDWR, ns.O_PATH, ns.O_DIRECTORY, ns.AT_EMPTY_PATH, ns.MNT_DETACH,
  }
  local FLOATS = { 0.0, -0.0, 0.5, -0.5, 1.0, 2.0, 3.0, 1.5, 1e300, -1e300, 1e-300, 0 / 0, -(0 / 0), math.huge, -math.huge,
    2.0 ^ 63, -(2.0 ^ 63), 2.0 ^ 31, 2147483647.5, 0.0001 }
  local FUNCTIONS = { function() end, function() return 0 end, function() error("fuzz") end,
    function() error({}) end, function(...) return ... end, tostring }
  local SAFE_CHILD = { function() return 0 end, function() return true end, function() return 42 end,
    function() error("fuzz child") end }

  local value
  local function random_string()
    local r = random(10)
    if r <= 6 then return pick(STRINGS) end
    if r <= 9 then
      local n, b = random(0, 24), {}
      for i = 1, n do b[i] = string.char(random(0, 255)) end
      return table.concat(b)
    end
    if random(50) == 1 then return HUGE_STRING end
    return pick(STRINGS) .. "\0" .. pick(STRINGS)
  end
  local function random_integer()
    local r = random(10)
    if r <= 6 then return pick(INTEGERS) end
    if r <= 8 then return random(-100, 100) end
    if r == 9 then return random(math.mininteger, math.maxinteger) end
    local flags = 0                                                -- a combination of CLONE_* bits
    for _ = 1, random(1, 4) do flags = flags | pick(INTEGERS) end
    return flags
  end
  local function random_table(depth)
    local r, t = random(8), {}
    if r == 1 or depth > 3 then return t end                       -- empty
    if r <= 4 then                                                 -- a list
      for i = 1, random(1, 5) do t[i] = value(depth + 1) end
    elseif r <= 6 then                                             -- a map
      for _ = 1, random(1, 5) do
        local k = value(depth + 1)
        if k ~= nil and k == k then t[k] = value(depth + 1) end
      end
    elseif r == 7 then                                             -- nested lists of strings and integers
      t = { { random_integer(), random_integer(), random_integer() }, { random_string() } }
      t.inside, t.outside, t.count = random_integer(), random_integer(), random_integer()
    else                                                           -- a cycle, and a hostile metatable
      t[1] = t; t.self = t
      if random(2) == 1 then
        setmetatable(t, { __index = function() error("hostile __index") end, __len = function() return math.maxinteger end })
      end
    end
    return t
  end
  function value(depth)
    depth = depth or 0
    local r = random(20)
    if r <= 1 then return nil end
    if r <= 6 then return random_string() end
    if r <= 11 then return random_integer() end
    if r <= 13 then return pick(FLOATS) end
    if r <= 16 then return random_table(depth) end
    if r == 17 then return random(2) == 1 end
    if r == 18 then return pick(FUNCTIONS) end
    if r == 19 then return pick({ fresh_handle(), dead, closed }) end
    return pick({ io.stderr, coroutine.create(function() end), fresh_handle() })
  end

  -- sandbox specs: known keys with valid-looking or random values. ----------
  local SPEC_VALUES = {
    argv = function() return pick({ { "/bin/true" }, { "sh", "-c", "x" }, {}, { 1 }, { "/proc/self/fd/3" } }) end,
    env = function() return pick({ {}, { A = "b" }, { "A=b" }, { 1 }, { inherit = { "PATH" } }, { ["A\0"] = "x" } }) end,
    cwd = function() return pick({ "/", "/tmp", "tmp", "/proc/self/cwd", "/proc/1/fd/3" }) end,
    namespaces = function() return pick({ { "pid", "mount" }, { "user" }, { "nope" }, {}, { "pid", "pid" }, { "time", "user", "net" } }) end,
    rootfs = function() return pick({ "/", "/tmp", "rel", "/nonexistent" }) end,
    mounts = function() return { pick({ { proc = "/proc" }, { dev = "/dev" }, { tmpfs = "/tmp", size = pick({ "16m", 1 << 20, "x", -1 }) },
      { bind = "/a", to = "/b", ro = pick({ true, "yes" }) }, { dir = "/d", mode = pick({ 493, -1, "755" }) },
      { symlink = "/x", to = "/y" }, { proc = "/p", dev = "/d" }, { tmpfs = "/t", sized = 1 } }) } end,
    hostname = function() return pick({ "box", "", string.rep("h", 100), "a\0b" }) end,
    uid = random_integer, gid = random_integer,
    uid_map = function() return pick({ { { 0, 100000, 65536 } }, "0 100000 1\n", {}, { { -1, 0, 1 } } }) end,
    gid_map = function() return pick({ { { 0, 100000, 65536 } }, "0 100000 1\n", {}, { { 0, 0, 0 } } }) end,
    init = function() return pick({ true, false, 1 }) end,
    network = function() return pick({ "none", "host", "veth", {}, 1 }) end,
    time_offsets = function() return pick({ { monotonic = 10 }, { boottime = 1.5 }, { bogus = 1 } }) end,
    no_new_privs = function() return pick({ true, false, 0 }) end,
    capabilities = function() return pick({ {}, { "net_bind_service" }, { "nope" }, "all" }) end,
    seccomp = function() return pick({ { deny = { "ptrace" } }, { deny = { "ptrce" } }, { allow = { "read" } }, {} }) end,
    landlock = function() return pick({ { ro = { "/" } }, { rx = {} }, { rw = { "rel" } }, { best_effort = true } }) end,
    rlimits = function() return pick({ { nofile = 64 }, { nofiles = 4 }, { as = -1 }, { core = "unlimited" } }) end,
    timeout = function() return pick({ 1, 0.5, -1, 0 / 0, math.huge, "1" }) end,
    kill_after = function() return pick({ 1, -1, 0 }) end,
    hooks = function() return pick({ { in_child = function() end }, { after_exec = print }, {} }) end,
    stdio = function() return pick({ { stdout = "null" }, { stdout = "file" }, { stdin = 0 }, { stderr = "inherit" } }) end,
    pass_fds = function() return pick({ { 1 }, { 3 }, { 99999 }, { "3" } }) end,
    cgroup = function() return pick({ { pids = 10 }, { swap = 1 }, { memory = "1G" } }) end,
  }
  local SPEC_KEYS = {}
  for k in pairs(SPEC_VALUES) do SPEC_KEYS[#SPEC_KEYS + 1] = k end
  table.sort(SPEC_KEYS)
  local function random_spec()
    local spec = {}
    if random(4) > 1 then spec.argv = { "/bin/true" } end
    for _ = 1, random(0, 6) do
      local k = pick(SPEC_KEYS)
      spec[k] = random(4) == 1 and value() or SPEC_VALUES[k]()
    end
    if random(8) == 1 then local k = value(); if k ~= nil and k == k then spec[k] = value() end end
    return spec
  end

  -- Targets. ----------------------------------------------------------------
  local targets, by_fn = {}, {}
  local function add(name, fn)
    if type(fn) == "function" and not by_fn[fn] then
      by_fn[fn] = name; targets[#targets + 1] = { name = name, fn = fn }
    end
  end
  local names = {}
  for k, v in pairs(ns) do if type(v) == "function" then names[#names + 1] = k end end
  table.sort(names)
  for _, k in ipairs(names) do add("ns." .. k, ns[k]) end
  for _, k in ipairs({ "clone", "raw_clone", "pidfd_signal", "getpid", "gettid" }) do add(k, _G[k]) end
  add("ns.cgroup.create", ns.cgroup.create)
  local mt = getmetatable(handle)
  local methods = {}
  for k in pairs(mt.__index) do methods[#methods + 1] = k end
  table.sort(methods)
  for _, k in ipairs(methods) do targets[#targets + 1] = { name = "pidfd:" .. k, fn = mt.__index[k], method = true } end
  for _, k in ipairs({ "__tostring", "__close", "__gc" }) do
    if mt[k] then targets[#targets + 1] = { name = "pidfd." .. k, fn = mt[k], method = true } end
  end
  targets[#targets + 1] = { name = "sandbox.validate", fn = sandbox.validate, spec = true }

  local GRANDCHILD = {}
  for _, k in ipairs({ "setrlimit", "seccomp", "landlock", "drop_capabilities", "no_new_privs", "set_keepcaps",
                       "setresuid", "setresgid", "setgroups", "unshare", "setns", "chroot", "pivot_root", "umount" }) do
    if ns[k] then GRANDCHILD[ns[k]] = k end
  end
  -- Signals a grandchild may die of after a confining call (see the header).
  local CONFINED = { seccomp = { [31] = true }, setrlimit = { [9] = true, [11] = true, [24] = true, [25] = true } }

  local function is_num(v) return type(v) == "number" end
  local function protected_fd(v) return is_num(v) and v == v and v >= 0 and v <= 2 end

  local counts = { ok = 0, fail = 0, raise = 0, bad = 0, guarded = 0, skipped = 0, confined = 0 }
  local per_target = {}

  local function classify(ok, ...)
    local n = select("#", ...)
    local a, b, c = ...
    if not ok then
      if type(a) == "string" then return "raise" end
      return "bad", "raised a " .. type(a) .. " instead of a string"
    end
    if a == nil and n > 0 then
      if type(b) == "string" and math.type(c) == "integer" then
        if b == "" then return "bad", "empty error message" end
        return "fail"
      end
      return "bad", ("returned nil, %s, %s"):format(type(b), math.type(c) or type(c))
    end
    return "ok"
  end

  local function describe(v, depth)
    depth = depth or 0
    local t = type(v)
    if t == "string" then
      if #v > 40 then return ("string(#%d)"):format(#v) end
      return ("%q"):format(v):gsub("\n", "n")
    elseif t == "number" then return (math.type(v) == "integer" and "%d" or "%.17g"):format(v)
    elseif t == "table" then
      if depth >= 2 or getmetatable(v) then return "table" end
      local parts, n = {}, 0
      for k, x in pairs(v) do
        n = n + 1
        if n > 8 then parts[#parts + 1] = "..."; break end
        parts[#parts + 1] = (x == v) and "[self]" or (k == v) and "[self]=..." or ("[%s]=%s"):format(describe(k, depth + 1), describe(x, depth + 1))
      end
      return "{" .. table.concat(parts, ", ") .. "}"
    end
    return t
  end

  -- One call with guards; returns the outcome and a note.
  local function call(target, args, nargs)
    local f = target.fn
    -- Guards (see the header).
    if f == ns._exit then
      args[1] = pick({ 256, -1, 1.5, 0 / 0, math.huge, "0", {}, true, math.maxinteger, math.mininteger, 2.5, "x" })
      nargs = math.max(nargs, 1); counts.guarded = counts.guarded + 1
    elseif f == ns.execve or f == ns.exec or f == ns.execveat then
      local at = (f == ns.execve and 2) or (f == ns.exec and 1) or 3
      args[at] = pick({ {}, { 1 }, { "a\0b" }, 42, true, print, { {} } })
      nargs = math.max(nargs, at); counts.guarded = counts.guarded + 1
    elseif f == ns.sleep then
      if is_num(args[1]) and args[1] == args[1] and args[1] > 0.001 and args[1] <= 2147483647 then
        args[1] = 0.0005; counts.guarded = counts.guarded + 1
      end
    elseif f == ns.poll then
      local t = args[2]
      if t == nil or (is_num(t) and t == t and (t < 0 or t > 0.001)) then args[2] = 0; nargs = math.max(nargs, 2); counts.guarded = counts.guarded + 1 end
    elseif f == ns.read then
      if math.type(args[1]) == "integer" and args[1] >= 0 and args[1] <= 0x7fffffff then
        local okp, ready = pcall(ns.poll, { args[1] }, 0)
        if okp and type(ready) == "table" and #ready == 0 then counts.skipped = counts.skipped + 1; return "skipped" end
      end
    elseif f == ns.close then
      if protected_fd(args[1]) then counts.skipped = counts.skipped + 1; return "skipped" end
    elseif f == ns.dup2 then
      if protected_fd(args[2]) then counts.skipped = counts.skipped + 1; return "skipped" end
    elseif f == ns.close_range then
      if is_num(args[1]) and args[1] == args[1] and args[1] <= 2 and args[3] ~= "cloexec" then counts.skipped = counts.skipped + 1; return "skipped" end
    elseif f == clone or f == ns.clone then
      if type(args[2]) == "function" then args[2] = pick(SAFE_CHILD) end
    end
    if target.method and random(3) > 1 then args[1] = fresh_handle() end
    if target.spec then args[1] = random(5) > 1 and random_spec() or args[1] end

    local conf = GRANDCHILD[f]
    if conf then
      local cpid, cfd = clone(0, function()
        local k = classify(pcall(f, table.unpack(args, 1, nargs)))
        return CODE[k]
      end)
      if not cpid then return "bad", "clone of the grandchild failed: " .. tostring(cfd) end
      local _, how, code = ns.wait(cfd); cfd:close()
      if how == "exit" then
        for k, c in pairs(CODE) do if c == code then return k, k == "bad" and "in a grandchild" or nil end end
        return "bad", "grandchild exited " .. tostring(code)
      end
      if CONFINED[conf] and CONFINED[conf][code] then counts.confined = counts.confined + 1; return "ok" end
      return "crash", ("grandchild killed by signal %s"):format(tostring(code))
    end

    if f == raw_clone or f == ns.raw_clone then
      local res = table.pack(pcall(f, table.unpack(args, 1, nargs)))
      if res[1] and res[2] == 0 then ns._exit(0) end                 -- the raw child: gone at once
      if res[1] and getmetatable(res[3]) == mt then res[3]:wait(); res[3]:close() end
      return classify(table.unpack(res, 1, res.n))
    end

    local res = table.pack(pcall(f, table.unpack(args, 1, nargs)))
    if (f == clone or f == ns.clone) and res[1] and getmetatable(res[3]) == mt then res[3]:wait(); res[3]:close() end
    if f == ns.pipe and res[1] and math.type(res[2]) == "integer" then ns.close(res[2]); ns.close(res[3]) end
    if target.spec and res[1] and type(res[2]) == "table" then                -- validate, then plan and describe
      local okp, plan = pcall(sandbox.plan, res[2])
      if okp and type(plan) == "table" then
        local okd, text = pcall(sandbox.describe, plan)
        if okd and type(text) ~= "string" then return "bad", "describe returned a " .. type(text) end
      elseif not okp and type(plan) ~= "string" then return "bad", "plan raised a " .. type(plan) end
    end
    return classify(table.unpack(res, 1, res.n))
  end

  report(("\1S seed=%d calls=%d targets=%d\n"):format(SEED, CALLS, #targets))
  for i = 1, CALLS do
    local target = pick(targets)
    local nargs, args = random(0, 6), {}
    for j = 1, nargs do args[j] = value() end
    report(("\1C %d %s\n"):format(i, target.name))
    local outcome, note = call(target, args, nargs)
    counts[outcome] = (counts[outcome] or 0) + 1
    local pt = per_target[target.name] or { 0, 0, 0 }
    per_target[target.name] = pt
    if outcome == "ok" then pt[1] = pt[1] + 1 elseif outcome == "fail" then pt[2] = pt[2] + 1 elseif outcome == "raise" then pt[3] = pt[3] + 1 end
    if outcome == "bad" or outcome == "crash" then
      local d = {}
      for j = 1, nargs do d[j] = describe(args[j]) end
      report(("\1B call %d %s(%s): %s %s\n"):format(i, target.name, table.concat(d, ", "), outcome, tostring(note)))
    end
  end
  local never = {}
  for _, t in ipairs(targets) do if not per_target[t.name] then never[#never + 1] = t.name end end
  report(("\1R ok=%d fail=%d raise=%d bad=%d crash=%d guarded=%d skipped=%d confined=%d uncalled=%s\n"):format(
    counts.ok, counts.fail, counts.raise, counts.bad, counts.crash or 0, counts.guarded, counts.skipped, counts.confined,
    #never == 0 and "none" or table.concat(never, ",")))
  return 0
end

-------------------------------------------------------------------------------
-- The test: starts the worker, drains its stderr, checks how it ended.

local function run_fuzzer()
  local go_r, go_w = assert(ns.pipe())
  local rep_r, rep_w = assert(ns.pipe())
  local flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP
  local pid, pidfd = assert(clone(flags, worker, go_r, go_w, rep_r, rep_w))
  ns.close(go_r); ns.close(rep_w)
  assert(ns.deny_setgroups(pid))
  assert(ns.write_uid_map(pid, { { 0, OUTSIDE_ID, 1 } }))
  assert(ns.write_gid_map(pid, { { 0, OUTSIDE_ID, 1 } }))
  ns.write(go_w, "g"); ns.close(go_w)

  local t0 = ns.clock()
  local pending, last_call, result, bads, other, start, bad_seen = "", nil, nil, {}, {}, nil, {}
  local timed_out = false
  while true do
    local left = DEADLINE - (ns.clock() - t0)
    if left <= 0 then timed_out = true; break end
    local ready = ns.poll({ rep_r }, math.min(left, 1))
    if #ready > 0 then
      local s = ns.read(rep_r, 65536)
      if not s or s == "" then break end
      pending = pending .. s
      while true do
        local nl = pending:find("\n", 1, true)
        if not nl then break end
        local line = pending:sub(1, nl - 1); pending = pending:sub(nl + 1)
        local tag = line:match("\1(%u) ")
        if tag == "C" then last_call = line:match("\1C (.*)")
        elseif tag == "R" then result = line:match("\1R (.*)")
        elseif tag == "S" then start = line:match("\1S (.*)")
        elseif tag == "B" then
          local b = line:match("\1B (.*)")
          local key = b:match("^call %d+ ([^(]*)") or "?"
          bad_seen[key] = (bad_seen[key] or 0) + 1
          if bad_seen[key] <= 3 or b:find(": crash ", 1, true) then bads[#bads + 1] = b end
        elseif #line > 0 then other[#other + 1] = line:sub(1, 300); if #other > 20 then table.remove(other, 1) end end
      end
      if #pending > (1 << 20) then pending = pending:sub(-4096) end   -- fuzzed garbage written to stderr
    end
  end
  if timed_out then pidfd:signal("KILL") end
  local _, how, code = ns.wait(pidfd)
  pidfd:close(); ns.close(rep_r)
  return { how = how, code = code, start = start, result = result, last_call = last_call, bads = bads,
           other = other, timed_out = timed_out, seconds = ns.clock() - t0 }
end

T.test(("fuzz %d calls (seed %d): every call succeeds, returns nil, message, errno, or raises a string; nsrun never crashes"):format(CALLS, SEED), function()
  print(("fuzz: seed %d, %d calls (replay: NSRUN_FUZZ_SEED=%d NSRUN_FUZZ_CALLS=%d)"):format(SEED, CALLS, SEED, CALLS))
  local r = run_fuzzer()
  print(("fuzz: %s; %s; %.2f s"):format(r.start or "no start line", r.result or "no result line", r.seconds))
  for _, b in ipairs(r.bads) do print("fuzz: " .. b) end
  local problems = {}
  if r.timed_out then problems[#problems + 1] = ("timed out after %d s at call %s"):format(DEADLINE, tostring(r.last_call)) end
  if r.how ~= "exit" or r.code ~= 0 then
    problems[#problems + 1] = ("the worker ended with %s %s at call %s (last stderr lines below)"):format(tostring(r.how), tostring(r.code), tostring(r.last_call))
    for _, l in ipairs(r.other) do print("fuzz stderr: " .. l) end
  end
  if not r.result then problems[#problems + 1] = "no result line" end
  local bad, crash = (r.result or ""):match("bad=(%d+) crash=(%d+)")
  if bad and (bad ~= "0" or crash ~= "0") then problems[#problems + 1] = ("bad=%s crash=%s (listed above)"):format(bad, crash) end
  if #problems > 0 then error(table.concat(problems, "; "), 0) end
end)

T.test("the fuzzer's sandbox is not a no-op: the host's hostname is unchanged", function()
  -- The worker set its own hostname to "fuzz" (and sethostname was fuzzed):
  -- the host's stays what it was.
  T.eq(ns.gethostname() ~= "fuzz", true, "host hostname is not 'fuzz'")
end)

os.exit(T.done())
