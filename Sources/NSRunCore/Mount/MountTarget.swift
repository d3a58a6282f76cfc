import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// How a mount target is named by a recipe: a path, optionally inside a new
/// root. With a root, the path is resolved as if `root` were `/`: `..` and
/// absolute symlinks stay inside it (openat2 RESOLVE_IN_ROOT), so a symlink
/// `rootfs/mnt/t → /etc` can never lead to the host's /etc.
public struct MountTarget: Sendable {
    public let path: String
    public let root: String?

    public init(_ path: String, root: String? = nil) {
        self.path = path
        self.root = root
    }

    /// "/proc" or "/proc (in /srv/rootfs)", for messages.
    public var description: String { root.map { "\(path) (in \($0))" } ?? path }
}

/// Opens a mount target as an O_PATH fd, the object every later step acts on,
/// so nothing resolves the path twice (no window for a symlink exchange).
///
/// - The last component is never followed: a target that is itself a
///   symlink is refused with ELOOP (a rootfs whose /proc is a symlink cannot
///   redirect mount_proc).
/// - With a root, resolution happens in it (RESOLVE_IN_ROOT); magic links
///   (/proc/PID/fd/N, /proc/PID/root) are never followed on the way.
/// - `operation` names the caller in the error ("mount_proc /proc: ...").
public func openMountTarget(_ target: MountTarget, operation: String) throws(SysError) -> OwnedFD {
    let flags = UInt64(OpenFlags.path | O_NOFOLLOW | O_CLOEXEC)
    var resolve = LinuxABI.RESOLVE_NO_MAGICLINKS
    var dirfd = AT_FDCWD
    var rootFD: Int32 = -1
    if let root = target.root {
        rootFD = nsrun_sys_openat2(AT_FDCWD, root, UInt64(OpenFlags.path | O_DIRECTORY | O_CLOEXEC), 0, 0)
        if rootFD < 0 { throw SysError.last(operation, "root \(root)") }
        dirfd = rootFD
        resolve |= LinuxABI.RESOLVE_IN_ROOT
    }
    defer { if rootFD >= 0 { close(rootFD) } }
    // EAGAIN (a rename or mount raced a `..` under RESOLVE_IN_ROOT) and
    // EINTR are retried there, with a backoff.
    let fd = openat2Retrying(dirfd, target.path, flags: flags, resolve: resolve)
    if fd < 0 { throw SysError.last(operation, target.description) }
    let owned = OwnedFD(fd)
    var st = stat()
    if fstat(fd, &st) < 0 { throw SysError.last(operation, target.description) }
    if (st.st_mode & S_IFMT) == S_IFLNK {
        throw SysError(errno: ELOOP, operation: operation, object: "\(target.description) is a symlink, refused")
    }
    return owned
}

/// Whether `fd` is a directory.
func isDirectory(_ fd: Int32) -> Bool {
    var st = stat()
    return fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
}

/// Attaches the detached mount `mountFD` on the target `targetFD` (both fds,
/// no path resolution): move_mount with both EMPTY_PATH flags. ENOSPC (the
/// mount namespace is at fs.mount-max) carries a hint.
func attach(_ mountFD: Int32, onto targetFD: Int32, operation: String, object: String) throws(SysError) {
    if nsrun_sys_move_mount(mountFD, "", targetFD, "",
                            LinuxABI.MOVE_MOUNT_F_EMPTY_PATH | LinuxABI.MOVE_MOUNT_T_EMPTY_PATH) < 0 {
        throw SysError.last(operation, object).hinted(.mountAttach)
    }
}

/// A new, detached filesystem mount: fsopen, string options, create, fsmount.
/// `options` are (key, value) pairs; a nil value sets a flag option. The
/// source (what mount(8) shows) is `source`, else the filesystem type.
/// ENOSPC from fsmount (the detached mount's anonymous mount namespace is
/// over max_mnt_namespaces) carries a hint.
func newFilesystem(_ fstype: String, source: String? = nil, options: [(String, String?)], attributes: UInt64,
                   operation: String, object: String) throws(SysError) -> OwnedFD {
    let fs = nsrun_sys_fsopen(fstype, LinuxABI.FSOPEN_CLOEXEC)
    if fs < 0 { throw SysError.last(operation, "\(object) (fsopen \(fstype))") }
    let context = OwnedFD(fs)
    // "proc on /proc type proc", as mount(8) shows classic mounts, not "none".
    // Set apart from `options`, not prepended to them: a new array of tuples
    // has its metadata built from a mangled name at run time (callgrind).
    let shown = source ?? fstype
    if nsrun_sys_fsconfig(context.raw, LinuxABI.FSCONFIG_SET_STRING, "source", shown, 0) < 0 {
        throw SysError.last(operation, "\(object) (option source=\(shown))")
    }
    for (key, value) in options {
        let r = value.map { nsrun_sys_fsconfig(context.raw, LinuxABI.FSCONFIG_SET_STRING, key, $0, 0) }
            ?? nsrun_sys_fsconfig(context.raw, LinuxABI.FSCONFIG_SET_FLAG, key, nil as UnsafePointer<CChar>?, 0)
        if r < 0 { throw SysError.last(operation, "\(object) (option \(key)\(value.map { "=\($0)" } ?? ""))") }
    }
    if nsrun_sys_fsconfig(context.raw, LinuxABI.FSCONFIG_CMD_CREATE, nil as UnsafePointer<CChar>?, nil as UnsafePointer<CChar>?, 0) < 0 {
        throw SysError.last(operation, "\(object) (create \(fstype))")
    }
    let m = nsrun_sys_fsmount(context.raw, LinuxABI.FSMOUNT_CLOEXEC, UInt32(attributes))
    if m < 0 { throw SysError.last(operation, "\(object) (fsmount \(fstype))").hinted(.detachedMount) }
    return OwnedFD(m)
}
