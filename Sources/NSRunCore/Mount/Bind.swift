import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// What a bind mount should look like from its first instant.
public struct BindOptions: Sendable, Equatable {
    public var readOnly = false
    public var recursive = false
    public var nosuid = false
    public var nodev = false
    public var noexec = false
    public init() {}

    var attributes: UInt64 {
        (readOnly ? LinuxABI.MOUNT_ATTR_RDONLY : 0) | (nosuid ? LinuxABI.MOUNT_ATTR_NOSUID : 0)
            | (nodev ? LinuxABI.MOUNT_ATTR_NODEV : 0) | (noexec ? LinuxABI.MOUNT_ATTR_NOEXEC : 0)
    }
}

/// Bind-mounts `source` (a path as the caller sees it) onto `target`.
///
/// - The source tree is cloned detached (open_tree OPEN_TREE_CLONE, with
///   AT_RECURSIVE when `recursive`), its attributes set while still detached
///   (mount_setattr, recursively), then attached with move_mount onto the
///   target's O_PATH fd. So a read-only bind is read-only from the moment it
///   appears, submounts included — no window between bind and remount.
/// - The target is resolved by `openMountTarget` (never through a symlink,
///   inside `target.root` when given) and must exist, a directory for a
///   directory source (ENOTDIR otherwise) and a file for a file source
///   (EISDIR otherwise).
/// - Errors: "bind SOURCE: ..." for the source, "bind TARGET: ..." for the target.
public func bind(source: String, target: MountTarget, options: BindOptions) throws(SysError) {
    let treeFlags = LinuxABI.OPEN_TREE_CLONE | UInt32(O_CLOEXEC) | UInt32(options.recursive ? LinuxABI.AT_RECURSIVE : 0)
    let t = nsrun_sys_open_tree(AT_FDCWD, source, treeFlags)
    if t < 0 { throw SysError.last("bind", source).hinted(.detachedMount) }
    let tree = OwnedFD(t)
    let attributes = options.attributes
    if attributes != 0 {
        let flags = UInt32(AT_EMPTY_PATH) | UInt32(options.recursive ? LinuxABI.AT_RECURSIVE : 0)
        if nsrun_sys_mount_setattr(tree.raw, "", flags, attributes, 0, 0) < 0 {
            throw SysError.last("bind", "\(source) (set attributes)")
        }
    }
    let dst = try openMountTarget(target, operation: "bind")
    if isDirectory(tree.raw) != isDirectory(dst.raw) {
        throw SysError(errno: isDirectory(tree.raw) ? ENOTDIR : EISDIR, operation: "bind", object: target.description)
    }
    try attach(tree.raw, onto: dst.raw, operation: "bind", object: target.description)
}
