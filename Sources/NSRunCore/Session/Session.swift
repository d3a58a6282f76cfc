#if canImport(Glibc)
import Glibc
#endif

/// setsid(2): makes the caller the leader of a new session and of a new
/// process group, with no controlling terminal; returns the session id (the
/// caller's pid). Afterwards a terminal fd the caller still holds is not its
/// controlling terminal, so TIOCSTI on it needs CAP_SYS_ADMIN in the initial
/// user namespace (CVE-2017-5226). EPERM when the caller already leads a
/// process group (a fresh clone child never does): "setsid: Operation not permitted".
public func createSession() throws(SysError) -> pid_t {
    let sid = setsid()
    if sid < 0 { throw SysError.last("setsid") }
    return sid
}

/// getsid(2) of `pid` (0: the caller). ESRCH when there is no such process:
/// "getsid 123: No such process".
public func sessionID(of pid: pid_t) throws(SysError) -> pid_t {
    let sid = getsid(pid)
    if sid < 0 { let e = errno; throw SysError(errno: e, operation: "getsid", object: "\(pid)") }
    return sid
}
