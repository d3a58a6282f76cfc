#if canImport(Glibc)
import Glibc
#endif

/// kill(2): sends `signal` (0 probes whether the target exists) as kill(2)
/// reads `pid`: > 0 that process, 0 the caller's process group, -1 every
/// process the caller may signal except itself and its namespace's init (in
/// a pid namespace: every process in it, which is how an init forwards a
/// signal to all it supervises), < -1 the process group -pid.
///
/// Prefer `pidfdSendSignal` for one child: a pid can be reused once the
/// process is reaped, a pidfd cannot. kill is for what a pidfd cannot name:
/// groups, -1, and processes known only by pid (orphans an init reaps).
///
/// Fails with ESRCH (no such process or group), EPERM (not allowed to
/// signal it): "kill 4198625 SIGTERM: No such process".
public func sendSignal(_ signal: Int32, to pid: pid_t) throws(SysError) {
    if kill(pid, signal) < 0 {
        throw SysError.last("kill", "\(pid) \(Signals.name(of: signal))")
    }
}
