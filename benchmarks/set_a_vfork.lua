-- set_a_vfork.lua — "set A" through nsrun's primitives with vfork semantics:
-- benchmarks/set_a.lua with CLONE_VM|CLONE_VFORK added, so the child runs
-- its two mounts and its exec in the parent's memory instead of a
-- copy-on-write copy of it (README, clone; the floor keeps fork semantics).
--
-- Contract:
--   One sandbox: clone with CLONE_VM|CLONE_VFORK|CLONE_PIDFD|NEWPID|NEWNS|
--   NEWUTS|NEWIPC; in the child, make / recursively private, mount proc on
--   /proc nosuid,nodev,noexec, exec /bin/true; the parent (resumed by the
--   exec) waits on the pidfd and insists on exit status 0.
--   Usage: nsrun benchmarks/set_a_vfork.lua [N]   N sandboxes (default 1)
--   Output: nothing on success; an assertion message and non-zero exit on
--   failure. Needs root.

local n = math.tointeger(tonumber((...) or "1"))
assert(n and n >= 1, "set_a_vfork.lua: count must be an integer >= 1")

local FLAGS = CLONE_VM | CLONE_VFORK | CLONE_PIDFD | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC
local PROC_FLAGS = ns.MS_NOSUID | ns.MS_NODEV | ns.MS_NOEXEC

local function child()
  assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE, nil))
  assert(ns.mount("proc", "/proc", "proc", PROC_FLAGS, nil))
  ns.execve("/bin/true", { "true" })
  return 127 -- execve returned: it failed
end

for _ = 1, n do
  local _, pidfd <close> = assert(clone(FLAGS, child))
  local ok, how, status = ns.wait(pidfd)
  assert(ok and how == "exit" and status == 0,
    ("set_a_vfork.lua: sandbox ended with %s %s"):format(tostring(how), tostring(status)))
end
