import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// Makes `new` refer to the same open file as `old`, meant to be inherited
/// by a program exec'd later: `new` is NOT close-on-exec.
///
/// - `old != new`: dup3(old, new, 0). If `new` was open it is closed first,
///   atomically. The kernel refuses with EBADF (old not open, new out of
///   range of RLIMIT_NOFILE); EBUSY is retried as dup2(3) would not be.
/// - `old == new`: checks that `old` is open (EBADF otherwise) and clears
///   its FD_CLOEXEC flag: the way to hand an fd nsrun opened (close-on-exec
///   from birth) to an exec'd program under the same number.
///
/// Returns `new`. EINTR is retried.
public func dupTo(_ old: Int32, _ new: Int32) throws(SysError) -> Int32 {
    if old == new {
        let flags = fcntl(old, F_GETFD)
        if flags < 0 { let e = errno; throw SysError(errno: e, operation: "dup2", object: "fd \(old) to \(new)") }
        if flags & FD_CLOEXEC != 0, fcntl(old, F_SETFD, flags & ~FD_CLOEXEC) < 0 {
            let e = errno; throw SysError(errno: e, operation: "dup2", object: "fd \(old) to \(new)")
        }
        return new
    }
    var r: Int32
    repeat { r = nsrun_sys_dup3(old, new, 0) } while r < 0 && (errno == EINTR || errno == EBUSY)
    if r < 0 { let e = errno; throw SysError(errno: e, operation: "dup2", object: "fd \(old) to \(new)") }
    return r
}

/// fcntl(F_DUPFD_CLOEXEC): a new, close-on-exec fd for the same open file,
/// the lowest free number at or above `minimum`. EBADF for a closed `fd`,
/// EMFILE when RLIMIT_NOFILE leaves no number free.
public func duplicate(_ fd: Int32, minimum: Int32) throws(SysError) -> Int32 {
    let r = fcntl(fd, F_DUPFD_CLOEXEC, minimum)
    if r < 0 { let e = errno; throw SysError(errno: e, operation: "dup", object: "fd \(fd)") }
    return r
}
