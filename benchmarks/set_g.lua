-- set_g.lua — "set G" through nsrun's primitives: set A (benchmarks/set_a.lua)
-- plus the net, user and cgroup namespaces, the user namespace's maps written.
-- The same sandbox as `floor --set g` (benchmarks/floor.c), so the two can be
-- timed against each other.
--
-- Contract:
--   One sandbox: a pipe; clone with CLONE_PIDFD|NEWUSER|NEWPID|NEWNS|NEWUTS|
--   NEWIPC|NEWNET|NEWCGROUP. The child closes the write end and blocks on
--   the read end until the parent has written its maps, then makes /
--   recursively private, mounts proc on /proc nosuid,nodev,noexec and execs
--   /bin/true. The parent closes the read end, writes uid_map "0 UID 1" and
--   gid_map "0 GID 1" (the caller's own ids: root maps 0 inside to 0
--   outside; a caller that is not root denies setgroups first, as the kernel
--   requires), writes one byte to the pipe, waits on the pidfd and insists
--   on exit status 0.
--   Usage: nsrun benchmarks/set_g.lua [N]   N sandboxes in sequence (default 1)
--   Output: nothing on success; an assertion message and non-zero exit on
--   failure. Needs root.

local n = math.tointeger(tonumber((...) or "1"))
assert(n and n >= 1, "set_g.lua: count must be an integer >= 1")

local FLAGS = CLONE_PIDFD | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS
  | CLONE_NEWIPC | CLONE_NEWNET | CLONE_NEWCGROUP
local PROC_FLAGS = ns.MS_NOSUID | ns.MS_NODEV | ns.MS_NOEXEC
local uid, gid = ns.getuid(), ns.getgid()
local UID_MAP, GID_MAP = ("0 %d 1"):format(uid), ("0 %d 1"):format(gid)

local r, w
local function child()
  ns.close(w)
  -- "" (end of file) means the parent gave up before writing the maps.
  if ns.read(r, 1) ~= "x" then return 124 end
  ns.close(r)
  assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE, nil))
  assert(ns.mount("proc", "/proc", "proc", PROC_FLAGS, nil))
  ns.execve("/bin/true", { "true" })
  return 127 -- execve returned: it failed
end

for _ = 1, n do
  r, w = assert(ns.pipe())
  local pid, pidfd <close> = assert(clone(FLAGS, child))
  assert(ns.close(r))
  if uid ~= 0 then assert(ns.deny_setgroups(pid)) end
  assert(ns.write_uid_map(pid, UID_MAP))
  assert(ns.write_gid_map(pid, GID_MAP))
  assert(ns.write(w, "x"))
  assert(ns.close(w))
  local ok, how, status = ns.wait(pidfd)
  assert(ok and how == "exit" and status == 0,
    ("set_g.lua: sandbox ended with %s %s"):format(tostring(how), tostring(status)))
end
