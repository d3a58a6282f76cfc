-- join.lua: join a running sandbox's namespaces through its pidfd.
--
-- Starts a long-running sandbox in new pid, uts and mount namespaces (its
-- own hostname, its own /proc). A second child then joins all three at
-- once with setns(pidfd, ...), as nsenter would, and starts a process in
-- there: it sees the sandbox's hostname and the same pid view, and
-- ns_ids shows the very same namespaces. Finally the sandbox is stopped by
-- closing the pipe it waits on.
--
-- Run as root:  nsrun examples/join.lua     (exit 0 when every claim holds)

local function read(path)
  local f = assert(io.open(path))
  local text = f:read("a")
  f:close()
  return text
end

-- The pids a /proc lists, sorted, as "1 2 3".
local function pids()
  local list = {}
  local ls = io.popen("ls /proc")
  for entry in ls:lines() do
    if entry:match("^%d+$") then list[#list + 1] = tonumber(entry) end
  end
  ls:close()
  table.sort(list)
  return table.concat(list, " ")
end

local host_name = assert(ns.gethostname())
local host_mounts = read("/proc/self/mountinfo")
local ready_r, ready_w = ns.pipe() -- sandbox → parent: set up
local stop_r, stop_w = ns.pipe()   -- parent → sandbox: EOF means stop

local sandbox_pid, sandbox = assert(clone(CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWNS, function()
  -- Both ends were inherited: close the ones this side does not use, or
  -- the read below would never see EOF.
  ns.close(ready_r); ns.close(stop_w)
  assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE))
  assert(ns.mount("proc", "/proc", "proc", ns.MS_NOSUID | ns.MS_NODEV | ns.MS_NOEXEC))
  assert(ns.sethostname("join-sandbox"))
  print(("sandbox: pid %d, hostname %q, running until told to stop"):format(getpid(), ns.gethostname()))
  ns.write(ready_w, "ready")
  ns.close(ready_w)
  ns.read(stop_r, 1) -- blocks: "" (EOF) when the parent closes stop_w
  print("sandbox: stop received, exiting")
  return 0
end))
ns.close(ready_w); ns.close(stop_r)
assert(ns.read(ready_r, 5) == "ready", "the sandbox did not come up")
ns.close(ready_r)
local ids = assert(ns.ns_ids(sandbox_pid))
print(("host:    sandbox is pid %d here; its uts ns %d, pid ns %d, mnt ns %d"):format(sandbox_pid, ids.uts, ids.pid, ids.mnt))

-- The joiner: joins through the pidfd, then starts a process inside, since
-- a pid namespace only takes effect for the caller's children.
local report_r, report_w = ns.pipe()
local _, joiner = assert(clone(0, function()
  ns.close(report_r); ns.close(stop_w)
  assert(ns.setns(sandbox, CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWNS))
  local _, inside = assert(clone(0, function()
    local mine = ns.ns_ids()
    local view = pids()
    print(("joined:  pid %d, hostname %q, sees pids %s"):format(getpid(), ns.gethostname(), view))
    local cmd1 = read("/proc/1/cmdline"):gsub("%z", " ")
    ns.write(report_w, table.concat({ getpid(), ns.gethostname(), mine.uts, mine.pid, mine.mnt, view, cmd1 }, "|"))
    ns.close(report_w)
    return 0
  end))
  return ns.wait(inside) and 0 or 1
end))
ns.close(report_w)
local report = ns.read(report_r, 4096)
ns.close(report_r)
local joined_ok = ns.wait(joiner)
local jpid, jname, juts, jpidns, jmnt, view, cmd1 = report:match("^(%d+)|(.-)|(%d+)|(%d+)|(%d+)|(.-)|(.*)$")

-- Stop the sandbox: close the only remaining write end of its pipe.
ns.close(stop_w)
local ok, how, code = ns.wait(sandbox)
sandbox:close()
print(("host:    sandbox ended: %s %d"):format(how, code))

local claims = {
  { "the joined process sees the sandbox's hostname", jname == "join-sandbox" },
  { "it is in the sandbox's uts, pid and mount namespaces",
    tonumber(juts) == ids.uts and tonumber(jpidns) == ids.pid and tonumber(jmnt) == ids.mnt },
  { "it has a small pid there, not a host pid", tonumber(jpid) ~= nil and tonumber(jpid) > 1 and tonumber(jpid) < 10 },
  { "its /proc view is the sandbox's: pid 1 is the sandbox", view:match("^1 ") ~= nil and cmd1:match("nsrun") ~= nil },
  { "the joiner ended well", joined_ok == true },
  { "the sandbox stopped when told, with status 0", ok == true and how == "exit" and code == 0 },
  { "the host keeps its hostname and mounts",
    ns.gethostname() == host_name and read("/proc/self/mountinfo") == host_mounts },
}
local all = true
for _, c in ipairs(claims) do
  print(("claim:   %-55s %s"):format(c[1], c[2] and "holds" or "DOES NOT HOLD"))
  all = all and c[2]
end
if not all then
  io.stderr:write("join.lua: a claim did not hold\n")
  return 1
end
print("join.lua: all claims hold")
return 0
