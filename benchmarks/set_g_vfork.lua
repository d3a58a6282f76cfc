-- set_g_vfork.lua — "set G" through nsrun's primitives with vfork semantics:
-- the sandbox of benchmarks/set_g.lua, with the maps handed to clone and the
-- child sharing the parent's memory (README, clone).
--
-- Contract:
--   One sandbox: clone{flags = CLONE_VM|CLONE_VFORK|CLONE_PIDFD|NEWUSER|
--   NEWPID|NEWNS|NEWUTS|NEWIPC|NEWNET|NEWCGROUP, uid_map = "0 UID 1",
--   gid_map = "0 GID 1"} (a caller that is not root also asks for
--   setgroups = "deny"). nsrun writes the maps while the child waits, then
--   the child makes / recursively private, mounts proc on /proc
--   nosuid,nodev,noexec and execs /bin/true; clone returns after the exec,
--   and the parent waits on the pidfd and insists on exit status 0. The
--   floor (`floor --set g`) keeps fork semantics.
--   Usage: nsrun benchmarks/set_g_vfork.lua [N]   N sandboxes (default 1)
--   Output: nothing on success; an assertion message and non-zero exit on
--   failure. Needs root or unprivileged user namespaces.

local n = math.tointeger(tonumber((...) or "1"))
assert(n and n >= 1, "set_g_vfork.lua: count must be an integer >= 1")

local uid, gid = ns.getuid(), ns.getgid()
local ARGS = {
  flags = CLONE_VM | CLONE_VFORK | CLONE_PIDFD | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS
    | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP,
  uid_map = ("0 %d 1"):format(uid),
  gid_map = ("0 %d 1"):format(gid),
  setgroups = uid ~= 0 and "deny" or nil,
}
local PROC_FLAGS = ns.MS_NOSUID | ns.MS_NODEV | ns.MS_NOEXEC

local function child()
  assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE, nil))
  assert(ns.mount("proc", "/proc", "proc", PROC_FLAGS, nil))
  ns.execve("/bin/true", { "true" })
  return 127 -- execve returned: it failed
end

for _ = 1, n do
  local _, pidfd <close> = assert(clone(ARGS, child))
  local ok, how, status = ns.wait(pidfd)
  assert(ok and how == "exit" and status == 0,
    ("set_g_vfork.lua: sandbox ended with %s %s"):format(tostring(how), tostring(status)))
end
