-- netns.lua: a sandbox with a network of its own.
--
-- Clones a child into new network, mount and uts namespaces. There it finds
-- only `lo`, down (not even 127.0.0.1 answers), and brings it up. Then the
-- host creates a veth pair whose far end goes straight into the sandbox:
-- 169.254.77.1/30 on the host's end, 169.254.77.2/30 on the sandbox's, a
-- default route in the sandbox through the host, and a ping each way.
-- When the sandbox ends, its namespace and both ends of the pair go away.
--
-- Traffic flows only between the host and the namespace this script creates,
-- on link-local addresses; no existing interface of the host is touched.
--
-- Run as root:  nsrun examples/netns.lua     (exit 0 when every claim holds)

local SANDBOX_IP, HOST_IP = "169.254.77.2", "169.254.77.1"
-- One name for the host's end: it also keeps two runs of this example from
-- using the subnet at once (the second one's veth gets EEXIST and waits).
local HOST_END = "nsrun-netns0" -- at most 15 bytes
local IFF_UP = 1

local function read(path)
  local f = assert(io.open(path))
  local text = f:read("a")
  f:close()
  return text
end

local PING = os.execute("command -v ping >/dev/null 2>&1") and "ping" or "busybox ping"
-- A few tries by default: a veth's carrier comes up asynchronously after
-- ifup, and under load the first packet can go before it does.
local function ping(addr, tries)
  for _ = 1, tries or 5 do
    if os.execute(PING .. " -c1 -W1 " .. addr .. " >/dev/null 2>&1") == true then return true end
  end
  return false
end

-- The interfaces of this process's network namespace.
local function interfaces()
  local names = {}
  for line in io.lines("/proc/self/net/dev") do
    names[#names + 1] = line:match("^%s*([^%s:]+):")
  end
  table.sort(names)
  return table.concat(names, " ")
end

-- Host and sandbox take turns through FIFOs. Opening a FIFO blocks until the
-- other side opens it too, so the open happens in a `timeout` child: if one
-- side fails, the other gives up after 10 s instead of waiting forever.
local function fifo()
  local path = os.tmpname()
  os.remove(path)
  assert(os.execute("mkfifo -m 600 " .. path))
  return path
end
local function post(path, msg)
  return os.execute(("timeout 10 sh -c 'echo %s > %s'"):format(msg, path)) == true
end
local function await(path)
  local p = io.popen("timeout 10 head -n1 " .. path)
  local msg = p:read("l")
  p:close()
  return msg
end
local to_host, to_sandbox = fifo(), fifo()

-- Is 169.254.77.0/30 routed on the host, and through which interface?
local function subnet_owner()
  for line in io.lines("/proc/self/net/route") do
    local iface, dest, _, _, _, _, _, mask = line:match("^(%S+)\t(%x+)\t(%x+)\t(%x+)\t(%d+)\t(%d+)\t(%d+)\t(%x+)")
    if dest == "004DFEA9" and mask == "FCFFFFFF" then return iface end
  end
end

local host_mounts = read("/proc/self/mountinfo")
local claims = {}
local function claim(ok, what)
  claims[#claims + 1] = { ok = ok, what = what }
  print(("%s %s"):format(ok and "  yes:" or "   NO:", what))
end

local pid, pidfd = assert(clone(CLONE_NEWNET | CLONE_NEWNS | CLONE_NEWUTS, function()
  local ok, err = pcall(function()
    assert(ns.sethostname("netns-sandbox"))
    -- A sysfs mounted in this namespace shows this namespace's devices;
    -- private first, so the mount cannot propagate to the host.
    assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE))
    assert(ns.mount("sysfs", "/sys", "sysfs", ns.MS_NOSUID | ns.MS_NODEV | ns.MS_NOEXEC))
    local flags = tonumber(read("/sys/class/net/lo/flags"))
    print(("sandbox: interfaces %q, lo flags 0x%x"):format(interfaces(), flags))
    local alone = interfaces() == "lo" and flags & IFF_UP == 0 and not ping("127.0.0.1", 1)
    assert(ns.ifup("lo"))
    local lo_up = tonumber(read("/sys/class/net/lo/flags")) & IFF_UP == IFF_UP and ping("127.0.0.1")
    print(("sandbox: after ifup lo, ping 127.0.0.1: %s"):format(lo_up))
    assert(post(to_host, ("%s %s"):format(alone, lo_up)), "the host is not listening")

    -- The host has put eth0 here.
    if await(to_sandbox) ~= "go" then error("the host gave up", 0) end
    print(("sandbox: interfaces %q"):format(interfaces()))
    assert(ns.addr_add("eth0", SANDBOX_IP .. "/30"))
    assert(ns.ifup("eth0"))
    assert(ns.route_add_default("eth0", HOST_IP))
    local pinged = ping(HOST_IP)
    print(("sandbox: ping %s (the host): %s"):format(HOST_IP, pinged))
    post(to_host, ("%s %s"):format(pinged, interfaces():gsub(" ", ",")))
    await(to_sandbox) -- stay until the host has pinged back
  end)
  if not ok then io.stderr:write("sandbox: ", tostring(err), "\n") end
  return ok and 0 or 1
end))
print(("host:    sandbox pid %d; host end %s"):format(pid, HOST_END))

local host_index -- of our host end, once made
local ok, err = pcall(function()
  local alone, lo_up = (await(to_host) or ""):match("^(%S+) (%S+)$")
  claim(alone == "true", "a new network namespace has only lo, down: not even 127.0.0.1 answers")
  claim(lo_up == "true", "after ns.ifup(\"lo\"), lo is up and 127.0.0.1 answers")

  -- EEXIST: another run holds the name; its pair goes when its sandbox ends.
  local made, msg, errno
  for _ = 1, 250 do
    made, msg, errno = ns.veth(HOST_END, "eth0", pidfd)
    if made or errno ~= ns.errno.EEXIST then break end
    os.execute("sleep 0.02")
  end
  assert(made, msg)
  host_index = read("/sys/class/net/" .. HOST_END .. "/ifindex")
  local owner = subnet_owner()
  assert(owner == nil, ("169.254.77.0/30 is already routed on the host through %s"):format(owner))
  assert(ns.addr_add(HOST_END, HOST_IP .. "/30"))
  assert(ns.ifup(HOST_END))
  post(to_sandbox, "go")

  local pinged, there = (await(to_host) or ""):match("^(%S+) (%S+)$")
  claim(there == "eth0,lo" and (" " .. interfaces() .. " "):find(" " .. HOST_END .. " ", 1, true) ~= nil,
    "ns.veth put " .. HOST_END .. " on the host and eth0 straight into the sandbox")
  claim(pinged == "true", "the sandbox pings the host at " .. HOST_IP .. " through its default route")
  claim(ping(SANDBOX_IP), "the host pings the sandbox at " .. SANDBOX_IP)
  post(to_sandbox, "done")
end)
if not ok then
  io.stderr:write("netns.lua: ", tostring(err), "\n")
  pidfd:signal("KILL") -- its namespace, and the pair with it, go away
end

local sandbox_ok, how, code = ns.wait(pidfd)
pidfd:close()
print(("host:    sandbox ended: %s %d"):format(how, code))
claim(sandbox_ok == true, "the sandbox exited 0")

-- The namespace is torn down asynchronously once its last process is gone;
-- the host end goes with it (a same-named one with another index would be
-- another run's).
local function ours_present()
  local f = io.open("/sys/class/net/" .. HOST_END .. "/ifindex")
  if not f then return false end
  local index = f:read("a")
  f:close()
  return index == host_index
end
local gone = false
for _ = 1, 100 do
  if not ours_present() then gone = true; break end
  os.execute("sleep 0.02")
end
claim(gone, "with the sandbox gone, " .. HOST_END .. " is gone from the host")
claim(read("/proc/self/mountinfo") == host_mounts, "the host's mounts are unchanged")
os.remove(to_host); os.remove(to_sandbox)

for _, c in ipairs(claims) do
  if not c.ok then
    io.stderr:write("netns.lua: a claim did not hold: ", c.what, "\n")
    return 1
  end
end
print("netns.lua: all claims hold")
return 0
