import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// Mounts a fresh procfs on `target` (nosuid, nodev, noexec), showing the
/// pid namespace of the caller.
///
/// The target is opened without following a symlink (a rootfs whose /proc is
/// a symlink makes this fail with ELOOP) and must be a directory (ENOTDIR);
/// the new proc is attached to that fd, never to a path resolved again.
public func mountProc(_ target: MountTarget) throws(SysError) {
    let dst = try openMountTarget(target, operation: "mount_proc")
    guard isDirectory(dst.raw) else { throw SysError(errno: ENOTDIR, operation: "mount_proc", object: target.description) }
    let proc = try newFilesystem("proc", options: [], attributes: LinuxABI.MOUNT_ATTR_NOSUID | LinuxABI.MOUNT_ATTR_NODEV | LinuxABI.MOUNT_ATTR_NOEXEC,
                                 operation: "mount_proc", object: target.description)
    try attach(proc.raw, onto: dst.raw, operation: "mount_proc", object: target.description)
}

/// Mounts a tmpfs on `target` with mount(8)-style `options` ("size=16m",
/// "mode=1777"; a word without '=' is a flag) and nosuid,nodev.
public func mountTmpfs(_ target: MountTarget, options: [(String, String?)]) throws(SysError) {
    let dst = try openMountTarget(target, operation: "mount_tmpfs")
    guard isDirectory(dst.raw) else { throw SysError(errno: ENOTDIR, operation: "mount_tmpfs", object: target.description) }
    let fs = try newFilesystem("tmpfs", options: options, attributes: LinuxABI.MOUNT_ATTR_NOSUID | LinuxABI.MOUNT_ATTR_NODEV,
                               operation: "mount_tmpfs", object: target.description)
    try attach(fs.raw, onto: dst.raw, operation: "mount_tmpfs", object: target.description)
}

/// The device nodes a minimal /dev binds from the host, as bwrap's --dev.
public let devNodes = ["null", "zero", "full", "random", "urandom", "tty"]

/// The symlinks of a minimal /dev: name → target.
public let devLinks: [(String, String)] = [
    ("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"),
    ("stderr", "/proc/self/fd/2"), ("core", "/proc/kcore"), ("ptmx", "pts/ptmx"),
]

/// Builds a minimal /dev on `target`, as bwrap's `--dev`: a tmpfs (0755,
/// nosuid, noexec) holding null, zero, full, random, urandom and tty bound
/// from the host's /dev, a private devpts instance at pts with ptmx linked to
/// it, a tmpfs at shm (1777), and the fd, stdin, stdout, stderr, core links.
///
/// The host's nodes are cloned first, so `target` may be the host's own
/// /dev (in a mount namespace of the caller's). Every entry is created
/// relative to the new tmpfs's own fd, so no path inside it is resolved
/// through anything a sandbox could have planted. On a
/// failure, the half-built /dev is detached again and the error names the
/// step ("mount_dev /dev (bind tty): ...").
public func mountDev(_ target: MountTarget) throws(SysError) {
    let op = "mount_dev", object = target.description
    let dst = try openMountTarget(target, operation: op)
    guard isDirectory(dst.raw) else { throw SysError(errno: ENOTDIR, operation: op, object: object) }
    // The host's nodes are cloned before the new tmpfs is attached: on the
    // host's own /dev (no rootfs), "/dev/null" would afterwards name the
    // tmpfs's empty file.
    var nodes: [Int32] = []
    defer { for fd in nodes { close(fd) } }
    for name in devNodes {
        let node = nsrun_sys_open_tree(AT_FDCWD, "/dev/\(name)", LinuxABI.OPEN_TREE_CLONE | UInt32(O_CLOEXEC))
        if node < 0 { throw SysError.last(op, "\(object) (bind /dev/\(name))").hinted(.detachedMount) }
        nodes.append(node)
    }
    let dev = try newFilesystem("tmpfs", options: [("mode", "0755"), ("size", "64k")],
                                attributes: LinuxABI.MOUNT_ATTR_NOSUID | LinuxABI.MOUNT_ATTR_NOEXEC,
                                operation: op, object: object)
    try attach(dev.raw, onto: dst.raw, operation: op, object: object)
    do {
        try populateDev(dev.raw, nodes: nodes, object: object)
    } catch {
        // The tmpfs is attached; take it (and the binds in it) away again,
        // through its own fd, once /proc is known to be procfs.
        if let fdDir = try? ProcFile.openDirectory("self/fd", operation: "mount_dev") {
            close(fdDir)
            _ = umount2("/proc/self/fd/\(dev.raw)", Int32(MNT_DETACH))
        }
        throw error
    }
}

/// Fills the new /dev: `nodes` are the host's, cloned in `devNodes` order.
private func populateDev(_ dev: Int32, nodes: [Int32], object: String) throws(SysError) {
    let op = "mount_dev"
    for (name, tree) in zip(devNodes, nodes) {
        let f = openat(dev, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0o666)
        if f < 0 { throw SysError.last(op, "\(object) (create \(name))") }
        close(f)
        let spot = openat(dev, name, OpenFlags.path | O_NOFOLLOW | O_CLOEXEC)
        if spot < 0 { throw SysError.last(op, "\(object) (open \(name))") }
        let target = OwnedFD(spot)
        try attach(tree, onto: target.raw, operation: op, object: "\(object) (bind \(name))")
    }
    for (name, link) in devLinks where symlinkat(link, dev, name) < 0 {
        throw SysError.last(op, "\(object) (symlink \(name))")
    }
    for (dir, mode) in [("pts", mode_t(0o755)), ("shm", mode_t(0o1777))] {
        if mkdirat(dev, dir, mode) < 0 { throw SysError.last(op, "\(object) (mkdir \(dir))") }
    }
    // A private devpts instance: the sandbox's ptys are not the host's.
    let pts = try newFilesystem("devpts", options: [("newinstance", nil), ("ptmxmode", "0666"), ("mode", "620")],
                                attributes: LinuxABI.MOUNT_ATTR_NOSUID | LinuxABI.MOUNT_ATTR_NOEXEC,
                                operation: op, object: "\(object) (devpts)")
    try attachInside(dev, "pts", pts.raw, object: "\(object) (devpts)")
    let shm = try newFilesystem("tmpfs", options: [("mode", "1777")],
                                attributes: LinuxABI.MOUNT_ATTR_NOSUID | LinuxABI.MOUNT_ATTR_NODEV,
                                operation: op, object: "\(object) (shm)")
    try attachInside(dev, "shm", shm.raw, object: "\(object) (shm)")
}

private func attachInside(_ dir: Int32, _ name: String, _ mountFD: Int32, object: String) throws(SysError) {
    let spot = openat(dir, name, OpenFlags.path | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC)
    if spot < 0 { throw SysError.last("mount_dev", object) }
    let target = OwnedFD(spot)
    try attach(mountFD, onto: target.raw, operation: "mount_dev", object: object)
}
