import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// What unshare(2) may be asked for: the CLONE_NEW* flags, and CLONE_FILES,
/// CLONE_FS and CLONE_SYSVSEM (stop sharing the fd table, the filesystem
/// attributes, System V semaphore undo lists).
public let unshareAllowed: CloneFlags = Namespaces.flags.union([.files, .fs, .sysvsem])

/// Why unshare refuses `flags`, or nil. Any bit outside `unshareAllowed`
/// (CLONE_VM, CLONE_THREAD, signal bits, unknown bits) is refused: unshare
/// would otherwise return EINVAL, or, for CLONE_VM/CLONE_SIGHAND/
/// CLONE_THREAD, silently accept them for a single-threaded caller. Pure logic.
public func unshareRefusal(_ flags: CloneFlags) -> String? {
    let extra = flags.subtracting(unshareAllowed)
    if extra.isEmpty { return nil }
    return "unshare does not take \(extra.description) (only CLONE_NEW*, CLONE_FILES, CLONE_FS, CLONE_SYSVSEM)"
}

/// unshare(2): moves the caller into new namespaces (CLONE_NEWPID and
/// CLONE_NEWTIME: its future children). `flags` must pass
/// `unshareRefusal` (the caller checks). EPERM without CAP_SYS_ADMIN (or,
/// for CLONE_NEWUSER, in a chroot or with an unmapped uid/gid); EINVAL when
/// the kernel lacks a namespace; ENOSPC at a namespace count limit or the
/// nesting limit. EPERM for CLONE_NEWUSER and ENOSPC carry a hint (`Hints`).
public func unshareNamespaces(_ flags: CloneFlags) throws(SysError) {
    if nsrun_sys_unshare(Int32(truncatingIfNeeded: flags.rawValue)) < 0 {
        let e = errno
        throw SysError(errno: e, operation: "unshare", object: flags.description).hinted(.namespaces(flags))
    }
}
