import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// Why setns refuses `nstype`, or nil: only CLONE_NEW* bits (0 means "any
/// kind", for an fd of a /proc/PID/ns/* file). Pure logic.
public func setnsRefusal(_ nstype: CloneFlags) -> String? {
    let extra = nstype.subtracting(Namespaces.flags)
    if extra.isEmpty { return nil }
    return "setns does not take \(extra.description) (only CLONE_NEW* flags)"
}

/// setns(2): moves the caller into the namespaces `fd` refers to.
///
/// - `fd` a pidfd (Linux ≥ 5.8): joins the namespaces of that process that
///   `nstype` names (one or several CLONE_NEW*; 0 is EINVAL), all at once:
///   either every one is joined or none.
/// - `fd` an open /proc/PID/ns/* file: joins that namespace; `nstype` is 0
///   (any) or the flag of its kind (EINVAL on a mismatch).
/// - Joining CLONE_NEWPID (and CLONE_NEWTIME for future threads) affects
///   the caller's future children, not the caller. Joining a mount
///   namespace changes the caller's root and working directory to its root.
///
/// EPERM without CAP_SYS_ADMIN over the target namespace (CAP_SYS_CHROOT
/// too for a mount namespace); EINVAL for a bad nstype, for one's own user
/// namespace, or a multi-threaded caller joining a user namespace; ESRCH
/// for a pidfd whose process has exited; EBADF for a closed fd.
public func setNamespace(fd: Int32, nstype: CloneFlags) throws(SysError) {
    if nsrun_sys_setns(fd, Int32(truncatingIfNeeded: nstype.rawValue)) < 0 {
        let e = errno; throw SysError(errno: e, operation: "setns", object: nstype.isEmpty ? "fd \(fd)" : "fd \(fd) \(nstype.description)")
    }
}
