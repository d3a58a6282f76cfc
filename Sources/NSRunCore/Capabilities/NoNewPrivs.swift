import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// prctl(PR_SET_NO_NEW_PRIVS, 1): from now on execve never grants
/// privileges — setuid/setgid bits and file capabilities are ignored — for
/// the caller and every descendant. It can not be unset. Needs no
/// privilege; seccomp filters installed by an unprivileged process require
/// it. Fails only on kernels before 3.5 (EINVAL: "no_new_privs: Invalid argument").
public func setNoNewPrivs() throws(SysError) {
    if nsrun_sys_prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 { throw SysError.last("no_new_privs") }
}

/// prctl(PR_GET_NO_NEW_PRIVS): whether the caller has no_new_privs set.
public func hasNoNewPrivs() throws(SysError) -> Bool {
    let r = nsrun_sys_prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
    if r < 0 { throw SysError.last("no_new_privs") }
    return r == 1
}
