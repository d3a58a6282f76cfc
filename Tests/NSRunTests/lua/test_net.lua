-- ns.ifup, ns.veth, ns.addr_add, ns.route_add_default.
--
-- Network safety: every interface, address and route here lives in a network
-- namespace this file creates (clone(CLONE_NEWNET)); nothing touches the
-- host's interfaces. Addresses are link-local, from 169.254.77.0/24 only, and
-- the only traffic is between namespaces created here. Every veth dies with
-- its namespaces when the children exit.
local T = require "testing"
local E = ns.errno

local NSRUN = arg and arg[-1] or "nsrun"
local IFF_UP = 1

local PING = os.execute("command -v ping >/dev/null 2>&1") and "ping" or "busybox ping"
-- A few tries: a veth's carrier comes up asynchronously after ifup, and
-- under load the first packet can go before it does.
local function ping(addr)
  for _ = 1, 5 do
    if os.execute(PING .. " -c1 -W1 " .. addr .. " >/dev/null 2>&1") == true then return true end
  end
  return false
end

local function sh_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

-- One-shot rendezvous between processes: a FIFO. Opening one blocks until
-- the other side opens it too, so the open happens in a `timeout` child: if
-- one side fails, the other gives up after 10 s instead of hanging the suite.
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

-- The interfaces of the caller's network namespace (/proc/net is per netns).
local function interfaces()
  local names = {}
  for line in io.lines("/proc/self/net/dev") do
    local name = line:match("^%s*([^%s:]+):")
    if name then names[#names + 1] = name end
  end
  table.sort(names)
  return table.concat(names, " ")
end

-- The routes of the caller's network namespace, as /proc/net/route lines
-- "IFACE DEST GATEWAY MASK" (hex, little-endian as the kernel prints them).
local function routes()
  local out = {}
  for line in io.lines("/proc/self/net/route") do
    local iface, dest, gw, _, _, _, _, mask = line:match("^(%S+)\t(%x+)\t(%x+)\t(%x+)\t(%d+)\t(%d+)\t(%d+)\t(%x+)")
    if iface then out[#out + 1] = ("%s %s %s %s"):format(iface, dest, gw, mask) end
  end
  table.sort(out)
  return table.concat(out, "\n")
end

-- Runs fn in a fresh network namespace and expects it to return 0.
local function in_new_netns(fn, flags)
  local ok, how, code = T.run_child(CLONE_NEWNET | (flags or 0), function()
    local ok, err = xpcall(fn, debug.traceback)
    if not ok then io.stderr:write(tostring(err), "\n"); return 1 end
    return err == nil and 0 or err
  end)
  T.eq(ok, true, "child: " .. tostring(how) .. " " .. tostring(code))
end

-- A process holding a new network namespace until its gate is posted; then
-- it runs check() in that namespace and exits with its result.
local function holder(check)
  local gate = fifo()
  local pid, pidfd = assert(clone(CLONE_NEWNET, function()
    local msg = await(gate)
    if msg ~= "go" then return 2 end
    local ok, r = xpcall(check, debug.traceback)
    if not ok then io.stderr:write(tostring(r), "\n"); return 1 end
    return r
  end))
  return { pid = pid, pidfd = pidfd, gate = gate }
end

-- Waits for the creator child, then the holder (killed if the creator failed
-- without releasing it), and removes the gate.
local function finish(creator_pidfd, h)
  local ok, how, code = ns.wait(creator_pidfd)
  if not ok then h.pidfd:signal("KILL") end
  local hok, hhow, hcode = ns.wait(h.pidfd)
  os.remove(h.gate)
  T.eq(ok, true, "creator: " .. tostring(how) .. " " .. tostring(code))
  T.eq(hok, true, "holder: " .. tostring(hhow) .. " " .. tostring(hcode))
end

---------------------------------------------------------------------------
-- ifup

T.test("a new network namespace has only lo, and it is down until ifup", function()
  in_new_netns(function()
    -- A sysfs mounted in this namespace shows this namespace's devices.
    assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE))
    assert(ns.mount("sysfs", "/sys", "sysfs", ns.MS_NOSUID | ns.MS_NODEV | ns.MS_NOEXEC))
    T.eq(interfaces(), "lo", "interfaces")
    local flags = tonumber(T.read("/sys/class/net/lo/flags"))
    T.eq(flags & IFF_UP, 0, "lo is down")
    T.eq(ping("127.0.0.1"), false, "ping 127.0.0.1 with lo down")
    T.eq(ns.ifup("lo"), true, "ifup lo")
    flags = tonumber(T.read("/sys/class/net/lo/flags"))
    T.eq(flags & IFF_UP, IFF_UP, "lo is up")
    T.eq(ping("127.0.0.1"), true, "ping 127.0.0.1 with lo up")
    T.eq(ns.ifup("lo"), true, "ifup of an interface already up")
  end, CLONE_NEWNS)
end)

T.test("ifup of a missing interface is nil, message, ENODEV", function()
  in_new_netns(function()
    local msg = T.fails(E.ENODEV, "ifup", ns.ifup("nsrun-nope0"))
    T.eq(msg, "ifup nsrun-nope0: No such device")
  end)
end)

T.test("ifup without CAP_NET_ADMIN over the namespace gives EPERM", function()
  -- The grandchild is in a network namespace owned by the initial user
  -- namespace, but in a user namespace of its own: no power over it.
  in_new_netns(function()
    local ok, how, code = T.run_child(CLONE_NEWUSER, function()
      T.fails(E.EPERM, "ifup", ns.ifup("lo"))
      T.fails(E.EPERM, "veth", ns.veth("nsrun-p0", "nsrun-p1"))
      T.fails(E.EPERM, "addr_add", ns.addr_add("lo", "169.254.77.9/32"))
      T.fails(E.EPERM, "route_add_default", ns.route_add_default("lo"))
      return 0
    end)
    T.eq(ok, true, tostring(how) .. " " .. tostring(code))
    T.eq(interfaces(), "lo", "nothing was created")
  end)
end)

T.test("ifup misuse raises before any syscall", function()
  T.raises("bad argument #1 to 'ifup' (interface name 'abcdefghijklmnop' is longer than 15 bytes)",
    ns.ifup, "abcdefghijklmnop")
  T.raises("interface name is empty", ns.ifup, "")
  T.raises("contains '/'", ns.ifup, "a/b")
  T.raises("contains ':'", ns.ifup, "eth0:1")
  T.raises("contains whitespace", ns.ifup, "a b")
  T.raises("'..' is not an interface name", ns.ifup, "..")
  T.raises("string contains a NUL byte", ns.ifup, "lo\0x")
  T.raises("string expected, got number", ns.ifup, 1)
  T.raises("string expected, got no value", ns.ifup)
end)

---------------------------------------------------------------------------
-- veth

T.test("a veth pair between two new namespaces, addressed, pings across", function()
  local ready, done = fifo(), fifo()
  -- A: the peer's namespace. It configures its end once B has created it.
  local a = holder(function()
    local ok, err = pcall(function()
      T.eq(interfaces(), "a0 lo", "A's interfaces")
      assert(ns.ifup("lo"))
      assert(ns.addr_add("a0", "169.254.77.2/24"))
      assert(ns.ifup("a0"))
    end)
    post(ready, ok and "ready" or "fail")
    if not ok then error(err, 0) end
    T.eq(await(done), "done")
    return 0
  end)
  -- B: creates the pair with a0 moved into A's namespace, pings A.
  local _, b = assert(clone(CLONE_NEWNET, function()
    local ok, err = pcall(function()
      assert(ns.veth("b0", "a0", a.pidfd))
      T.eq(interfaces(), "b0 lo", "B's interfaces (a0 went to A)")
      assert(ns.addr_add("b0", "169.254.77.1/24"))
      assert(ns.ifup("b0"))
    end)
    post(a.gate, ok and "go" or "fail")
    if not ok then error(err, 0) end
    T.eq(await(ready), "ready", "A configured its end")
    local pinged = ping("169.254.77.2")
    post(done, "done")
    return pinged and 0 or 5
  end))
  local ok, err = pcall(finish, b, a)
  os.remove(ready); os.remove(done)
  if not ok then error(err, 0) end
  -- Neither end was ever in this (the test's) namespace, and both are gone.
  local here = " " .. interfaces() .. " "
  T.eq(here:find(" a0 ", 1, true), nil, "a0 in the test's namespace")
  T.eq(here:find(" b0 ", 1, true), nil, "b0 in the test's namespace")
end)

T.test("veth without a namespace puts both ends here", function()
  in_new_netns(function()
    T.eq(ns.veth("v0", "v1"), true)
    T.eq(interfaces(), "lo v0 v1")
  end)
end)

T.test("veth's peer namespace: a pidfd handle, an integer pidfd, a /proc/PID/ns/net fd", function()
  -- A veth pair dies with either end: the creator's namespace is torn down
  -- (asynchronously) when it exits, taking the holder's ends with it. So the
  -- creator stays until the holder has looked (found under parallel load).
  local checked = fifo()
  local h = holder(function()
    local seen = interfaces()
    post(checked, "checked")
    T.eq(seen, "h1 i1 lo n1", "the three peers arrived")
    return 0
  end)
  local _, c = assert(clone(CLONE_NEWNET, function()
    local ok, err = pcall(function()
      assert(ns.veth("h0", "h1", h.pidfd))
      assert(ns.veth("i0", "i1", h.pidfd:fd()))
      -- fd 3 of a nested nsrun: the shell opens the namespace file for it.
      local script = 'assert(ns.veth("n0", "n1", 3))'
      assert(os.execute(("exec 3</proc/%d/ns/net; exec %s -e %s"):format(h.pid, sh_quote(NSRUN), sh_quote(script))))
      T.eq(interfaces(), "h0 i0 lo n0")
    end)
    post(h.gate, ok and "go" or "fail")
    if ok then await(checked) end
    if not ok then error(err, 0) end
    return 0
  end))
  finish(c, h)
  os.remove(checked)
end)

T.test("veth failures are nil, message, errno", function()
  in_new_netns(function()
    assert(ns.veth("d0", "d1"))
    local msg = T.fails(E.EEXIST, "duplicate", ns.veth("d0", "d9"))
    T.eq(msg, "veth d0 peer d9: File exists")
    T.fails(E.EEXIST, "duplicate peer", ns.veth("d8", "d1"))
    T.eq(interfaces(), "d0 d1 lo", "nothing half-made")

    -- A closed fd, an fd that is not a namespace (stdin), another namespace type.
    local _, dead = assert(clone(0, function() return 0 end))
    local number = dead:fd()
    dead:wait()
    dead:close()
    T.fails(E.EBADF, "closed fd", ns.veth("e0", "e1", number))
    T.fails(E.EINVAL, "stdin", ns.veth("e0", "e1", 0))
    local script = 'local _, m, e = ns.veth("e0", "e1", 3); os.exit(e == ns.errno.EINVAL and 0 or 1)'
    T.eq(os.execute(("exec 3</proc/self/ns/mnt; exec %s -e %s"):format(sh_quote(NSRUN), sh_quote(script))), true,
      "a mount namespace fd gives EINVAL")

    -- The pidfd of a process that has exited: its namespace is gone.
    local _, gone = assert(clone(CLONE_NEWNET, function() return 0 end))
    gone:wait()
    T.fails(E.ESRCH, "pidfd of a reaped process", ns.veth("e0", "e1", gone))
    gone:close()
    T.eq(interfaces(), "d0 d1 lo", "no failed call left an interface")
  end)
end)

T.test("veth into a namespace the caller has no power over: EACCES, EPERM", function()
  -- U (its own user and network namespace) is root in its namespace, but
  -- not over H's, which belongs to the initial user namespace.
  local h = holder(function()
    T.eq(interfaces(), "lo", "nothing arrived")
    return 0
  end)
  local _, u = assert(clone(CLONE_NEWUSER | CLONE_NEWNET, function()
    local ok, err = pcall(function()
      -- Through H's pidfd: U may not even look at H's namespaces.
      T.fails(E.EACCES, "veth via pidfd", ns.veth("u0", "u1", h.pidfd))
      T.eq(ns.veth("u2", "u3"), true, "but its own namespace is its to change")
    end)
    if not ok then io.stderr:write(err, "\n") end
    return ok and 0 or 1
  end))
  -- Through an open /proc/H/ns/net (fd 3, opened by a shell with the
  -- test's powers): the kernel's own refusal, EPERM.
  local script = [[
    local _, p = assert(clone(CLONE_NEWUSER | CLONE_NEWNET, function()
      local _, msg, e = ns.veth("u0", "u1", 3)
      if e ~= ns.errno.EPERM then io.stderr:write(tostring(msg), "\n"); return 1 end
      return 0
    end))
    os.exit(ns.wait(p) and 0 or 1)]]
  local eperm = os.execute(("exec 3</proc/%d/ns/net; exec %s -e %s"):format(h.pid, sh_quote(NSRUN), sh_quote(script)))
  local uok, uhow, ucode = ns.wait(u)
  post(h.gate, "go")
  local hok, hhow, hcode = ns.wait(h.pidfd)
  os.remove(h.gate)
  T.eq(uok, true, "U: " .. tostring(uhow) .. " " .. tostring(ucode))
  T.eq(eperm, true, "EPERM through a namespace fd")
  T.eq(hok, true, "H: " .. tostring(hhow) .. " " .. tostring(hcode))
end)

T.test("veth through /proc/PID/ns/net when the kernel lacks PIDFD_GET_NET_NAMESPACE", function()
  if not os.execute("command -v strace >/dev/null 2>&1") then T.skip("strace is not installed") end
  -- The creator stays until the holder has looked (its namespace's teardown
  -- would take the pair with it).
  local checked = fifo()
  local h = holder(function()
    local seen = interfaces()
    post(checked, "checked")
    T.eq(seen, "f1 lo", "the peer arrived")
    return 0
  end)
  local log = os.tmpname()
  local _, c = assert(clone(CLONE_NEWNET, function()
    local ok, err = pcall(function()
      -- ENOTTY for every ioctl: what a kernel before 6.11 answers.
      local script = ('assert(ns.veth("f0", "f1", assert(ns.pidfd_open(%d))))'):format(h.pid)
      assert(os.execute(("strace -qq -o %s -e trace=ioctl,openat -e inject=ioctl:error=ENOTTY %s -e %s")
        :format(log, sh_quote(NSRUN), sh_quote(script))))
    end)
    post(h.gate, ok and "go" or "fail")
    if ok then await(checked) end
    if not ok then error(err, 0) end
    return 0
  end))
  finish(c, h)
  os.remove(checked)
  local trace = T.read(log)
  os.remove(log)
  assert(trace:find("ENOTTY", 1, true), "the ioctl was refused:\n" .. trace)
  assert(trace:find(("/proc/%d/ns/net"):format(h.pid), 1, true), "the fallback opened /proc/PID/ns/net:\n" .. trace)
end)

T.test("veth misuse raises before any syscall", function()
  T.raises("bad argument #1 to 'veth' (interface name 'abcdefghijklmnop' is longer than 15 bytes)",
    ns.veth, "abcdefghijklmnop", "x")
  T.raises("bad argument #2 to 'veth' (interface name is empty)", ns.veth, "x", "")
  T.raises("bad argument #2 to 'veth' (string expected, got no value)", ns.veth, "x")
  T.raises("bad argument #3 to 'veth' (number has no integer representation)", ns.veth, "x", "y", 1.5)
  T.raises("bad argument #3 to 'veth' (network namespace fd or pidfd expected, got string)", ns.veth, "x", "y", "3")
  T.raises("bad argument #3 to 'veth' (fd out of range 0..2147483647)", ns.veth, "x", "y", -1)
  local _, p = assert(clone(0, function() return 0 end))
  p:wait()
  p:close()
  T.raises("bad argument #3 to 'veth' (pidfd is closed)", ns.veth, "x", "y", p)
end)

---------------------------------------------------------------------------
-- addr_add

T.test("addr_add gives an interface its address and the prefix's route", function()
  in_new_netns(function()
    assert(ns.veth("v0", "v1"))
    T.eq(ns.addr_add("v0", "169.254.77.1/30"), true)
    T.eq(ns.addr_add("v1", "169.254.77.2/30"), true)
    T.eq(ns.addr_add("lo", "169.254.77.9"), true, "without /len: /32")
    assert(ns.ifup("lo")); assert(ns.ifup("v0")); assert(ns.ifup("v1"))
    local trie = T.read("/proc/self/net/fib_trie")
    for _, a in ipairs { "169.254.77.1", "169.254.77.2", "169.254.77.9" } do
      assert(trie:find(a, 1, true), a .. " is a local address:\n" .. trie)
    end
    -- 169.254.77.0/30 on both ends (dest 004DFEA9, mask FCFFFFFF).
    T.eq(routes(), "v0 004DFEA9 00000000 FCFFFFFF\nv1 004DFEA9 00000000 FCFFFFFF")
    T.eq(ping("169.254.77.9"), true, "the /32 on lo answers")
  end)
end)

T.test("addr_add failures are nil, message, errno", function()
  in_new_netns(function()
    assert(ns.veth("v0", "v1"))
    assert(ns.addr_add("v0", "169.254.77.1/30"))
    local msg = T.fails(E.EEXIST, "duplicate", ns.addr_add("v0", "169.254.77.1/30"))
    T.eq(msg, "addr_add v0 169.254.77.1/30: File exists")
    msg = T.fails(E.ENODEV, "missing interface", ns.addr_add("nsrun-nope0", "169.254.77.5/30"))
    T.eq(msg, "addr_add nsrun-nope0 169.254.77.5/30: No such device")
  end)
end)

T.test("addr_add misuse raises before any syscall", function()
  local bad = {
    ["169.254.77.1/33"] = "prefix length must be 0..32",
    ["169.254.77.1/"] = "prefix length must be 0..32",
    ["169.254.77.1/024"] = "prefix length must be 0..32",
    ["169.254.77.1/x"] = "prefix length must be 0..32",
    ["169.254.77/24"] = "is not an IPv4 address",
    ["169.254.77.256/24"] = "is not an IPv4 address",
    ["169.254.077.1/24"] = "is not an IPv4 address",
    ["169.254.77.1.1/24"] = "is not an IPv4 address",
    [" 169.254.77.1/24"] = "is not an IPv4 address",
    ["169.254.77.-1/24"] = "is not an IPv4 address",
    [""] = "is not an IPv4 address",
    ["fe80::1/64"] = "IPv6 is not supported",
  }
  for text, reason in pairs(bad) do
    T.raises("bad argument #2 to 'addr_add' ('" .. text .. "'", ns.addr_add, "lo", text)
    T.raises(reason, ns.addr_add, "lo", text)
  end
  T.raises("string contains a NUL byte", ns.addr_add, "lo", "169.254.77.1/24\0")
  T.raises("bad argument #2 to 'addr_add' (string expected, got number)", ns.addr_add, "lo", 1)
  T.raises("bad argument #1 to 'addr_add' (interface name 'abcdefghijklmnop' is longer than 15 bytes)",
    ns.addr_add, "abcdefghijklmnop", "169.254.77.1/24")
end)

---------------------------------------------------------------------------
-- route_add_default

T.test("route_add_default via a gateway, and as a device route", function()
  in_new_netns(function()
    assert(ns.veth("v0", "v1"))
    assert(ns.addr_add("v0", "169.254.77.1/30"))
    assert(ns.ifup("v0")); assert(ns.ifup("v1"))
    T.eq(ns.route_add_default("v0", "169.254.77.2"), true)
    T.eq(routes(), "v0 00000000 024DFEA9 00000000\nv0 004DFEA9 00000000 FCFFFFFF")
  end)
  in_new_netns(function()
    assert(ns.veth("v0", "v1"))
    assert(ns.ifup("v0"))
    T.eq(ns.route_add_default("v0"), true)
    T.eq(routes(), "v0 00000000 00000000 00000000")
  end)
end)

T.test("route_add_default failures are nil, message, errno", function()
  in_new_netns(function()
    assert(ns.veth("v0", "v1"))
    assert(ns.addr_add("v0", "169.254.77.1/30"))
    local msg = T.fails(E.ENETUNREACH, "interface down: no route to the gateway",
      ns.route_add_default("v0", "169.254.77.2"))
    T.eq(msg, "route_add_default v0 via 169.254.77.2: Network is unreachable")
    assert(ns.ifup("v0"))
    T.fails(E.ENETUNREACH, "gateway off the interface's network", ns.route_add_default("v0", "169.254.77.6"))
    T.fails(E.ENODEV, "missing interface", ns.route_add_default("nsrun-nope0", "169.254.77.2"))
    assert(ns.route_add_default("v0", "169.254.77.2"))
    msg = T.fails(E.EEXIST, "a second default route", ns.route_add_default("v0", "169.254.77.2"))
    T.eq(msg, "route_add_default v0 via 169.254.77.2: File exists")
  end)
end)

T.test("route_add_default misuse raises before any syscall", function()
  T.raises("bad argument #2 to 'route_add_default' ('169.254.77.2/30' is not an IPv4 gateway address A.B.C.D)",
    ns.route_add_default, "lo", "169.254.77.2/30")
  T.raises("is not an IPv4 gateway address", ns.route_add_default, "lo", "gateway")
  T.raises("is not an IPv4 gateway address", ns.route_add_default, "lo", "fe80::1")
  T.raises("bad argument #2 to 'route_add_default' (string expected, got number)", ns.route_add_default, "lo", 1)
  T.raises("bad argument #1 to 'route_add_default' (interface name is empty)", ns.route_add_default, "", "169.254.77.2")
end)

os.exit(T.done())
