import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// prctl(PR_SET_PDEATHSIG): the caller receives `signal` (1...64; 0 clears
/// it) when its parent exits, so a sandbox does not outlive a supervisor
/// that dies, even by SIGKILL.
///
/// The kernel's rules, which a caller must follow for it to work:
/// - "Parent" is the *thread* that created the caller (nsrun has one).
/// - It is not inherited by children (each process sets its own) but it is
///   kept across execve, except the exec of a set-user-ID, set-group-ID or
///   file-capability program, which clears it.
/// - Changing credentials clears it: a new effective or filesystem uid or
///   gid (setresuid, setresgid), or gaining capabilities. Set it after the
///   last such change (dropping capabilities keeps it).
/// - It is a race: if the parent has already exited when it is set, nothing
///   is ever sent. Check afterwards that the parent is still the expected
///   one: `rawGetppid()` is then another pid (the reaper that adopted the
///   caller). In a new pid namespace the parent is outside and getppid is 0
///   whatever happens; there, poll a pidfd of the parent opened before the
///   clone (readable once it has exited).
///
/// Fails with EINVAL for a signal out of range:
/// "prctl PR_SET_PDEATHSIG 99: Invalid argument".
public func setParentDeathSignal(_ signal: Int32) throws(SysError) {
    if nsrun_sys_prctl_pdeathsig(signal) < 0 {
        throw SysError.last("prctl", "PR_SET_PDEATHSIG \(signal == 0 ? "0" : Signals.name(of: signal))")
    }
}

/// prctl(PR_GET_PDEATHSIG): the caller's parent-death signal, 0 when none.
public func parentDeathSignal() throws(SysError) -> Int32 {
    var signal: Int32 = 0
    if nsrun_sys_prctl_get_pdeathsig(&signal) < 0 { throw SysError.last("prctl", "PR_GET_PDEATHSIG") }
    return signal
}

/// Raw getppid(2): the parent's pid as seen from the caller's pid
/// namespace; 0 when the parent is outside it (the namespace's pid 1). After
/// the parent exits it is the pid of the reaper that adopted the caller:
/// the namespace's init or the nearest subreaper.
public func rawGetppid() -> pid_t { nsrun_sys_getppid() }
