-- nsrun.sandbox: a whole sandbox from one table.
--
--   local sandbox = require "nsrun.sandbox"          -- or ns.sandbox
--   local result = sandbox.run{ argv = {"/bin/sh", "-c", "id"}, rootfs = "/srv/root" }
--
-- Written in Lua on the ns primitives, so every step below is a call a
-- recipe could make itself: read a step, copy it, or replace it. The work
-- goes in three parts, as in bubblewrap:
--   1. validate: the spec is checked whole before anything is created;
--      an unknown key, a wrong type or a contradiction raises, naming the key;
--   2. plan: the spec becomes an ordered list of steps (data), each a call
--      of an ns function with its arguments, in the process that makes it;
--   3. execute: the steps run (or, under `nsrun --dry-run`, are printed).
-- The supervisor then waits on the pidfd, forwards signals, enforces the
-- timeout and returns a result table.

local ns = require "nsrun"
-- The primitives from ns, not from the globals nsrun also sets: under the
-- Lua module (`require "nsrun"` in lua5.4) there are no globals.
local clone, pidfd_signal, getpid = ns.clone, ns.pidfd_signal, ns.getpid
local CLONE_NEWPID, CLONE_NEWNS, CLONE_NEWUTS, CLONE_NEWIPC =
  ns.CLONE_NEWPID, ns.CLONE_NEWNS, ns.CLONE_NEWUTS, ns.CLONE_NEWIPC
local CLONE_NEWNET, CLONE_NEWUSER, CLONE_NEWCGROUP, CLONE_NEWTIME =
  ns.CLONE_NEWNET, ns.CLONE_NEWUSER, ns.CLONE_NEWCGROUP, ns.CLONE_NEWTIME
-- The globals the library uses, as upvalues: a global is a string constant
-- in every function that reads it, interned again each time the chunk is
-- loaded (most of the load's time), and a table lookup at every use.
local type, pairs, ipairs, tostring, tonumber, error, pcall, setmetatable, table =
  type, pairs, ipairs, tostring, tonumber, error, pcall, setmetatable, table

local M = {}

------------------------------------------------------------------------------
-- Vocabulary

-- Namespace names (as in /proc/PID/ns, with "mount" for mnt) → clone flags.
local NAMESPACES = {
  pid = CLONE_NEWPID, mount = CLONE_NEWNS, uts = CLONE_NEWUTS, ipc = CLONE_NEWIPC,
  net = CLONE_NEWNET, user = CLONE_NEWUSER, cgroup = CLONE_NEWCGROUP, time = CLONE_NEWTIME,
}

-- What a sandbox unshares unless told otherwise: everything but user and
-- time, which a root caller does not need (bwrap --unshare-all minus user).
M.default_namespaces = { "pid", "mount", "uts", "ipc", "net", "cgroup" }

-- Signals sent to nsrun that reach the sandboxed program.
M.forwarded_signals = { "INT", "TERM", "HUP", "QUIT", "USR1", "USR2" }

-- Where the host's root is staged, inside the sandbox's own mount namespace,
-- when no rootfs is given and a mount binds a host path writable.
M.staging_root = "/tmp/.nsrun-root"

-- Grace between TERM and KILL when a timeout expires, in seconds.
M.default_kill_after = 2

-- The exit status reported when setup fails before the program starts
-- (podman and crun use 125 for "the container could not be run").
M.setup_failure_status = 125

------------------------------------------------------------------------------
-- 1. Validation

local KEYS = {
  argv = true, env = true, cwd = true, namespaces = true, rootfs = true, mounts = true,
  hostname = true, uid_map = true, gid_map = true, uid = true, gid = true,
  capabilities = true, no_new_privs = true, seccomp = true, landlock = true,
  rlimits = true, cgroup = true, network = true, time_offsets = true, stdio = true,
  pass_fds = true, init = true, die_with_parent = true, timeout = true,
  kill_after = true, hooks = true, new_session = true,
}

local HOOKS = { after_clone = true, in_child = true, before_exec = true }

local function sorted_keys(t)
  local keys = {}
  for k in pairs(t) do keys[#keys + 1] = tostring(k) end
  table.sort(keys)
  return keys
end

-- The error level of the first caller outside this library: a refusal
-- points at the recipe's line, however deep in here it was found.
local function caller_level()
  local level = 3
  while true do
    local info = debug.getinfo(level, "S")
    if not info or (info.source ~= "=nsrun.sandbox" and info.what ~= "C") then return level - 1 end
    level = level + 1
  end
end

-- Raises "bad argument #1 to 'run' (KEY: WHY)" at the recipe's call.
local function refuse(fname, key, why)
  error(("bad argument #1 to '%s' (%s: %s)"):format(fname, key, why), caller_level())
end

-- An integer, or a float with an integral value (3.0). Written without
-- `math`, which is opened on its first read: a sandbox.run that never reads
-- it saves opening it (12 µs). v % 1 is NaN for ±inf and NaN, which fail.
local function is_integer(v) return type(v) == "number" and v % 1 == 0 end

local function check_type(fname, key, v, want)
  if type(v) ~= want then refuse(fname, key, want .. " expected, got " .. type(v)) end
end

local function check_string_list(fname, key, v, min)
  check_type(fname, key, v, "table")
  if #v < (min or 0) then refuse(fname, key, ("needs at least %d element%s"):format(min, min == 1 and "" or "s")) end
  for k in pairs(v) do
    if not (is_integer(k) and k >= 1 and k <= #v) then refuse(fname, key, "must be a list, found key " .. tostring(k)) end
  end
  for i, s in ipairs(v) do
    if type(s) ~= "string" then refuse(fname, ("%s[%d]"):format(key, i), "string expected, got " .. type(s)) end
    if s:find("\0", 1, true) then refuse(fname, ("%s[%d]"):format(key, i), "contains a NUL byte") end
  end
end

local function check_path(fname, key, v)
  check_type(fname, key, v, "string")
  if v:find("\0", 1, true) then refuse(fname, key, "contains a NUL byte") end
  if v:sub(1, 1) ~= "/" then refuse(fname, key, "must be an absolute path, got \"" .. v .. "\"") end
end

-- A path through /proc/PID/fd, cwd, root or exe can lead to an fd the sandbox
-- still holds on the host (runc CVE-2024-21626): refused for cwd and argv[1].
local function through_proc(path)
  return path:match("^/+proc/+[^/]+/+fd") or path:match("^/+proc/+[^/]+/+cwd") or
         path:match("^/+proc/+[^/]+/+root") or path:match("^/+proc/+[^/]+/+exe") or
         path:match("^/+proc/+[^/]+/+map_files")
end

local MOUNT_KINDS = { proc = true, dev = true, tmpfs = true, bind = true, dir = true, symlink = true }
local MOUNT_OPTIONS = {
  proc = {}, dev = {}, tmpfs = { size = true, mode = true, options = true },
  bind = { to = true, ro = true, rec = true, nosuid = true, nodev = true, noexec = true },
  dir = { mode = true }, symlink = { to = true },
}

local function check_mounts(fname, mounts)
  check_type(fname, "mounts", mounts, "table")
  for i, m in ipairs(mounts) do
    local key = ("mounts[%d]"):format(i)
    if type(m) ~= "table" then refuse(fname, key, "table expected, got " .. type(m)) end
    local kind
    for k in pairs(m) do
      if MOUNT_KINDS[k] then
        if kind then refuse(fname, key, ("both '%s' and '%s': one kind per entry"):format(kind, k)) end
        kind = k
      end
    end
    if not kind then refuse(fname, key, "needs one of bind, dev, dir, proc, symlink, tmpfs") end
    for k in pairs(m) do
      if k ~= kind and not MOUNT_OPTIONS[kind][k] then
        refuse(fname, key, ("unknown option '%s' for %s"):format(tostring(k), kind))
      end
    end
    if kind == "bind" then
      check_path(fname, key .. ".bind", m.bind)
      if m.to ~= nil then check_path(fname, key .. ".to", m.to) end
      for _, flag in ipairs({ "ro", "rec", "nosuid", "nodev", "noexec" }) do
        if m[flag] ~= nil and type(m[flag]) ~= "boolean" then refuse(fname, key .. "." .. flag, "boolean expected, got " .. type(m[flag])) end
      end
    elseif kind == "symlink" then
      check_type(fname, key .. ".symlink", m.symlink, "string")
      check_path(fname, key .. ".to", m.to)
    else
      check_path(fname, key .. "." .. kind, m[kind])
      if m.mode ~= nil and not (is_integer(m.mode) and m.mode >= 0 and m.mode <= 4095) then
        refuse(fname, key .. ".mode", "an integer 0..0o7777 expected (write tonumber(\"1777\", 8))")
      end
    end
  end
  for k in pairs(mounts) do
    if not (is_integer(k) and k >= 1 and k <= #mounts) then refuse(fname, "mounts", "must be a list, found key " .. tostring(k)) end
  end
end

local function check_map(fname, key, map)
  if type(map) == "string" then
    if map:find("\0", 1, true) then refuse(fname, key, "contains a NUL byte") end
    return
  end
  check_type(fname, key, map, "table")
  if #map == 0 then refuse(fname, key, "an empty map") end
  for i, line in ipairs(map) do
    if type(line) ~= "table" or #line ~= 3 or not (is_integer(line[1]) and is_integer(line[2]) and is_integer(line[3])) then
      refuse(fname, ("%s[%d]"):format(key, i), "{inside, outside, count} of integers expected")
    end
  end
end

-- The validated, normalised spec. Raises on the first problem, naming it.
function M.validate(spec, fname)
  fname = fname or "run"
  if type(spec) ~= "table" then error(("bad argument #1 to '%s' (table expected, got %s)"):format(fname, type(spec)), caller_level()) end
  -- The keys are sorted only to name the first unknown one.
  for k in pairs(spec) do
    if not KEYS[k] then
      for _, key in ipairs(sorted_keys(spec)) do
        if not KEYS[key] then refuse(fname, key, "unknown key (expected one of " .. table.concat(sorted_keys(KEYS), ", ") .. ")") end
      end
    end
  end
  local s = {}
  for k, v in pairs(spec) do s[k] = v end

  -- argv
  if s.argv == nil then refuse(fname, "argv", "required") end
  check_string_list(fname, "argv", s.argv, 1)
  if through_proc(s.argv[1]) then refuse(fname, "argv[1]", "a program path through /proc/PID/fd (or cwd, root, exe) is refused") end

  -- namespaces
  local names = s.namespaces or M.default_namespaces
  check_string_list(fname, "namespaces", names)
  s.ns = {}
  s.clone_flags = 0
  for i, name in ipairs(names) do
    if not NAMESPACES[name] then
      refuse(fname, ("namespaces[%d]"):format(i), ("unknown namespace '%s' (expected %s)"):format(name, table.concat(sorted_keys(NAMESPACES), ", ")))
    end
    s.ns[name] = true
    -- A time namespace is entered by unshare in the child (its offsets can
    -- only be written before any process is inside it), not by clone.
    if name ~= "time" then s.clone_flags = s.clone_flags | NAMESPACES[name] end
  end
  local function needs(key, namespace)
    if s[key] ~= nil and not s.ns[namespace] then
      refuse(fname, key, ("needs the '%s' namespace (add it to namespaces)"):format(namespace))
    end
  end

  -- env: a map, a list of "K=V", plus inherit = {names}
  local env = {}
  if s.env ~= nil then
    check_type(fname, "env", s.env, "table")
    for k, v in pairs(s.env) do
      if k == "inherit" then
        check_string_list(fname, "env.inherit", v)
        for _, name in ipairs(v) do
          local value = os.getenv(name)
          if value then env[name] = value end
        end
      elseif is_integer(k) then
        if type(v) ~= "string" or not v:find("^[^=]+=") then refuse(fname, ("env[%d]"):format(k), "\"NAME=value\" expected") end
        local name, value = v:match("^([^=]+)=(.*)$")
        env[name] = value
      elseif type(k) == "string" then
        if type(v) ~= "string" then refuse(fname, "env." .. k, "string expected, got " .. type(v)) end
        if k == "" or k:find("=", 1, true) then refuse(fname, "env", "bad variable name \"" .. k .. "\"") end
        env[k] = v
      else
        refuse(fname, "env", "keys must be names, list indices or 'inherit'")
      end
    end
  end
  s.environment = {}
  for _, k in ipairs(sorted_keys(env)) do s.environment[#s.environment + 1] = k .. "=" .. env[k] end

  -- cwd
  if s.cwd ~= nil then
    check_path(fname, "cwd", s.cwd)
    if through_proc(s.cwd) then refuse(fname, "cwd", "a working directory through /proc/PID/fd (or cwd, root, exe) is refused: it must lie inside the sandbox") end
  end

  -- root and mounts
  if s.rootfs ~= nil then check_path(fname, "rootfs", s.rootfs) end
  if s.mounts ~= nil then check_mounts(fname, s.mounts) end
  if (s.rootfs ~= nil or s.mounts ~= nil) and not s.ns.mount then
    refuse(fname, s.rootfs ~= nil and "rootfs" or "mounts", "needs the 'mount' namespace (add it to namespaces)")
  end

  -- identity
  if s.hostname ~= nil then
    check_type(fname, "hostname", s.hostname, "string")
    if #s.hostname > 64 or s.hostname:find("\0", 1, true) then refuse(fname, "hostname", "at most 64 bytes, no NUL") end
    needs("hostname", "uts")
  end
  for _, key in ipairs({ "uid_map", "gid_map" }) do
    if s[key] ~= nil then check_map(fname, key, s[key]); needs(key, "user") end
  end
  for _, key in ipairs({ "uid", "gid" }) do
    if s[key] ~= nil and not (is_integer(s[key]) and s[key] >= 0 and s[key] <= 4294967294) then
      refuse(fname, key, "an integer 0..4294967294 expected")
    end
  end

  -- confinement
  -- "all" (bwrap's --cap-add ALL): no drop step, the program keeps what
  -- the sandbox's process has.
  if type(s.capabilities) == "string" then
    if s.capabilities ~= "all" then refuse(fname, "capabilities", "\"all\" or a list of names expected, got \"" .. s.capabilities .. "\"") end
  elseif s.capabilities ~= nil then
    check_string_list(fname, "capabilities", s.capabilities)
  end
  for _, key in ipairs({ "no_new_privs", "init", "die_with_parent", "new_session" }) do
    if s[key] ~= nil and type(s[key]) ~= "boolean" then refuse(fname, key, "boolean expected, got " .. type(s[key])) end
  end
  if s.no_new_privs == nil then s.no_new_privs = true end
  if s.die_with_parent == nil then s.die_with_parent = true end
  if s.new_session == nil then s.new_session = true end
  if s.init then needs("init", "pid") end
  -- As bwrap with --unshare-pid: an init is pid 1 and the program pid 2, so
  -- the program gets signals (pid 1 ignores those it has no handler for)
  -- and orphans are reaped.
  if s.init == nil then s.init = s.ns.pid == true end
  if s.seccomp ~= nil then
    check_type(fname, "seccomp", s.seccomp, "table")
    -- The policy is resolved now (unknown syscall names raise here), not in the child.
    local ok, err = pcall(ns.seccomp_explain, s.seccomp)
    if not ok then refuse(fname, "seccomp", tostring(err):gsub("^.-%((.*)%)$", "%1")) end
  end
  if s.landlock ~= nil then
    check_type(fname, "landlock", s.landlock, "table")
    for k, v in pairs(s.landlock) do
      if k == "best_effort" then
        if type(v) ~= "boolean" then refuse(fname, "landlock.best_effort", "boolean expected") end
      elseif k == "ro" or k == "rw" or k == "exec" then
        check_string_list(fname, "landlock." .. k, v)
      else
        refuse(fname, "landlock", "unknown key '" .. tostring(k) .. "' (expected ro, rw, exec, best_effort)")
      end
    end
  end
  if s.rlimits ~= nil then
    check_type(fname, "rlimits", s.rlimits, "table")
    for name, v in pairs(s.rlimits) do
      if type(name) ~= "string" then refuse(fname, "rlimits", "keys must be limit names") end
      local ok, err = pcall(ns.getrlimit, name)
      if not ok then refuse(fname, "rlimits." .. name, tostring(err):gsub("^.-%((.*)%)$", "%1")) end
      if not (is_integer(v) or v == "unlimited" or (type(v) == "table" and v[1] ~= nil and v[2] ~= nil)) then
        refuse(fname, "rlimits." .. name, "an integer, \"unlimited\" or {soft, hard} expected")
      end
    end
  end
  if s.cgroup ~= nil then
    check_type(fname, "cgroup", s.cgroup, "table")
    for k in pairs(s.cgroup) do
      if k ~= "memory" and k ~= "pids" and k ~= "cpu" and k ~= "name" then
        refuse(fname, "cgroup", "unknown key '" .. tostring(k) .. "' (expected memory, pids, cpu, name)")
      end
    end
  end

  -- network
  if s.network ~= nil then
    if s.network == "none" then
      needs("network", "net")
    elseif type(s.network) == "table" then
      needs("network", "net")
      local v = s.network.veth
      if type(v) ~= "table" then refuse(fname, "network", "\"none\" or {veth = {...}} expected") end
      for k in pairs(s.network) do if k ~= "veth" then refuse(fname, "network", "unknown key '" .. tostring(k) .. "'") end end
      for k in pairs(v) do
        if not ({ host = 1, sandbox = 1, host_address = 1, sandbox_address = 1, gateway = 1 })[k] then
          refuse(fname, "network.veth", "unknown key '" .. tostring(k) .. "'")
        end
      end
      if type(v.host) ~= "string" or type(v.sandbox) ~= "string" then refuse(fname, "network.veth", "host and sandbox interface names are required") end
    else
      refuse(fname, "network", "\"none\" or {veth = {...}} expected, got " .. type(s.network))
    end
  end
  if s.time_offsets ~= nil then
    check_type(fname, "time_offsets", s.time_offsets, "table")
    needs("time_offsets", "time")
  end

  -- stdio and fds
  -- An fd given as an integral float (3.0) is that integer from here on
  -- (`v | 0` converts it): the copies below, not the caller's tables, are
  -- what the plan uses.
  if s.stdio ~= nil then
    check_type(fname, "stdio", s.stdio, "table")
    local stdio = {}
    for k, v in pairs(s.stdio) do
      if k ~= "stdin" and k ~= "stdout" and k ~= "stderr" then refuse(fname, "stdio", "unknown key '" .. tostring(k) .. "' (expected stdin, stdout, stderr)") end
      if not (v == "inherit" or v == "null" or (is_integer(v) and v >= 0)) then refuse(fname, "stdio." .. k, "\"inherit\", \"null\" or an fd expected") end
      stdio[k] = type(v) == "number" and v | 0 or v
    end
    s.stdio = stdio
  end
  if s.pass_fds ~= nil then
    check_type(fname, "pass_fds", s.pass_fds, "table")
    local pass = {}
    for i, fd in ipairs(s.pass_fds) do
      if not (is_integer(fd) and fd >= 3) then refuse(fname, ("pass_fds[%d]"):format(i), "an fd number >= 3 expected (stdio is set with stdio)") end
      pass[i] = fd | 0
    end
    s.pass_fds = pass
  end

  -- supervision
  for _, key in ipairs({ "timeout", "kill_after" }) do
    if s[key] ~= nil and not (type(s[key]) == "number" and s[key] > 0 and s[key] == s[key]) then
      refuse(fname, key, "a positive number of seconds expected")
    end
  end
  if s.kill_after ~= nil and s.timeout == nil then refuse(fname, "kill_after", "needs a timeout") end
  if s.hooks ~= nil then
    check_type(fname, "hooks", s.hooks, "table")
    for k, v in pairs(s.hooks) do
      if not HOOKS[k] then refuse(fname, "hooks", "unknown hook '" .. tostring(k) .. "' (expected after_clone, in_child, before_exec)") end
      if type(v) ~= "function" then refuse(fname, "hooks." .. k, "function expected, got " .. type(v)) end
    end
  end
  s.hooks = s.hooks or {}
  return s
end

------------------------------------------------------------------------------
-- 2. The plan: ordered steps, as data.
--
-- A step is {where = "parent"|"child"|"program", stage = NAME, call = NAME,
-- args = {...}} for an ns call, or {where, stage, run = function, text} for
-- what is not a single call (hooks, the exec). "child" steps run in the
-- sandbox's first process; "program" steps too, or, with init = true, in
-- the process the init starts for the program.

local setup_fds -- defined with the execution below; planned as a step

local function step(plan, where, stage, call, ...)
  local args = table.pack(...)
  -- Whether an argument stands for the first process ("$pid", "$pidfd"):
  -- only then are the arguments copied at run time.
  local placeholder = false
  for i = 1, args.n do
    if args[i] == "$pid" or args[i] == "$pidfd" then placeholder = true end
  end
  plan[#plan + 1] = { where = where, stage = stage, call = call, args = args, placeholder = placeholder }
end

local function action(plan, where, stage, text, run)
  plan[#plan + 1] = { where = where, stage = stage, text = text, run = run }
end

-- Whether a host path lies under /tmp, where a staged root hides it.
local function under_tmp(path) return path:match("^/+tmp/") ~= nil or path:match("^/+tmp/*$") ~= nil end

-- Whether the host's root can stay the root, made read-only in place (or
-- left writable with rootfs = "/"): unless a bind is writable. Such a bind's
-- source is the host's: cloned from a copy already made read-only, it would
-- come out read-only too, and clearing that would also unlock a mount the
-- host itself keeps read-only. /dev's nodes are bound read-only then, which
-- leaves them readable and writable as devices.
local function in_place_root(s)
  if s.rootfs ~= nil then return true end
  for _, m in ipairs(s.mounts or {}) do
    if m.bind and not m.ro then return false end
  end
  return true
end

function M.plan(s)
  local plan = {}
  local root = s.rootfs

  -- In the parent, once the child exists (its pid is known then).
  if s.ns.user then
    -- By default 0 inside is the caller (setup runs as root inside), and a
    -- non-zero uid/gid asked for the program maps to itself (which only a
    -- root caller may write).
    local uid_map = s.uid_map or { { 0, ns.getuid(), 1 } }
    local gid_map = s.gid_map or { { 0, ns.getgid(), 1 } }
    if not s.uid_map and s.uid and s.uid ~= 0 then uid_map[2] = { s.uid, s.uid, 1 } end
    if not s.gid_map and s.gid and s.gid ~= 0 then gid_map[2] = { s.gid, s.gid, 1 } end
    step(plan, "parent", "uid_map", "write_uid_map", "$pid", uid_map)
    step(plan, "parent", "gid_map", "write_gid_map", "$pid", gid_map)
  end
  if type(s.network) == "table" then
    local v = s.network.veth
    step(plan, "parent", "network", "veth", v.host, v.sandbox, "$pidfd")
    if v.host_address then step(plan, "parent", "network", "addr_add", v.host, v.host_address) end
    step(plan, "parent", "network", "ifup", v.host)
  end
  if s.hooks.after_clone then action(plan, "parent", "after_clone", "hooks.after_clone(sandbox)", s.hooks.after_clone) end

  -- In the sandbox's first process.
  if s.cgroup and s.ns.cgroup then
    -- Joined after the clone (by the parent, in after_clone): a cgroup
    -- namespace made by the clone would be rooted in nsrun's cgroup, so it
    -- is made now, rooted in the sandbox's own (as crun does).
    step(plan, "child", "cgroup", "unshare", CLONE_NEWCGROUP)
  end
  if s.new_session then step(plan, "child", "session", "setsid") end
  if s.ns.user then
    -- A child of root keeps root's ids until it takes the mapped ones.
    step(plan, "child", "identity", "setresgid", 0, 0, 0)
    step(plan, "child", "identity", "setresuid", 0, 0, 0)
    -- An id change clears the parent-death signal: set it again.
    if s.die_with_parent then step(plan, "child", "identity", "set_pdeathsig", "KILL") end
  end
  if s.ns.net then
    step(plan, "child", "network", "ifup", "lo")
    if type(s.network) == "table" then
      local v = s.network.veth
      if v.sandbox_address then step(plan, "child", "network", "addr_add", v.sandbox, v.sandbox_address) end
      step(plan, "child", "network", "ifup", v.sandbox)
      if v.gateway then step(plan, "child", "network", "route_add_default", v.sandbox, v.gateway) end
    end
  end
  -- The host's root (no rootfs, or rootfs = "/") is kept in place, in the
  -- sandbox's own copy of the mount tree: no pivot_root, nothing to unmount.
  local in_place = s.ns.mount and (root == nil or root:match("^/+$")) and in_place_root(s)
  local host_view
  if s.ns.mount then
    step(plan, "child", "mounts", "make_private", "/")
    if in_place then
      -- Read-only unless rootfs = "/" asked for it as it is (bwrap's
      -- --bind / /): every mount of the copy, each keeping its own nosuid,
      -- nodev and noexec. The host's mounts are not touched.
      if root == nil then step(plan, "child", "mounts", "remount_ro", "/", { rec = true }) end
      root = nil
    elseif root and not root:match("^/+$") then
      -- pivot_root needs the new root to be a mount point.
      step(plan, "child", "mounts", "bind", root, root, { rec = true })
    else
      -- A read-only host root with a writable bind: the bind's source must
      -- come from the host's writable tree, so the read-only copy is staged
      -- beside it, under a tmpfs on /tmp (in this mount namespace only, as
      -- bwrap does), and made the root by pivot_root, which cannot make the
      -- current root the new one (EBUSY). The tmpfs's own copy inside the
      -- new root is then taken away to show the host's /tmp.
      root = M.staging_root
      step(plan, "child", "mounts", "mount_tmpfs", "/tmp", { size = "64k", mode = tonumber("700", 8) })
      -- A bind from under /tmp takes its source from a writable view of the
      -- host's tree beside the root (the tmpfs hides the host's /tmp).
      for _, m in ipairs(s.mounts or {}) do
        if m.bind and under_tmp(m.bind) and not host_view then
          host_view = M.staging_root .. "-host"
          step(plan, "child", "mounts", "mkdir", host_view)
          step(plan, "child", "mounts", "bind", "/", host_view, { rec = true })
          step(plan, "child", "mounts", "umount", host_view .. "/tmp", ns.MNT_DETACH)
        end
      end
      step(plan, "child", "mounts", "mkdir", root)
      step(plan, "child", "mounts", "bind", "/", root, { rec = true, ro = true })
      step(plan, "child", "mounts", "umount", root .. "/tmp", ns.MNT_DETACH)
    end
    local prefix = root or ""
    for _, m in ipairs(s.mounts or {}) do
      if m.proc then step(plan, "child", "mounts", "mount_proc", m.proc, { root = root })
      elseif m.dev then step(plan, "child", "mounts", "mount_dev", m.dev, { root = root })
      elseif m.tmpfs then step(plan, "child", "mounts", "mount_tmpfs", m.tmpfs, { root = root, size = m.size, mode = m.mode, options = m.options })
      elseif m.bind then
        local source = (host_view and under_tmp(m.bind)) and host_view .. m.bind or m.bind
        step(plan, "child", "mounts", "bind", source, m.to or m.bind,
             { root = root, ro = m.ro, rec = m.rec, nosuid = m.nosuid, nodev = m.nodev, noexec = m.noexec })
      elseif m.dir then step(plan, "child", "mounts", "mkdir", prefix .. m.dir, m.mode, true)
      elseif m.symlink then step(plan, "child", "mounts", "symlink", m.symlink, prefix .. m.to)
      end
    end
  end
  if s.hostname then step(plan, "child", "hostname", "sethostname", s.hostname) end
  if s.ns.mount and root then
    step(plan, "child", "pivot_root", "chdir", root)
    step(plan, "child", "pivot_root", "pivot_root", ".", ".")
    step(plan, "child", "pivot_root", "umount", ".", ns.MNT_DETACH)
  end
  step(plan, "child", "cwd", "chdir", s.cwd or "/")
  if s.time_offsets then
    step(plan, "child", "time", "unshare", CLONE_NEWTIME)
    step(plan, "child", "time", "set_time_offsets", s.time_offsets)
  end
  if s.hooks.in_child then action(plan, "child", "in_child", "hooks.in_child()", s.hooks.in_child) end

  -- The program's fds first: stdio and pass_fds, every other fd close-on-exec
  -- (before rlimits, Landlock and seccomp, which could refuse the calls).
  action(plan, "program", "fds", "stdio, pass_fds; close_range(3, nil, \"cloexec\")", function(sandbox) return setup_fds(s, sandbox) end)
  -- Confinement: in the program's process, last thing before the exec.
  for _, name in ipairs(sorted_keys(s.rlimits or {})) do
    local v = s.rlimits[name]
    if type(v) == "table" then step(plan, "program", "rlimits", "setrlimit", name, v[1], v[2])
    else step(plan, "program", "rlimits", "setrlimit", name, v, v) end
  end
  if s.uid or s.gid then
    -- Keep the permitted set across the uid change, so the drop below can
    -- still empty the bounding set (the flag itself ends at the exec).
    step(plan, "program", "identity", "set_keepcaps", true)
    step(plan, "program", "identity", "setgroups", {})
    if s.gid then step(plan, "program", "identity", "setresgid", s.gid, s.gid, s.gid) end
    if s.uid then step(plan, "program", "identity", "setresuid", s.uid, s.uid, s.uid) end
    -- An id change clears the parent-death signal: set it again.
    if s.die_with_parent then step(plan, "program", "identity", "set_pdeathsig", "KILL") end
  end
  if s.capabilities ~= "all" then step(plan, "program", "capabilities", "drop_capabilities", s.capabilities or {}) end
  if s.no_new_privs then step(plan, "program", "no_new_privs", "no_new_privs") end
  if s.landlock then step(plan, "program", "landlock", "landlock", s.landlock) end
  -- The parent blocked the forwarded signals: a blocked mask
  -- survives exec, so the program starts with none.
  step(plan, "program", "signals", "sigprocmask", "set", {})
  if s.hooks.before_exec then action(plan, "program", "before_exec", "hooks.before_exec()", s.hooks.before_exec) end
  if s.seccomp then step(plan, "program", "seccomp", "seccomp", s.seccomp) end
  action(plan, "program", "exec", ("exec %s"):format(s.argv[1]), nil)
  return plan
end

-- One line per step, for --dry-run and for reading.
local function show(v)
  if type(v) == "string" then return ("%q"):format(v) end
  if type(v) ~= "table" then return tostring(v) end
  local parts = {}
  for i = 1, #v do parts[#parts + 1] = show(v[i]) end
  for _, k in ipairs(sorted_keys(v)) do
    if not (math.type(tonumber(k)) == "integer" and tonumber(k) >= 1 and tonumber(k) <= #v) then
      parts[#parts + 1] = k .. "=" .. show(v[k])
    end
  end
  return "{" .. table.concat(parts, ", ") .. "}"
end

function M.describe(plan)
  local lines = {}
  for i, st in ipairs(plan) do
    local what
    if st.call then
      local args = {}
      for k = 1, st.args.n do args[#args + 1] = show(st.args[k]) end
      what = ("%s(%s)"):format(st.call, table.concat(args, ", "))
    else
      what = st.text
    end
    lines[#lines + 1] = ("%2d  %-7s %-12s %s"):format(i, st.where, st.stage, what)
  end
  return table.concat(lines, "\n")
end

------------------------------------------------------------------------------
-- 3. Execution

-- The error report a child sends on its close-on-exec pipe: nothing arrives
-- when the exec succeeds. "stage\0errno\0message".
local function report(fd, stage, msg, errno)
  ns.write(fd, ("%s\0%d\0%s"):format(stage, errno or 0, tostring(msg)))
end

local function read_report(fd)
  local data = ns.read(fd, 4096)
  if not data or data == "" then return nil end
  local stage, errno, msg = data:match("^([^%z]*)%z(%d+)%z(.*)$")
  return { stage = stage, errno = tonumber(errno), error = msg }
end

local function substitute(args, sandbox)
  local out = table.pack(table.unpack(args, 1, args.n))
  for i = 1, out.n do
    if out[i] == "$pid" then out[i] = sandbox.pid elseif out[i] == "$pidfd" then out[i] = sandbox.pidfd_handle end
  end
  return out
end

-- Runs the steps of one place; returns nil or the failing report.
local function run_steps(plan, where, sandbox)
  for _, st in ipairs(plan) do
    if st.where == where then
      if st.call then
        local args = st.placeholder and substitute(st.args, sandbox) or st.args
        -- A value validation let through raises here: it is this stage's
        -- failure, never an exit status claimed for a program not started.
        local called, ok, msg, errno = pcall(ns[st.call], table.unpack(args, 1, args.n))
        if not called then return { stage = st.stage, error = tostring(ok), errno = 0 } end
        if ok == nil then return { stage = st.stage, error = msg, errno = errno } end
      elseif st.run then
        local ok, err = pcall(st.run, sandbox)
        if not ok then return { stage = st.stage, error = tostring(err), errno = 0 } end
        if err == false then return { stage = st.stage, error = "the hook returned false", errno = 0 } end
        if type(err) == "table" and err.stage then return err end
      end
    end
  end
end

-- PATH search in the sandbox's environment, as execvp does.
local function exec_program(s)
  local name = s.argv[1]
  local path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin"
  for _, e in ipairs(s.environment) do
    local v = e:match("^PATH=(.*)$")
    if v then path = v end
  end
  if name:find("/", 1, true) then
    return ns.execve(name, s.argv, s.environment)
  end
  local last_msg, last_errno = ("exec %s: No such file or directory"):format(name), ns.errno.ENOENT
  for dir in (path .. ":"):gmatch("([^:]*):") do
    local _, msg, errno = ns.execve((dir == "" and "." or dir) .. "/" .. name, s.argv, s.environment)
    if errno ~= ns.errno.ENOENT and errno ~= ns.errno.ENOTDIR then
      last_msg, last_errno = msg, errno
      if errno ~= ns.errno.EACCES then break end
    end
  end
  return nil, last_msg, last_errno
end

-- stdio ("null", "inherit" or an fd) and pass_fds: only these reach the program.
-- Sources are first parked on fresh fds (above stdio), then put in place,
-- so that `stdout = 0` or `stdin = 0` cannot overwrite a source still to be
-- used.
function setup_fds(s, sandbox)
  local moves = {}
  for target, name in pairs({ [0] = "stdin", [1] = "stdout", [2] = "stderr" }) do
    local v = s.stdio and s.stdio[name]
    -- /dev/null was opened by the parent before the clone: a new root need
    -- not have a /dev.
    if v == "null" then v = sandbox.devnull end
    if type(v) == "number" then moves[#moves + 1] = { from = v, to = target } end
  end
  for _, m in ipairs(moves) do
    local parked, msg, errno = ns.dup(m.from, 3)
    if not parked then return { stage = "stdio", error = msg, errno = errno } end
    m.parked = parked
  end
  for _, m in ipairs(moves) do
    local ok, msg, errno = ns.dup2(m.parked, m.to)  -- dup2 clears close-on-exec
    if not ok then return { stage = "stdio", error = msg, errno = errno } end
    ns.close(m.parked)
  end
  -- Everything above stdio is close-on-exec from here, even fds nsrun was
  -- started with (CVE-2024-21626); pass_fds are then opened up one by one.
  local ok, msg, errno = ns.close_range(3, nil, "cloexec")
  if not ok then return { stage = "fds", error = msg, errno = errno } end
  for _, fd in ipairs(s.pass_fds or {}) do
    -- dup2(fd, fd) clears close-on-exec: this fd, on purpose, reaches the program.
    local ok2, msg2, errno2 = ns.dup2(fd, fd)
    if not ok2 then return { stage = "pass_fds", error = msg2, errno = errno2 } end
  end
end

-- The program's process: confinement, then exec. Never returns.
local function program_main(s, plan, sandbox, err_w)
  local failure = run_steps(plan, "program", sandbox)
  if failure then
    report(err_w, failure.stage, failure.error, failure.errno)
    ns._exit(M.setup_failure_status)
  end
  local _, msg, errno = exec_program(s)
  report(err_w, "exec", msg, errno)
  -- As a shell: 127 for a program that is not there, 126 for one that can't run.
  ns._exit((errno == ns.errno.ENOENT or errno == ns.errno.ENOTDIR) and 127 or 126)
end

-- The init (pid 1), as tini: starts the program, then becomes
-- ns.become_init, which forwards the forwarded signals to it, reaps every
-- zombie, and exits as the program did. That loop is C: a first process
-- with vfork semantics shares nsrun's memory, and once it has released
-- nsrun (become_init does) it must not run Lua there.
local function init_main(s, plan, sandbox, err_w, status_w)
  -- The supervisor's signalfd, inherited: the forwarded signals are blocked
  -- here too, and a signalfd reads those pending for whoever reads it.
  local sfd = sandbox.sfd
  -- vfork semantics: the program's process sets itself up in our memory
  -- instead of a copy of it (no page copied), and we, with nothing to do
  -- until then, wait for its exec. Nothing the program's steps wait for
  -- comes from here.
  local pid, pidfd, errno = clone(ns.CLONE_VM | ns.CLONE_VFORK, program_main, s, plan, sandbox, err_w)
  if not pid then
    report(err_w, "init", pidfd, errno)
    return M.setup_failure_status
  end
  -- become_init keeps only the fds it uses: an inherited pipe end held
  -- here would keep the program from ever seeing EOF on it (and the
  -- supervisor from seeing the report pipe's EOF).
  local _, msg = ns.become_init(pidfd, { forward = sfd, status = status_w })
  -- Still here: the init could not start (no memory for its stack).
  pidfd_signal(pidfd, "KILL")
  io.stderr:write("nsrun.sandbox: ", tostring(msg), "\n")
  return M.setup_failure_status
end

-- The sandbox's first process. It starts once the supervisor has done its
-- part (maps, network, cgroup: clone's after_clone).
local function child_main(s, plan, sandbox, err_r, err_w, status_r, status_w)
  ns.close(err_r)
  ns.close(status_r)
  if s.die_with_parent then
    ns.set_pdeathsig("KILL")
    -- bwrap's race: a parent that died before the prctl sends nothing. bwrap
    -- compares getppid(), which is 0 in a new pid namespace; a pidfd of the
    -- parent, opened before the clone, turns readable when the parent has
    -- exited, whatever namespace we are in (signals could not reach it).
    if #ns.poll({ sandbox.parent_pidfd }, 0) > 0 then ns._exit(M.setup_failure_status) end
  end
  local failure = run_steps(plan, "child", sandbox)
  if failure then
    report(err_w, failure.stage, failure.error, failure.errno)
    return M.setup_failure_status
  end
  if s.init then return init_main(s, plan, sandbox, err_w, status_w) end
  ns.close(status_w)
  program_main(s, plan, sandbox, err_w)
end

-- A handle on a running sandbox.
local Sandbox = {}
Sandbox.__index = Sandbox

function Sandbox:pidfd() return self.pidfd_handle end

function Sandbox:signal(sig) return pidfd_signal(self.pidfd_handle, sig) end

-- Runs fn(...) in a new process inside the sandbox's namespaces (setns
-- through the pidfd); returns ns.wait's results. The pid namespace applies
-- to fn's own children. If the process cannot join (the sandbox has ended,
-- a namespace is refused), fn does not run and join returns nil, the
-- setns message, errno; the process is reaped.
function Sandbox:join(fn, ...)
  local flags = self.spec.clone_flags & ~CLONE_NEWUSER
  local r, w = assert(ns.pipe())
  local pid, pidfd, errno = clone(0, function(...)
    ns.close(r)
    local ok, msg, err = ns.setns(self.pidfd_handle, flags)
    if not ok then
      report(w, "join", msg, err)
      ns._exit(M.setup_failure_status)
    end
    ns.close(w)
    return fn(...)
  end, ...)
  ns.close(w)
  if not pid then ns.close(r); return nil, pidfd, errno end
  -- EOF once the child has joined (it closes its end) or died.
  local failure = read_report(r)
  ns.close(r)
  if failure then
    ns.wait(pidfd)
    return nil, failure.error, failure.errno
  end
  return ns.wait(pidfd)
end

local function cleanup(self)
  if self.devnull then ns.close(self.devnull); self.devnull = nil end
  if self.status_r then ns.close(self.status_r); self.status_r = nil end
  if self.parent_pidfd then self.parent_pidfd:close(); self.parent_pidfd = nil end
  if self.sfd then ns.sigprocmask("unblock", M.forwarded_signals); ns.close(self.sfd); self.sfd = nil end
  if self.err_r then ns.close(self.err_r); self.err_r = nil end
  if self.cgroup then self.cgroup:remove(); self.cgroup = nil end
end

-- Supervises until the program ends; returns the result table.
function Sandbox:wait()
  if self.result then return self.result end
  local s = self.spec
  local deadline = s.timeout and self.started + s.timeout
  local failure, timed_out, termed = self.failure, false, false
  local fds = { self.pidfd_handle, self.sfd }
  while true do
    local wait_for = deadline and math.max(0, deadline - ns.clock()) or nil
    local ready = ns.poll(fds, wait_for)
    local exited = false
    for _, fd in ipairs(ready) do
      if fd == self.sfd then
        for _, sig in ipairs(ns.read_signals(self.sfd)) do pidfd_signal(self.pidfd_handle, sig) end
      elseif fd == self.pidfd_handle or fd == self.pidfd_handle:fd() then
        exited = true
      end
    end
    if exited then break end
    if deadline and ns.clock() >= deadline then
      timed_out = true
      if not termed then
        pidfd_signal(self.pidfd_handle, "TERM")
        termed = true
        deadline = ns.clock() + (s.kill_after or M.default_kill_after)
      else
        pidfd_signal(self.pidfd_handle, "KILL")
        deadline = nil
      end
    end
  end
  local _, how, n, core, usage = ns.wait(self.pidfd_handle)
  if self.status_r then
    -- Under init, the program's own end, as init saw it.
    local text = ns.read(self.status_r, 64)
    local h, v, c = (text or ""):match("^(%a+) (%d+) (%S+)$")
    if h then how, n, core = h, tonumber(v), c == "core" end
  end
  -- The sandbox's own usage (its first process and all it reaped), not
  -- getrusage's, whose peak RSS covers every child nsrun ever had.
  usage = usage or { utime = 0, stime = 0, maxrss = 0 }
  local r = {
    timed_out = timed_out,
    wall_time = ns.clock() - self.started,
    user_time = usage.utime,
    sys_time = usage.stime,
    max_rss = usage.maxrss,
    oom_killed = false,
    core_dumped = core == true,
  }
  if self.cgroup then
    local ok, events = pcall(self.cgroup.events, self.cgroup)
    if ok and type(events) == "table" and events.memory and (events.memory.oom_kill or 0) > 0 then r.oom_killed = true end
  end
  if failure and failure.stage ~= "exec" then
    -- The program never started: no exit code is claimed for it.
    r.status, r.stage, r.error, r.errno = "error", failure.stage, failure.error, failure.errno
  elseif how == "signal" then
    r.status, r.signal = "signal", n
  else
    r.status, r.code = "exit", n
    if failure then r.stage, r.error, r.errno = failure.stage, failure.error, failure.errno end
  end
  cleanup(self)
  self.result = r
  return r
end

-- Starts a sandbox; returns its handle (:wait, :signal, :pidfd, :join).
function M.start(spec, fname)
  local s = M.validate(spec, fname or "start")
  local plan = M.plan(s)
  if ns.mode() == "dry-run" then
    io.stderr:write("[dry-run] sandbox plan:\n", M.describe(plan), "\n")
    return setmetatable({ spec = s, plan = plan, result = { status = "dry-run", plan = plan } }, Sandbox)
  end
  local self = setmetatable({ spec = s, plan = plan, started = ns.clock() }, Sandbox)
  self.parent_pidfd = assert(ns.pidfd_open(getpid()))
  for _, v in pairs(s.stdio or {}) do
    if v == "null" and not self.devnull then
      local fd, msg, errno = ns.open("/dev/null", ns.O_RDWR)
      if not fd then
        self.result = { status = "error", stage = "stdio", error = msg, errno = errno }
        return self
      end
      self.devnull = fd
    end
  end
  local err_r, err_w = assert(ns.pipe())
  local status_r, status_w = assert(ns.pipe())
  local function undo(stage, msg, errno)
    ns.close(err_w); ns.close(status_r); ns.close(status_w)
    cleanup(self)
    self.result = { status = "error", stage = stage, error = msg, errno = errno }
    return self
  end
  self.err_r = err_r
  -- Blocked from here on, read through a signalfd, forwarded by :wait().
  self.sfd = assert(ns.signalfd(M.forwarded_signals))
  if s.cgroup then
    local cg, msg, errno = ns.cgroup.create(s.cgroup.name or ("nsrun-" .. getpid() .. "-" .. math.floor(ns.clock() * 1000) % 100000))
    if not cg then return undo("cgroup", msg, errno) end
    self.cgroup = cg
    local limits = {}
    for _, k in ipairs({ "memory", "pids", "cpu" }) do limits[k] = s.cgroup[k] end
    local ok, msg2, errno2 = cg:limit(limits)
    if not ok then return undo("cgroup", msg2, errno2) end
  end
  -- The supervisor's part, while the first process waits: the cgroup (v2
  -- and, on a hybrid host, its v1 companion), the maps, the network.
  local parent_failure
  local function after_clone(pid, pidfd)
    self.pid, self.pidfd_handle = pid, pidfd
    if self.cgroup then
      local ok, msg, errno = self.cgroup:add(pid)
      if not ok then parent_failure = { stage = "cgroup", error = msg, errno = errno } end
    end
    parent_failure = parent_failure or run_steps(plan, "parent", self)
    if parent_failure then return nil, parent_failure.error, parent_failure.errno end
    return true
  end
  -- The first process has vfork semantics (it runs in our memory, no page
  -- copied, and clone returns once it has exec'd the program, become its
  -- init, or failed), unless a hook of the caller's runs in the sandbox:
  -- that code gets a copy of memory, as it would with fork.
  local flags = s.clone_flags
  if s.cgroup then flags = flags & ~CLONE_NEWCGROUP end -- unshared by the child (plan)
  if not (s.hooks.in_child or s.hooks.before_exec) then flags = flags | ns.CLONE_VM | ns.CLONE_VFORK end
  local pid, pidfd, errno = clone({ flags = flags, after_clone = after_clone },
    child_main, s, plan, self, err_r, err_w, status_r, status_w)
  if not pid then
    if parent_failure then return undo(parent_failure.stage, parent_failure.error, parent_failure.errno) end
    return undo("clone", pidfd, errno)
  end
  ns.close(err_w); ns.close(status_w)
  self.status_r = status_r
  -- Returns once the program runs: the report pipe is close-on-exec, so EOF
  -- means the exec happened; a report means setup failed (the child exits).
  self.failure = read_report(err_r)
  ns.close(err_r)
  self.err_r = nil
  return self
end

-- Runs a sandbox to its end; returns the result table.
function M.run(spec)
  local self = M.start(spec, "run")
  return self:wait()
end

return M
