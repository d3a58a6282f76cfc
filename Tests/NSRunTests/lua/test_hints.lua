-- The hints of the common host failures (issue 8, "Error messages that
-- help"): each one is provoked for real, and the hint at the end of the
-- `nil, message, errno` message is checked word for word.
--
-- Host caution: the per-user-namespace limits (/proc/sys/user/max_*) are
-- lowered only inside a fresh user namespace, where they belong to that
-- namespace and vanish with it; fs.mount-max is global, so it is never
-- written: a private mount namespace is filled up to it instead, and
-- dropped with the child. Nothing here writes under /sys/fs/cgroup/memory.
local T = require "testing"
local E = ns.errno

-- Runs fn in a clone child with `flags`; the child's checks raise (their
-- traceback goes to stderr), and the test asserts that it ended with 0.
local function in_child(flags, fn)
  local ok, how, code = T.run_child(flags, function()
    fn()
    return 0
  end)
  T.eq(ok, true, ("child ended %s %s"):format(how, code))
end

-- The hint of a message: the parenthesised clause after the strerror text.
local function hint(msg, strerror)
  return msg:match(": " .. strerror:gsub("%p", "%%%0") .. " %((.*)%)$")
end

-- Writes a per-user-namespace limit of the caller's user namespace.
local function set_limit(name, value)
  local f = assert(io.open("/proc/sys/user/" .. name, "w"))
  assert(f:write(value .. "\n"))
  assert(f:close())
end

local function exists(path)
  local f = io.open(path)
  if f then f:close() end
  return f ~= nil
end

local EPERM_USERNS = "check kernel.unprivileged_userns_clone"
  .. (exists("/proc/sys/kernel/apparmor_restrict_unprivileged_userns") and " and kernel.apparmor_restrict_unprivileged_userns" or "")
  .. "; a chroot, an unmapped uid/gid or seccomp also refuse it"
local NOT_PERMITTED, NO_SPACE = "Operation not permitted", "No space left on device"

---------------------------------------------------------------------------
-- EPERM creating a user namespace.

T.test("EPERM on CLONE_NEWUSER (caller's uid unmapped): clone, raw_clone, the CLONE_VM path and unshare name the knobs", function()
  -- In a user namespace without a uid_map, the caller's uid has no mapping
  -- there, so the kernel refuses a nested user namespace with EPERM.
  in_child(CLONE_NEWUSER, function()
    local msg = T.fails(E.EPERM, "clone", clone(CLONE_NEWUSER, function() return 0 end))
    T.eq(msg, "clone3 CLONE_PIDFD|CLONE_NEWUSER: Operation not permitted (" .. EPERM_USERNS .. ")")
    T.eq(hint(T.fails(E.EPERM, "raw_clone", raw_clone(CLONE_NEWUSER | CLONE_NEWNS)), NOT_PERMITTED), EPERM_USERNS, "raw_clone")
    msg = T.fails(E.EPERM, "clone CLONE_VM", clone(CLONE_VM | CLONE_VFORK | CLONE_NEWUSER, { "/bin/true" }))
    T.eq(msg:match("^clone ") ~= nil, true, msg)
    T.eq(hint(msg, NOT_PERMITTED), EPERM_USERNS, "the CLONE_VM|CLONE_VFORK path")
    msg = T.fails(E.EPERM, "unshare", ns.unshare(CLONE_NEWUSER))
    T.eq(msg, "unshare CLONE_NEWUSER: Operation not permitted (" .. EPERM_USERNS .. ")")
  end)
end)

T.test("EPERM on CLONE_NEWUSER in a chroot carries the same hint", function()
  local d = os.tmpname(); os.remove(d)
  assert(ns.mkdir(d))
  in_child(0, function()
    assert(ns.chroot(d))
    local msg = T.fails(E.EPERM, "clone in a chroot", clone(CLONE_NEWUSER, function() return 0 end))
    T.eq(hint(msg, NOT_PERMITTED), EPERM_USERNS, msg)
  end)
  os.remove(d)
end)

T.test("EPERM on a namespace other than the user namespace, and other errnos, carry no hint", function()
  in_child(0, function()
    -- Without CAP_SYS_ADMIN, CLONE_NEWUTS is refused: not a user-namespace matter.
    assert(ns.drop_capabilities({}))
    local msg = T.fails(E.EPERM, "clone uts", clone(CLONE_NEWUTS, function() return 0 end))
    T.eq(msg, "clone3 CLONE_PIDFD|CLONE_NEWUTS: Operation not permitted")
    T.eq(T.fails(E.EPERM, "unshare uts", ns.unshare(CLONE_NEWUTS)), "unshare CLONE_NEWUTS: Operation not permitted")
  end)
  in_child(CLONE_NEWNS, function()
    T.eq(T.fails(E.ENOENT, "pivot_root ENOENT", ns.pivot_root("/nonexistent", "/nonexistent")),
      "pivot_root /nonexistent: No such file or directory")
  end)
end)

---------------------------------------------------------------------------
-- ENOSPC creating namespaces: the per-user-namespace limits.

T.test("ENOSPC at max_uts_namespaces = 0: clone and unshare name the file", function()
  in_child(CLONE_NEWUSER, function()
    set_limit("max_uts_namespaces", 0)
    local msg = T.fails(E.ENOSPC, "clone", clone(CLONE_NEWUTS, function() return 0 end))
    T.eq(msg, "clone3 CLONE_PIDFD|CLONE_NEWUTS: No space left on device (check /proc/sys/user/max_uts_namespaces)")
    msg = T.fails(E.ENOSPC, "unshare", ns.unshare(CLONE_NEWUTS))
    T.eq(msg, "unshare CLONE_NEWUTS: No space left on device (check /proc/sys/user/max_uts_namespaces)")
    -- Several namespaces asked for: every file is named, in the table's order.
    msg = T.fails(E.ENOSPC, "clone uts+ipc", clone(CLONE_NEWUTS | CLONE_NEWIPC, function() return 0 end))
    T.eq(hint(msg, NO_SPACE), "check /proc/sys/user/max_ipc_namespaces and max_uts_namespaces", msg)
    local pid, pidfd, errno = raw_clone(CLONE_NEWUTS)
    if pid == 0 then ns._exit(0) end
    if pid then pidfd:wait() end
    T.eq(hint(T.fails(E.ENOSPC, "raw_clone", pid, pidfd, errno), NO_SPACE), "check /proc/sys/user/max_uts_namespaces", "raw_clone")
  end)
end)

T.test("ENOSPC at max_user_namespaces = 0 and max_pid_namespaces = 0: the files and the nesting depth", function()
  in_child(CLONE_NEWUSER, function()
    set_limit("max_user_namespaces", 0)
    local msg = T.fails(E.ENOSPC, "clone user", clone(CLONE_NEWUSER, function() return 0 end))
    T.eq(msg, "clone3 CLONE_PIDFD|CLONE_NEWUSER: No space left on device "
      .. "(check /proc/sys/user/max_user_namespaces; user namespaces nest at most 32 deep)")
    set_limit("max_pid_namespaces", 0)
    msg = T.fails(E.ENOSPC, "unshare pid", ns.unshare(CLONE_NEWPID))
    T.eq(msg, "unshare CLONE_NEWPID: No space left on device "
      .. "(check /proc/sys/user/max_pid_namespaces; pid namespaces nest at most 32 deep)")
  end)
end)

---------------------------------------------------------------------------
-- ENOSPC on mounts.

T.test("ENOSPC creating a detached mount at max_mnt_namespaces = 0: bind and mount_tmpfs name the file", function()
  local want = "a detached mount is a mount namespace too: check /proc/sys/user/max_mnt_namespaces"
  in_child(CLONE_NEWUSER | CLONE_NEWNS, function()
    set_limit("max_mnt_namespaces", 0)
    local msg = T.fails(E.ENOSPC, "bind", ns.bind("/tmp", "/tmp"))
    T.eq(msg, "bind /tmp: No space left on device (" .. want .. ")")
    msg = T.fails(E.ENOSPC, "mount_tmpfs", ns.mount_tmpfs("/tmp"))
    T.eq(msg, "mount_tmpfs /tmp (fsmount tmpfs): No space left on device (" .. want .. ")")
    msg = T.fails(E.ENOSPC, "unshare mnt", ns.unshare(CLONE_NEWNS))
    T.eq(hint(msg, NO_SPACE), "check /proc/sys/user/max_mnt_namespaces", msg)
  end)
end)

T.test("ENOSPC at fs.mount-max (a private mount namespace filled to it): mount, bind, mount_tmpfs name it", function()
  local max = tonumber(T.read("/proc/sys/fs/mount-max"))
  if not max or max > 200000 then T.skip("fs.mount-max is " .. tostring(max) .. ": too many mounts to make") end
  local want = "the mount namespace is full: check fs.mount-max, /proc/sys/fs/mount-max"
  local d = os.tmpname(); os.remove(d)
  assert(ns.mkdir(d))
  in_child(CLONE_NEWNS, function()
    assert(ns.make_private("/"))
    assert(ns.mount_tmpfs(d))
    assert(ns.mkdir(d .. "/a"))
    -- Each recursive bind of d onto d/a doubles the mounts: 17 of them pass 100000.
    local ok, msg, errno
    repeat ok, msg, errno = ns.mount(d, d .. "/a", nil, ns.MS_BIND | ns.MS_REC) until not ok
    T.eq(errno, E.ENOSPC, msg)
    T.eq(msg, "mount " .. d .. "/a: No space left on device (" .. want .. ")")
    -- Fill what is left with ever smaller trees (d/a/a... holds half as many
    -- mounts at each level), down to single mounts, until nothing fits.
    local n = 0
    for depth = 1, 64 do
      repeat
        n = n + 1
        assert(ns.mkdir(d .. "/b" .. n))
        ok, msg, errno = ns.mount(d .. ("/a"):rep(depth), d .. "/b" .. n, nil, ns.MS_BIND | ns.MS_REC)
      until not ok
      if errno == E.ENOENT then break end   -- below the deepest copy
      T.eq(errno, E.ENOSPC, msg)
    end
    -- The namespace is full: every way of adding a mount says so.
    local target = d .. "/b1"
    T.eq(T.fails(E.ENOSPC, "mount(2)", ns.mount("none", target, "tmpfs")),
      "mount " .. target .. ": No space left on device (" .. want .. ")")
    T.eq(T.fails(E.ENOSPC, "mount_tmpfs (move_mount)", ns.mount_tmpfs(target)),
      "mount_tmpfs " .. target .. ": No space left on device (" .. want .. ")")
    T.eq(T.fails(E.ENOSPC, "bind (move_mount)", ns.bind("/etc", target)),
      "bind " .. target .. ": No space left on device (" .. want .. ")")
  end)
  os.remove(d)
end)

---------------------------------------------------------------------------
-- EBUSY on pivot_root.

T.test("EBUSY on pivot_root (the current root, a plain directory on its mount) says to bind it first", function()
  local want = "the new root must be a mount point other than the current root: bind it onto itself first"
  local d = os.tmpname(); os.remove(d)
  assert(ns.mkdir(d .. "/old", tonumber("755", 8), true))
  -- The scratch directory must lie on the root's own mount for EBUSY.
  local own_mount
  for l in io.lines("/proc/self/mountinfo") do
    local mp = l:match("^%S+ %S+ %S+ %S+ (%S+) ")
    if mp ~= "/" and (d .. "/"):sub(1, #mp + 1) == mp .. "/" then own_mount = mp end
  end
  in_child(CLONE_NEWNS, function()
    assert(ns.make_private("/"))
    T.eq(T.fails(E.EBUSY, "the current root", ns.pivot_root("/", "/")),
      "pivot_root /: Device or resource busy (" .. want .. ")")
    if not own_mount then
      T.eq(T.fails(E.EBUSY, "not a mount point", ns.pivot_root(d, d .. "/old")),
        "pivot_root " .. d .. ": Device or resource busy (" .. want .. ")")
    end
    -- Bound onto itself, the same directory pivots.
    assert(ns.bind(d, d, { rec = true }))
    assert(ns.pivot_root(d, d .. "/old"))
  end)
  os.execute("rm -rf '" .. d .. "'")
end)

---------------------------------------------------------------------------
-- A missing cgroup controller.

-- What the host has, read independently of nsrun.
local V2MOUNT, V1 = nil, {}
for l in io.lines("/proc/self/mountinfo") do
  local mp, fstype, opts = l:match("^%S+ %S+ %S+ %S+ (%S+) .- %- (%S+) %S+ (%S+)$")
  if fstype == "cgroup2" and not V2MOUNT then V2MOUNT = mp end
  if fstype == "cgroup" then
    for o in opts:gmatch("[^,]+") do if not V1[o] then V1[o] = mp end end
  end
end
local function v2_root_controllers()
  local f = V2MOUNT and io.open(V2MOUNT .. "/cgroup.controllers")
  if not f then return nil end
  local t = {}
  for w in f:read("a"):gmatch("%S+") do t[#t + 1] = w end
  f:close()
  table.sort(t)
  return t
end

T.test("a controller only on cgroup v1: the message names where it is and what cgroup v2 has", function()
  local root = v2_root_controllers()
  if not root then T.skip("no cgroup2 hierarchy") end
  local have = {}
  for _, c in ipairs(root) do have[c] = true end
  local tested = 0
  local cg <close> = assert(ns.cgroup.create("nsrun-hints-" .. getpid()))
  for _, c in ipairs({ "memory", "cpu" }) do
    if not have[c] and V1[c] then
      local listing = #root == 0 and "no controllers" or #root == 1 and "only " .. root[1]
        or table.concat(root, ", ", 1, #root - 1) .. " and " .. root[#root]
      local want = ("%s is on cgroup v1 at %s, which nsrun does not write to; cgroup v2 at %s has %s")
        :format(c, V1[c], V2MOUNT, listing)
      local msg = T.fails(E.EOPNOTSUPP, c, cg:limit { [c] = c == "memory" and "64M" or "50%" })
      T.eq(msg, "cgroup limit " .. c .. " " .. cg.path .. ": Operation not supported (" .. want .. ")")
      tested = tested + 1
    end
  end
  if tested == 0 then T.skip("memory and cpu are not v1-only here") end
end)

os.exit(T.done())
