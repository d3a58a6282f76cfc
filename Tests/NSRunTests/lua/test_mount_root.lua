-- Mounts inside a new root, the safe target resolution, /proc, /dev, binds,
-- pivot_root and the filesystem calls. Every test runs in its own mount
-- namespace and checks that the host's mount table is unchanged afterwards.
local T = require "testing"
local E = ns.errno

local function mountinfo() return T.read("/proc/self/mountinfo") end
local HOST = mountinfo()

-- A scratch directory tree for one test; removed at the end.
local function scratch()
  local d = os.tmpname(); os.remove(d)
  assert(ns.mkdir(d .. "/root/mnt", tonumber("755", 8), true))
  assert(ns.mkdir(d .. "/root/etc"))
  assert(ns.mkdir(d .. "/src"))
  return d
end
local function cleanup(d) os.execute("rm -rf '" .. d .. "'") end

-- Runs fn in a new mount namespace with / made private; asserts exit 0.
local function in_mount_ns(fn, flags)
  local ok, how, code = T.run_child(CLONE_NEWNS | (flags or 0), function()
    assert(ns.make_private("/"))
    return fn()
  end)
  T.eq(ok, true, ("child ended %s %s"):format(how, code))
  T.eq(mountinfo(), HOST, "host mountinfo")
end

T.test("a symlink rootfs/mnt/t -> /etc as a target is refused and the host's /etc is untouched", function()
  local d = scratch()
  assert(ns.symlink("/etc", d .. "/root/mnt/t"))
  in_mount_ns(function()
    local before = T.read("/proc/self/mountinfo")
    local msg = T.fails(E.ELOOP, "bind", ns.bind(d .. "/src", "/mnt/t", { root = d .. "/root" }))
    assert(msg:find("is a symlink, refused", 1, true), msg)
    T.fails(E.ELOOP, "bind without root", ns.bind(d .. "/src", d .. "/root/mnt/t"))
    T.fails(E.ELOOP, "mount_tmpfs", ns.mount_tmpfs("/mnt/t", { root = d .. "/root" }))
    T.eq(T.read("/proc/self/mountinfo"), before, "nothing was mounted")
    return 0
  end)
  cleanup(d)
end)

T.test("a path through a symlink inside the root resolves inside the root, never on the host", function()
  local d = scratch()
  assert(ns.symlink("/etc", d .. "/root/mnt/u"))          -- absolute: means rootfs/etc
  assert(ns.mkdir(d .. "/root/etc/x"))
  assert(ns.symlink("../../../../../etc", d .. "/root/mnt/up")) -- .. cannot climb out
  in_mount_ns(function()
    assert(ns.bind(d .. "/src", "/mnt/u/x", { root = d .. "/root" }))
    local info = T.read("/proc/self/mountinfo")
    assert(info:find(" " .. d .. "/root/etc/x ", 1, true), "bind landed in the rootfs:\n" .. info)
    assert(not info:find(" /etc/x ", 1, true), "host /etc/x was mounted on")
    assert(ns.mount_tmpfs("/mnt/up/x", { root = d .. "/root" }))
    assert(T.read("/proc/self/mountinfo"):find(" " .. d .. "/root/etc/x ", 1, true))
    return 0
  end)
  cleanup(d)
end)

T.test("a rootfs whose /proc is a symlink makes mount_proc fail", function()
  local d = scratch()
  assert(ns.symlink("/proc", d .. "/root/proc"))
  in_mount_ns(function()
    T.fails(E.ELOOP, "with root", ns.mount_proc("/proc", { root = d .. "/root" }))
    T.fails(E.ELOOP, "by path", ns.mount_proc(d .. "/root/proc"))
    T.fails(E.ELOOP, "mount_dev", ns.mount_dev(d .. "/root/proc"))
    return 0
  end, CLONE_NEWPID)
  cleanup(d)
end)

T.test("mount_proc shows the new pid namespace; a file target is refused", function()
  local d = scratch()
  assert(ns.mkdir(d .. "/root/proc"))
  io.open(d .. "/root/file", "w"):close()
  in_mount_ns(function()
    assert(ns.mount_proc("/proc", { root = d .. "/root" }))
    T.eq(T.read(d .. "/root/proc/1/stat"):match("^1 "), "1 ", "pid 1 is us")
    local info = T.read("/proc/self/mountinfo"):match("[^\n]* " .. d .. "/root/proc [^\n]*")
    assert(info:find("nosuid") and info:find("nodev") and info:find("noexec"), info)
    T.fails(E.ENOTDIR, "file", ns.mount_proc("/file", { root = d .. "/root" }))
    T.fails(E.ENOENT, "missing", ns.mount_proc("/nonexistent", { root = d .. "/root" }))
    return 0
  end, CLONE_NEWPID)
  cleanup(d)
end)

-- mount_dev on a rootfs's /dev, and on the host's own /dev (whose nodes it
-- binds: they must be cloned before its tmpfs covers them).
for _, where in ipairs({ "in a root", "over the host's /dev" }) do
T.test("mount_dev gives a minimal /dev as bwrap does, " .. where, function()
  local d = scratch()
  assert(ns.mkdir(d .. "/root/dev"))
  in_mount_ns(function()
    local dev = "/dev/"
    if where == "in a root" then
      assert(ns.mount_dev("/dev", { root = d .. "/root" }))
      dev = d .. "/root/dev/"
    else
      assert(ns.mount_dev("/dev"))
    end
    for _, n in ipairs({ "null", "zero", "full", "random", "urandom", "tty" }) do
      assert(os.execute("test -c " .. dev .. n), n .. " is not a character device")
    end
    T.eq(io.open(dev .. "zero"):read(4), "\0\0\0\0", "zero reads zeros")
    assert(io.open(dev .. "null", "w"):write("x"))
    T.eq(T.read(dev .. "null"), "", "null reads empty")
    for link, target in pairs({ fd = "/proc/self/fd", stdin = "/proc/self/fd/0", stdout = "/proc/self/fd/1",
                                stderr = "/proc/self/fd/2", ptmx = "pts/ptmx" }) do
      T.eq(io.popen("readlink " .. dev .. link):read("l"), target, link)
    end
    local info = T.read("/proc/self/mountinfo")
    assert(info:find(" " .. dev .. "pts [^\n]* devpts "), "devpts at pts")
    assert(info:find(" " .. dev .. "shm [^\n]* tmpfs "), "tmpfs at shm")
    assert(os.execute("test -c " .. dev .. "pts/ptmx"), "a private ptmx")
    return 0
  end)
  cleanup(d)
end)
end

T.test("a read-only bind is read-only at once, submounts included", function()
  local d = scratch()
  assert(ns.mkdir(d .. "/src/sub"))
  assert(ns.mkdir(d .. "/root/mnt/ro"))
  in_mount_ns(function()
    assert(ns.mount_tmpfs(d .. "/src/sub"))
    assert(ns.bind(d .. "/src", d .. "/root/mnt/ro", { ro = true, rec = true, nosuid = true, nodev = true, noexec = true }))
    T.fails(E.EROFS, "write top", io.open(d .. "/root/mnt/ro/f", "w"))
    T.fails(E.EROFS, "write submount", io.open(d .. "/root/mnt/ro/sub/f", "w"))
    assert(io.open(d .. "/src/sub/f", "w"), "the source stays writable"):close()
    local line = T.read("/proc/self/mountinfo"):match("[^\n]* " .. d .. "/root/mnt/ro [^\n]*")
    assert(line:find("ro,nosuid,nodev,noexec", 1, true), line)
    return 0
  end)
  cleanup(d)
end)

T.test("bind errors and misuse", function()
  local d = scratch()
  io.open(d .. "/file", "w"):close()
  in_mount_ns(function()
    T.fails(E.ENOENT, "missing source", ns.bind("/nonexistent/src", d .. "/root/mnt"))
    T.fails(E.ENOENT, "missing target", ns.bind(d .. "/src", d .. "/root/nope"))
    T.fails(E.ENOTDIR, "dir onto file", ns.bind(d .. "/src", d .. "/file"))
    return 0
  end)
  T.raises("bad argument #3 to 'bind' (unknown option 'readonly'", ns.bind, "/a", "/b", { readonly = true })
  T.raises("'ro': boolean expected, got number", ns.bind, "/a", "/b", { ro = 1 })
  T.raises("string contains a NUL byte", ns.bind, "/a\0", "/b")
  T.raises("'root': string expected, got boolean", ns.mount_proc, "/proc", { root = true })
  cleanup(d)
end)

T.test("mount with a root goes through the resolved fd; mount flags as names", function()
  local d = scratch()
  in_mount_ns(function()
    assert(ns.mount("tmpfs", "/mnt", "tmpfs", { "nosuid", "nodev", "noexec" }, "size=1m", { root = d .. "/root" }))
    local line = T.read("/proc/self/mountinfo"):match("[^\n]* " .. d .. "/root/mnt [^\n]*")
    assert(line and line:find("nosuid,nodev,noexec", 1, true), tostring(line))
    assert(ns.mount(d .. "/src", d .. "/root/etc", nil, { "rbind" }))
    assert(ns.mount(nil, d .. "/root/etc", nil, { "bind", "remount", "ro" }))
    T.fails(E.EROFS, "remounted ro", io.open(d .. "/root/etc/f", "w"))
    assert(ns.symlink("/etc", d .. "/root/mnt/t"))
    T.fails(E.ELOOP, "symlink target with root", ns.mount("tmpfs", "/mnt/t", "tmpfs", 0, nil, { root = d .. "/root" }))
    return 0
  end)
  T.raises("unknown mount flag 'bogus'", ns.mount, nil, "/x", nil, { "ro", "bogus" })
  T.raises("bad argument #6 to 'mount' (unknown option 'rot'", ns.mount, nil, "/x", nil, 0, nil, { rot = "/" })
  cleanup(d)
end)

T.test("mount with a root never goes through /proc: a fake /proc can not steer it", function()
  local d = scratch()
  in_mount_ns(function()
    assert(ns.mount_tmpfs("/proc"))  -- a fake /proc over the real one, shaped like it
    assert(ns.mkdir("/proc/self/fd", nil, true))
    assert(ns.mount("tmpfs", "/mnt", "tmpfs", 0, "size=1m", { root = d .. "/root" }))
    assert(ns.umount(d .. "/root/mnt"))
    return 0
  end)
  cleanup(d)
end)

T.test("mount with a root: propagation, bind remount, move, and what it refuses", function()
  local d = scratch()
  assert(ns.mkdir(d .. "/root/moved"))
  in_mount_ns(function()
    local function line(path) return T.read("/proc/self/mountinfo"):match("[^\n]* " .. path .. " [^\n]*") end
    assert(ns.mount(d .. "/src", "/etc", nil, { "bind" }, nil, { root = d .. "/root" }))
    assert(ns.mount(nil, "/etc", nil, { "shared" }, nil, { root = d .. "/root" }))
    assert(line(d .. "/root/etc"):find("shared:", 1, true), line(d .. "/root/etc"))
    assert(ns.mount(nil, "/etc", nil, { "private" }, nil, { root = d .. "/root" }))
    assert(not line(d .. "/root/etc"):find("shared:", 1, true), "still shared")
    assert(ns.mount(nil, "/etc", nil, { "bind", "remount", "ro", "nosuid" }, nil, { root = d .. "/root" }))
    assert(line(d .. "/root/etc"):find(" ro,nosuid", 1, true), line(d .. "/root/etc"))
    T.fails(E.EROFS, "read-only now", io.open(d .. "/root/etc/f", "w"))
    assert(ns.mount(nil, "/etc", nil, { "bind", "remount" }, nil, { root = d .. "/root" }))
    assert(io.open(d .. "/root/etc/f", "w"), "writable again"):close()
    assert(ns.mount(d .. "/root/etc", "/moved", nil, { "move" }, nil, { root = d .. "/root" }))
    assert(line(d .. "/root/moved") and not line(d .. "/root/etc"), "moved")
    T.fails(E.EINVAL, "superblock remount", ns.mount(nil, "/moved", nil, { "remount", "ro" }, nil, { root = d .. "/root" }))
    T.fails(E.EINVAL, "no fstype", ns.mount("x", "/mnt", nil, 0, nil, { root = d .. "/root" }))
    return 0
  end)
  cleanup(d)
end)

T.test("make_private stops propagation to the host", function()
  in_mount_ns(function()
    local line = T.read("/proc/self/mountinfo"):match("^[^\n]*")
    assert(not line:find("shared:", 1, true), "/ still shared: " .. line)
    T.fails(E.ENOENT, "missing", ns.make_private("/nonexistent"))
    return 0
  end)
  T.raises("'recursive': boolean expected", ns.make_private, "/", 1)
end)

T.test("pivot_root into a busybox-less root; the old root detached", function()
  local d = scratch()
  io.open(d .. "/root/marker", "w"):close()
  in_mount_ns(function()
    assert(ns.bind(d .. "/root", d .. "/root", { rec = true }))
    assert(ns.chdir(d .. "/root"))
    assert(ns.pivot_root(".", "."))
    assert(ns.umount(".", ns.MNT_DETACH))
    assert(ns.chdir("/"))
    assert(io.open("/marker"), "the new root is the rootfs"):close()
    T.eq(io.open("/etc/hostname"), nil, "the host's files are gone")
    return 0
  end)
  in_mount_ns(function()
    T.fails(E.ENOENT, "missing", ns.pivot_root("/nonexistent", "/nonexistent/old"))
    -- Not a mount point, so on the current root's mount: the kernel says EBUSY.
    T.fails(E.EBUSY, "not a mount point", ns.pivot_root(d .. "/root", d .. "/root/mnt"))
    return 0
  end)
  T.raises("bad argument #2 to 'pivot_root' (string expected, got no value)", ns.pivot_root, "/")
  cleanup(d)
end)

T.test("chroot, chdir, mkdir -p, symlink: success, errors, misuse", function()
  local d = scratch()
  assert(ns.mkdir("/" .. d .. "///deep//a/b", tonumber("700", 8), true), "//a///b paths work")
  assert(ns.mkdir(d .. "/deep/a/b", nil, true), "mkdir -p of an existing dir")
  T.fails(E.EEXIST, "exists", ns.mkdir(d .. "/deep"))
  T.fails(E.ENOENT, "no parent", ns.mkdir(d .. "/x/y"))
  io.open(d .. "/plain", "w"):close()
  T.fails(E.ENOTDIR, "file in the way", ns.mkdir(d .. "/plain/x", nil, true))
  assert(ns.symlink("deep", d .. "/link"))
  T.fails(E.EEXIST, "symlink exists", ns.symlink("deep", d .. "/link"))
  T.eq(T.run_child(0, function()
    assert(ns.chdir(d))
    assert(io.open("plain")):close()
    T.fails(E.ENOENT, "chdir", ns.chdir(d .. "/nope"))
    assert(ns.chroot(d))
    assert(io.open("/plain"), "chroot took effect"):close()
    T.fails(E.ENOENT, "chroot missing", ns.chroot("/nope"))
    return 0
  end), true)
  T.raises("mode out of range", ns.mkdir, d .. "/m", 0x10000)
  T.raises("'parents': boolean expected", ns.mkdir, d .. "/m", 493, "yes")
  T.raises("string expected, got nil", ns.symlink, nil, "/x")
  T.raises("string contains a NUL byte", ns.chdir, "/\0")
  cleanup(d)
end)

T.test("mount_tmpfs options, and misuse", function()
  local d = scratch()
  in_mount_ns(function()
    assert(ns.mount_tmpfs(d .. "/root/mnt", { size = "2m", mode = tonumber("700", 8), options = "nr_inodes=100" }))
    local line = T.read("/proc/self/mountinfo"):match("[^\n]* " .. d .. "/root/mnt [^\n]*")
    assert(line:find("size=2048k", 1, true) and line:find("mode=700", 1, true) and line:find("nr_inodes=100", 1, true), line)
    T.fails(E.EINVAL, "bad option", ns.mount_tmpfs(d .. "/root/etc", { options = "nosuchoption=1" }))
    return 0
  end)
  T.raises("'size': expected bytes or a size like \"16m\"", ns.mount_tmpfs, "/x", { size = "lots" })
  T.raises("'mode' out of range", ns.mount_tmpfs, "/x", { mode = -1 })
  cleanup(d)
end)

T.test("remount_ro: the mount, and with rec every mount below it, read-only; each keeps its own flags", function()
  local d = scratch()
  in_mount_ns(function()
    local root, sub = d .. "/root", d .. "/root/mnt"
    assert(ns.mount_tmpfs(root))                       -- nosuid, nodev
    assert(ns.mkdir(sub))
    assert(ns.mount(nil, sub, "tmpfs", { "noexec" }, nil))
    local function line(path) return T.read("/proc/self/mountinfo"):match("[^\n]* " .. path .. " ([^ ]*)") end
    assert(ns.remount_ro(root))
    T.fails(E.EROFS, "the mount itself", ns.mkdir(root .. "/x"))
    assert(ns.mkdir(sub .. "/x"), "without rec, the mount below stays writable")
    assert(ns.remount_ro(root, { rec = true }))
    T.fails(E.EROFS, "the mount below", ns.mkdir(sub .. "/y"))
    T.eq(line(root), "ro,nosuid,nodev,relatime")
    T.eq(line(sub), "ro,noexec,relatime")
    -- Not the root of a mount: EINVAL, and the message says what to do.
    T.eq(T.fails(E.EINVAL, "not a mount point", ns.remount_ro(sub .. "/x")),
      "remount_ro " .. sub .. "/x: Invalid argument (not a mount point: bind it onto itself first)")
    -- With {root=}, the path is resolved inside it.
    T.fails(E.ENOENT, "inside the root", ns.remount_ro("/nonexistent", { root = root }))
    return 0
  end)
  T.raises("bad argument #1 to 'remount_ro' (string expected, got no value)", ns.remount_ro)
  T.raises("unknown option 'recursive'", ns.remount_ro, "/", { recursive = true })
  T.raises("'rec': boolean expected", ns.remount_ro, "/", { rec = 1 })
  cleanup(d)
end)

os.exit(T.done())
