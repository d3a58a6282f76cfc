-- two-sandboxes.lua: two sandboxes joined by a veth pair, one serving, one asking.
--
-- With unshare or bwrap, wiring two sandboxes together means `ip link add ...
-- netns`, `nsenter --net=/proc/PID/ns/net ip addr add ...` and pid files. Here
-- both are sandbox.start{} handles, and the wiring is Lua run inside them:
--
--   * A (the server) and B (the client) each get new pid, mount, uts, ipc,
--     net and cgroup namespaces (the default) and a busybox root. Each waits
--     on its stdin, a pipe, until the network is there.
--   * B:join(fn) runs fn in a new process inside B's namespaces. There
--     ns.veth("veth-client", "veth-server", A:pidfd()) creates the pair
--     with one end in B (the caller's namespace) and the other straight in
--     A's network namespace, named through A's pidfd. No end ever exists on
--     the host.
--     (`network = {veth = ...}` in a spec makes a pair between the host and
--     the sandbox, which is not what this is.)
--   * B:join and A:join give the ends 169.254.78.2/30 and .1/30 (link-local
--     addresses, on a link between the two namespaces this script made) and
--     bring them up.
--   * A serves a page with busybox httpd; B fetches it with busybox wget.
--   * The client exits, the server is stopped with SIGTERM, and with their
--     namespaces the pair is gone.
--
-- Every wait is bounded: the sandboxes have a timeout, pipes are read with a
-- deadline.
--
-- Run as root:  nsrun examples/two-sandboxes.lua     (exit 0 when every claim holds)
-- The rootfs is built by scripts/mkrootfs when missing (NSRUN_ROOTFS picks
-- another directory).

local sandbox = require "nsrun.sandbox"

local SERVER_IP, CLIENT_IP, PREFIX, PORT = "169.254.78.1", "169.254.78.2", 30, 8080
-- The ends' names, in A and in B: never seen on the host.
local SERVER_END, CLIENT_END = "veth-server", "veth-client"

local here = (arg and arg[0] or "examples/two-sandboxes.lua"):match("^(.*)/[^/]*$") or "."
local rootfs = os.getenv("NSRUN_ROOTFS") or (here .. "/../.build/rootfs")

local function exists(path)
  local f = io.open(path)
  if f then f:close() end
  return f ~= nil
end

if not exists(rootfs .. "/bin/busybox") then
  assert(os.execute(("%q %q"):format(here .. "/../scripts/mkrootfs", rootfs)), "scripts/mkrootfs failed")
end
-- sandbox{} takes absolute paths only.
local function absolute(path)
  local p = io.popen("realpath -- '" .. path:gsub("'", "'\\''") .. "'")
  local abs = p:read("l")
  p:close()
  return assert(abs, "realpath " .. path)
end
rootfs = absolute(rootfs)

local function read_file(path)
  local f = assert(io.open(path))
  local s = f:read("a")
  f:close()
  return s
end

-- The interfaces of this process's network namespace, as a set.
local function interfaces()
  local names = {}
  for line in io.lines("/proc/self/net/dev") do
    local name = line:match("^%s*([^%s:]+):")
    if name then names[name] = true end
  end
  return names
end
-- Other scripts (other examples, tests) may add interfaces to the host
-- meanwhile: what is checked is that ours never appear there, and that
-- none of the host's disappears.
local function host_intact(before)
  local now = interfaces()
  for name in pairs(before) do if not now[name] then return false, name .. " is gone" end end
  if now[SERVER_END] or now[CLIENT_END] then return false, "an end of the pair is on the host" end
  return true
end
local function names(set)
  local t = {}
  for k in pairs(set) do t[#t + 1] = k end
  table.sort(t)
  return table.concat(t, " ")
end

local host_mounts, host_links = read_file("/proc/self/mountinfo"), interfaces()
local host_net = assert(ns.ns_ids()).net

local claims = {}
local function claim(ok, what)
  claims[#claims + 1] = { ok = ok, what = what }
  print(("%s %s"):format(ok and "  yes:" or "   NO:", what))
end

-- Reads a pipe until `want` shows up (with want = nil: until EOF) or the
-- deadline; returns what came.
local function read_until(fd, want, seconds)
  local got, deadline = "", ns.clock() + seconds
  while ns.clock() < deadline and not (want and got:find(want, 1, true)) do
    if #assert(ns.poll({ fd }, deadline - ns.clock())) == 0 then break end
    local data = assert(ns.read(fd, 4096))
    if data == "" then break end
    got = got .. data
  end
  return got
end

local function show(who, text)
  io.write((text:gsub("[^\n]+", who .. ": %0")))
end

local mounts = { { proc = "/proc" }, { dev = "/dev" }, { tmpfs = "/tmp", size = "1m" } }

-- The server: waits for "go", shows its interfaces, writes its page, serves.
local SERVER = ([[
read go || exit 1
echo "interfaces: $(ip -o -4 addr | awk '{print $2, $4}' | tr '\n' ' ')"
mkdir -p /tmp/www
echo "hello from $(hostname) at %s" > /tmp/www/index.html
echo serving
exec httpd -f -vv -p %s:%d -h /tmp/www
]]):format(SERVER_IP, SERVER_IP, PORT)

-- The client: waits for "go", shows its interfaces, fetches the page (a few
-- tries while httpd starts listening; busybox's own wget -T crashes in
-- Debian's busybox-static 1.35, so `timeout` bounds each try).
local CLIENT = ([[
read go || exit 1
echo "interfaces: $(ip -o -4 addr | awk '{print $2, $4}' | tr '\n' ' ')"
i=0
until page=$(timeout 3 wget -q -O - http://%s:%d/); do
  i=$((i + 1)); [ $i -lt 30 ] || { echo "no answer"; exit 1; }
  sleep 0.1
done
echo "got: $page"
]]):format(SERVER_IP, PORT)

local A, B
local a_go_r, a_go_w = assert(ns.pipe())
local a_out_r, a_out_w = assert(ns.pipe())
local b_go_r, b_go_w, b_out_r, b_out_w

local ok, err = pcall(function()
  A = sandbox.start {
    argv = { "/bin/sh", "-c", SERVER }, rootfs = rootfs, mounts = mounts, hostname = "server",
    stdio = { stdin = a_go_r, stdout = a_out_w, stderr = a_out_w }, timeout = 30,
  }
  ns.close(a_go_r); ns.close(a_out_w)
  assert(not A.result, "the server did not start: " .. tostring(A.result and A.result.error))

  b_go_r, b_go_w = assert(ns.pipe())
  b_out_r, b_out_w = assert(ns.pipe())
  B = sandbox.start {
    argv = { "/bin/sh", "-c", CLIENT }, rootfs = rootfs, mounts = mounts, hostname = "client",
    stdio = { stdin = b_go_r, stdout = b_out_w }, timeout = 30,
  }
  ns.close(b_go_r); ns.close(b_out_w)
  assert(not B.result, "the client did not start: " .. tostring(B.result and B.result.error))

  local a_pid, b_pid = A:pidfd():pid(), B:pidfd():pid()
  local a_net, b_net = assert(ns.ns_ids(a_pid)).net, assert(ns.ns_ids(b_pid)).net
  print(("server: pid %d on the host, net ns %d; client: pid %d, net ns %d; host net ns %d")
    :format(a_pid, a_net, b_pid, b_net, host_net))
  claim(a_net ~= b_net and a_net ~= host_net and b_net ~= host_net,
    "the server, the client and the host are in three different network namespaces")

  -- The pair, made from inside B: CLIENT_END here (in B), SERVER_END in
  -- A's namespace.
  local made = B:join(function()
    assert(ns.veth(CLIENT_END, SERVER_END, A:pidfd()))
    assert(ns.addr_add(CLIENT_END, CLIENT_IP .. "/" .. PREFIX))
    assert(ns.ifup(CLIENT_END))
  end)
  local configured = A:join(function()
    assert(ns.addr_add(SERVER_END, SERVER_IP .. "/" .. PREFIX))
    assert(ns.ifup(SERVER_END))
  end)
  claim(made == true and configured == true,
    "B:join made the veth pair from inside B, its peer straight in A (through A's pidfd), and both ends are configured")
  claim(host_intact(host_links), "while the pair exists, neither end is on the host (" .. names(interfaces()) .. ")")

  -- Go: the server first, and the client once the server says it serves.
  ns.write(a_go_w, "go\n")
  local a_out = read_until(a_out_r, "serving\n", 10)

  -- Every process now in either sandbox, held by a pidfd: a pidfd cannot be
  -- fooled by a reused pid, as a namespace id can be reused once freed.
  local members = {}
  local p = io.popen("ls /proc")
  for entry in p:lines() do
    local pid = tonumber(entry:match("^%d+$"))
    local ids = pid and ns.ns_ids(pid)
    if ids and (ids.net == a_net or ids.net == b_net) then
      local pidfd = ns.pidfd_open(pid)
      if pidfd and (ns.ns_ids(pid) or {}).net == ids.net then members[#members + 1] = pidfd end
    end
  end
  p:close()
  print(("host: %d processes in the two sandboxes: %s"):format(#members, (function()
    local t = {}
    for _, m in ipairs(members) do t[#t + 1] = m:pid() end
    return table.concat(t, " ")
  end)()))

  ns.write(b_go_w, "go\n")
  local b_out = read_until(b_out_r, nil, 20)
  local b = B:wait()
  show("client", b_out)
  print(("client: ended, status %s, code %s"):format(b.status, tostring(b.code)))

  -- Stop the server: SIGTERM to its init, which forwards it to httpd.
  assert(A:signal("TERM"))
  a_out = a_out .. read_until(a_out_r, nil, 10)
  local a = A:wait()
  show("server", a_out)
  print(("server: ended, status %s, signal %s"):format(a.status, tostring(a.signal)))

  claim(a_out:find("interfaces: lo 127.0.0.1/8 " .. SERVER_END .. " " .. SERVER_IP .. "/" .. PREFIX, 1, true) ~= nil,
    "the server sees lo and " .. SERVER_END .. " with " .. SERVER_IP .. "/" .. PREFIX)
  claim(b_out:find("interfaces: lo 127.0.0.1/8 " .. CLIENT_END .. " " .. CLIENT_IP .. "/" .. PREFIX, 1, true) ~= nil,
    "the client sees lo and " .. CLIENT_END .. " with " .. CLIENT_IP .. "/" .. PREFIX)
  claim(b_out:find("got: hello from server at " .. SERVER_IP, 1, true) ~= nil and b.status == "exit" and b.code == 0,
    "the client fetched the server's page over the pair, and exited 0")
  claim(a_out:find(CLIENT_IP, 1, true) ~= nil, "the server's log shows the request came from " .. CLIENT_IP)
  claim(a.status == "signal" and a.signal == 15 and not a.timed_out, "the server ended by the SIGTERM sent to it, not by its timeout")

  -- Nothing is left: every process the sandboxes had is gone.
  local alive = {}
  for _, m in ipairs(members) do
    if m:signal(0) then alive[#alive + 1] = m:pid() end
    m:close()
  end
  claim(#members >= 4 and #alive == 0, ("all %d processes of the two sandboxes (their inits, the shells, httpd) have exited"):format(#members) ..
    (#alive > 0 and " (alive: " .. table.concat(alive, " ") .. ")" or ""))
end)
if not ok then
  io.stderr:write("two-sandboxes.lua: ", tostring(err), "\n")
  claim(false, "the two sandboxes were set up and run")
  -- Take down whatever runs: KILL reaches their inits, and with them
  -- everything in their pid namespaces.
  for _, box in ipairs({ A, B }) do
    if box and not box.result then box:signal("KILL"); box:wait() end
  end
end
for _, fd in ipairs({ a_go_w, a_out_r, b_go_w, b_out_r }) do ns.close(fd) end

do
  local intact, why = host_intact(host_links)
  claim(intact, "afterwards the host has all its interfaces and none of ours: " .. names(interfaces()) .. (why and " (" .. why .. ")" or ""))
end
claim(read_file("/proc/self/mountinfo") == host_mounts, "the host's mounts are unchanged")

for _, c in ipairs(claims) do
  if not c.ok then
    io.stderr:write("two-sandboxes.lua: a claim did not hold: ", c.what, "\n")
    return 1
  end
end
print("two-sandboxes.lua: all claims hold")
return 0
