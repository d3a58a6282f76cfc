-- vfork.lua: many sandboxes, fast, with vfork children.
--
-- clone(CLONE_VM | CLONE_VFORK | ..., fn) runs fn in a child that shares
-- this process's memory until it execs or exits, while clone waits: no page
-- is copied, so a child that sets up and execs costs little. Handing the
-- id maps to clone ({uid_map =, gid_map =}) lets such a child have a user
-- namespace: nsrun writes the maps while the child waits, before fn runs.
--
-- 200 sandboxes, each with its own user (root inside = 100000 outside),
-- pid, mount, uts and net namespaces, a fresh /proc, exec `true`. Because
-- memory is shared, each child reports what it saw by writing into a Lua
-- table of the parent's: no pipe. Claims: every child had the maps, was
-- pid 1, saw only `lo`; the parent's heap did not grow.
--
-- Run as root:  nsrun examples/vfork.lua     (exit 0 when every claim holds)

local N = 200
local ARGS = {
  flags = CLONE_VM | CLONE_VFORK | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWNET,
  uid_map = "0 100000 65536",
  gid_map = "0 100000 65536",
}

local function read(path)
  local f = assert(io.open(path))
  local s = f:read("a")
  f:close()
  return s
end

local function rss_kib() return tonumber(read("/proc/self/status"):match("VmRSS:%s+(%d+) kB")) end

local seen = {} -- written by the children, in this process's memory

local function child(i)
  -- Still the caller's credentials: become root of the new namespace.
  assert(ns.setresgid(0, 0, 0))
  assert(ns.setresuid(0, 0, 0))
  assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE))
  assert(ns.mount_proc("/proc"))
  local links = {}
  for line in read("/proc/self/net/dev"):gmatch("([^\n]+)") do
    local name = line:match("^%s*([^:%s]+):")
    if name then links[#links + 1] = name end
  end
  seen[i] = {
    uid_map = (read("/proc/self/uid_map"):gsub("%s+", " ")),
    pid = getpid(),
    links = table.concat(links, ","),
  }
  ns.execve("/bin/true", { "true" }, {})
  return 127
end

local function run(from, to)
  for i = from, to do
    local _, pidfd <close> = assert(clone(ARGS, child, i))
    local ok, how, code = ns.wait(pidfd)
    assert(ok, ("sandbox %d: %s %s"):format(i, how, code))
  end
end

run(1, 20) -- warm up: the child's stack, the first allocations
collectgarbage(); collectgarbage()
local before, started = rss_kib(), ns.clock()
run(21, N)
local elapsed = ns.clock() - started
collectgarbage(); collectgarbage()
local grown = rss_kib() - before
print(("%d sandboxes in %.0f ms (%.2f ms each); RSS grew by %d KiB"):format(N - 20, elapsed * 1000,
  elapsed * 1000 / (N - 20), grown))
print(("child 1 saw: uid_map%s pid %d, links %s"):format(seen[1].uid_map, seen[1].pid, seen[1].links))

local claims = 0
local function claim(ok, what)
  print((ok and "ok   " or "FAIL ") .. what)
  if ok then claims = claims + 1 end
end
local all_maps, all_pid1, all_lo = true, true, true
for i = 1, N do
  local s = seen[i]
  all_maps = all_maps and s ~= nil and s.uid_map == " 0 100000 65536 "
  all_pid1 = all_pid1 and s ~= nil and s.pid == 1
  all_lo = all_lo and s ~= nil and s.links == "lo"
end
claim(all_maps, "every child had its maps before it ran (uid 0 inside = 100000 outside)")
claim(all_pid1, "every child was pid 1 of its own pid namespace")
claim(all_lo, "every child saw only lo in its own network namespace")
claim(grown < 1024, ("the parent's heap did not grow (%d KiB over %d sandboxes)"):format(grown, N - 20))
if claims == 4 then print("all claims hold") return 0 end
return 1
