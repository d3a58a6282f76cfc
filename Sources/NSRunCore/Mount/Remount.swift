import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// Makes the mount at `target` read-only, and with `recursive` every mount
/// below it too, in place: mount_setattr(2) sets MOUNT_ATTR_RDONLY and
/// clears nothing, so each mount keeps its own nosuid, nodev, noexec and
/// atime flags (bwrap's --remount-ro; crun's "rro" when recursive).
///
/// - `target` must be the root of a mount (EINVAL otherwise, with a hint);
///   it is opened by `openMountTarget` (no final symlink, inside
///   `target.root` when given) and acted on through that fd.
/// - Acts on the caller's mount namespace: in a namespace of its own (a
///   clone with CLONE_NEWNS), the host's mounts are not touched.
/// - All or nothing: the kernel checks every mount of the tree before it
///   changes one (EBUSY if a file is open for writing on any of them).
/// - Errors: "remount_ro PATH: <strerror>".
public func remountReadOnly(_ target: MountTarget, recursive: Bool) throws(SysError) {
    let dst = try openMountTarget(target, operation: "remount_ro")
    let flags = UInt32(AT_EMPTY_PATH) | UInt32(recursive ? LinuxABI.AT_RECURSIVE : 0)
    if nsrun_sys_mount_setattr(dst.raw, "", flags, LinuxABI.MOUNT_ATTR_RDONLY, 0, 0) < 0 {
        let e = errno
        let error = SysError(errno: e, operation: "remount_ro", object: target.description)
        throw e == EINVAL ? error.withHint("not a mount point: bind it onto itself first") : error
    }
}
