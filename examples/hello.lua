-- hello.lua: a first sandbox by hand.
--
-- Clones a child into new pid, uts and mount namespaces. The child makes the
-- mount tree private, mounts a fresh /proc, sets its own hostname, and shows
-- that it is pid 1 and sees only its own processes. The parent then shows
-- the host untouched: same hostname, same mounts.
--
-- Run as root:  nsrun examples/hello.lua     (exit 0 when every claim holds)

local function read(path)
  local f = assert(io.open(path))
  local text = f:read("a")
  f:close()
  return text
end

local host_name = assert(ns.gethostname())
local host_mounts = read("/proc/self/mountinfo")
print(("host:    pid %d, hostname %q"):format(getpid(), host_name))

local pid, pidfd = assert(clone(CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWNS, function()
  -- Private first, so the /proc mounted next cannot propagate to the host.
  assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE))
  assert(ns.mount("proc", "/proc", "proc", ns.MS_NOSUID | ns.MS_NODEV | ns.MS_NOEXEC))
  assert(ns.sethostname("hello-sandbox"))
  print(("sandbox: pid %d, hostname %q"):format(getpid(), ns.gethostname()))

  -- The fresh /proc lists only this namespace: us (1), and the shell and ls
  -- that io.popen starts to produce the listing.
  local pids = {}
  local ls = io.popen("ls /proc")
  for entry in ls:lines() do
    if entry:match("^%d+$") then pids[#pids + 1] = tonumber(entry) end
  end
  ls:close()
  table.sort(pids)
  print("sandbox: processes visible: " .. table.concat(pids, " "))

  local ok = getpid() == 1 and pids[1] == 1 and #pids <= 3
  return ok and 0 or 1
end))

local ok, how, code = ns.wait(pidfd)
pidfd:close()
print(("host:    sandbox %d ended: %s %d"):format(pid, how, code))

local same_name = ns.gethostname() == host_name
local same_mounts = read("/proc/self/mountinfo") == host_mounts
print(("host:    hostname still %q: %s; mounts unchanged: %s"):format(ns.gethostname(), same_name, same_mounts))

if not (ok and same_name and same_mounts) then
  io.stderr:write("hello.lua: a claim did not hold\n")
  return 1
end
print("hello.lua: all claims hold")
return 0
