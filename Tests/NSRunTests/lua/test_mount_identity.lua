-- ns.mount, ns.umount, ns.sethostname, ns.gethostname by path (the safe,
-- rooted forms are in test_mount_root.lua).
local T = require "testing"
local E = ns.errno

local function mountinfo() return T.read("/proc/self/mountinfo") end

T.test("a mount inside a new mount namespace never appears on the host", function()
  local before = mountinfo()
  local dir = os.tmpname(); os.remove(dir); assert(os.execute("mkdir " .. dir))
  local ok, how, code = T.run_child(CLONE_NEWNS, function()
    assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE))
    assert(ns.mount("tmpfs", dir, "tmpfs", ns.MS_NOSUID | ns.MS_NODEV, "size=1m,mode=0700"))
    if not T.read("/proc/self/mountinfo"):find(dir, 1, true) then return 10 end
    assert(ns.umount(dir))
    if T.read("/proc/self/mountinfo"):find(dir, 1, true) then return 11 end
    assert(ns.mount("tmpfs", dir, "tmpfs", 0))
    return 0
  end)
  T.eq(ok, true, tostring(how) .. " " .. tostring(code))
  T.eq(mountinfo(), before, "host mountinfo")
  os.remove(dir)
end)

T.test("a fresh /proc in a new pid namespace shows only the sandbox", function()
  local ok = T.run_child(CLONE_NEWPID | CLONE_NEWNS, function()
    assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE))
    assert(ns.mount("proc", "/proc", "proc", ns.MS_NOSUID | ns.MS_NODEV | ns.MS_NOEXEC))
    local pids = {}
    for line in io.popen("ls /proc"):lines() do if line:match("^%d+$") then pids[#pids + 1] = line end end
    -- pid 1 (this function) and the ls run by popen's shell.
    return (#pids <= 3 and T.read("/proc/1/stat"):match("^1 ")) and 0 or 1
  end)
  T.eq(ok, true)
end)

T.test("mount failures are nil, message, errno", function()
  T.eq(T.run_child(CLONE_NEWNS, function()
    local msg = T.fails(E.ENOENT, "missing target", ns.mount("tmpfs", "/nonexistent/nsrun", "tmpfs", 0))
    T.eq(msg, "mount /nonexistent/nsrun: No such file or directory")
    T.fails(E.ENODEV, "unknown fs type", ns.mount("x", "/tmp", "no-such-fs", 0))
    T.fails(E.EINVAL, "umount of a non-mount", ns.umount("/proc/self"))
    T.fails(E.ENOENT, "umount missing", ns.umount("/nonexistent/nsrun"))
    return 0
  end), true)
end)

T.test("mount misuse raises", function()
  T.raises("bad argument #2 to 'mount' (string contains a NUL byte)", ns.mount, "tmpfs", "/tmp\0/x", "tmpfs", 0)
  T.raises("bad argument #4 to 'mount' (mount flags (integer or list of names) expected, got string)", ns.mount, "tmpfs", "/tmp", "tmpfs", "0")
  T.raises("mount flags out of range", ns.mount, "tmpfs", "/tmp", "tmpfs", -1)
  T.raises("bad argument #2 to 'umount' (unknown umount flags 0x10)", ns.umount, "/tmp", 16)
  T.raises("string expected, got no value", ns.umount)
end)

T.test("MS_* and MNT_* constants have the kernel's values", function()
  T.eq(ns.MS_RDONLY, 1); T.eq(ns.MS_NOSUID, 2); T.eq(ns.MS_NODEV, 4); T.eq(ns.MS_NOEXEC, 8)
  T.eq(ns.MS_REMOUNT, 32); T.eq(ns.MS_BIND, 4096); T.eq(ns.MS_REC, 16384)
  T.eq(ns.MS_PRIVATE, 1 << 18); T.eq(ns.MS_SLAVE, 1 << 19); T.eq(ns.MS_SHARED, 1 << 20)
  T.eq(ns.MS_UNBINDABLE, 1 << 17); T.eq(ns.MS_RELATIME, 1 << 21); T.eq(ns.MS_STRICTATIME, 1 << 24)
  T.eq(ns.MS_NOATIME, 1024); T.eq(ns.MNT_DETACH, 2)
end)

T.test("sethostname in a new UTS namespace; the host keeps its name", function()
  local host = assert(ns.gethostname())
  T.eq(T.read("/proc/sys/kernel/hostname"), host .. "\n")
  T.eq(T.run_child(CLONE_NEWUTS, function()
    assert(ns.sethostname("sandbox"))
    return T.read("/proc/sys/kernel/hostname") == "sandbox\n" and 0 or 1
  end), true)
  T.eq(ns.gethostname(), host)
end)

T.test("sethostname without the capability over the UTS namespace gives EPERM", function()
  -- A new user namespace has no power over the host's UTS namespace.
  T.eq(T.run_child(CLONE_NEWUSER, function()
    local msg = T.fails(E.EPERM, "sethostname", ns.sethostname("nope"))
    T.eq(msg, "sethostname nope: Operation not permitted")
    T.fails(E.EPERM, "mount", ns.mount("tmpfs", "/tmp", "tmpfs", 0))
    return 0
  end), true)
end)

T.test("sethostname misuse raises", function()
  T.raises("hostname longer than 64 bytes", ns.sethostname, string.rep("a", 65))
  T.raises("string contains a NUL byte", ns.sethostname, "a\0b")
  T.raises("string expected, got number", ns.sethostname, 1)
end)

os.exit(T.done())
