import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// pidfd_open(2): a close-on-exec pidfd referring to `pid`.
///
/// The pidfd pins the process's identity: signals sent through it can never
/// reach a later process that reuses the pid. Fails with ESRCH when no such
/// process exists, EINVAL when `pid` is not a thread-group leader.
public func pidfdOpen(_ pid: pid_t) throws(SysError) -> Int32 {
    let fd = nsrun_sys_pidfd_open(pid, 0)
    if fd < 0 { throw SysError.last("pidfd_open", "\(pid)") }
    return fd
}

/// pidfd_send_signal(2): sends `signal` (0 probes liveness) to the process
/// behind `pidfd`. ESRCH once the process has exited *and been reaped*; a
/// zombie still accepts signal 0.
public func pidfdSendSignal(_ pidfd: Int32, _ signal: Int32, flags: UInt32 = 0) throws(SysError) {
    if nsrun_sys_pidfd_send_signal(pidfd, signal, flags) < 0 {
        throw SysError.last("pidfd_send_signal", "pidfd \(pidfd) \(Signals.name(of: signal))")
    }
}

/// How a child ended, as waitid(2) reports it.
public enum WaitStatus: Sendable, Equatable {
    /// Exited with `code` (0–255).
    case exited(Int32)
    /// Killed by `signal`; `coreDumped` when it left a core.
    case signaled(Int32, coreDumped: Bool)
    /// WNOHANG and the child is still running.
    case running
}

/// What a reaped child used, itself and the descendants it waited for.
public struct ChildUsage: Sendable, Equatable {
    public var userSeconds: Double = 0
    public var systemSeconds: Double = 0
    /// Peak resident set size, in KiB.
    public var maxRSS: Int64 = 0
    public init() {}
}

/// waitid(P_PIDFD, pidfd, WEXITED [| WNOHANG] | __WALL): reaps the child
/// behind `pidfd` (EINTR is retried). ECHILD when it is not our child or was
/// already reaped.
public func waitPidfd(_ pidfd: Int32, noHang: Bool = false) throws(SysError) -> WaitStatus {
    var usage = ChildUsage()
    return try waitPidfd(pidfd, noHang: noHang, usage: &usage)
}

/// `waitPidfd`, also reporting the child's own resource usage (the raw
/// waitid's rusage: only this child and what it reaped, unlike
/// getrusage(RUSAGE_CHILDREN), whose peak RSS covers every child ever).
public func waitPidfd(_ pidfd: Int32, noHang: Bool, usage: inout ChildUsage) throws(SysError) -> WaitStatus {
    var code: Int32 = 0, status: Int32 = 0, pid: pid_t = 0
    var raw = nsrun_wait_usage()
    if nsrun_sys_waitid_pidfd_usage(pidfd, WEXITED | (noHang ? WNOHANG : 0), &code, &status, &pid, &raw) < 0 {
        throw SysError.last("waitid", "pidfd \(pidfd)")
    }
    usage.userSeconds = Double(raw.user_us) / 1e6
    usage.systemSeconds = Double(raw.system_us) / 1e6
    usage.maxRSS = raw.maxrss_kb
    if pid == 0 { return .running }
    switch code {
    case Int32(CLD_EXITED): return .exited(status)
    case Int32(CLD_DUMPED): return .signaled(status, coreDumped: true)
    default: return .signaled(status, coreDumped: false)
    }
}

/// Raw getpid(2), from the kernel, never a libc cache: right after a raw
/// clone, and inside a new pid namespace (where it is 1 for the first child).
public func rawGetpid() -> pid_t { nsrun_sys_getpid() }

/// Raw gettid(2).
public func rawGettid() -> pid_t { nsrun_sys_gettid() }

/// Flushes every C stdio stream; called before clone and exec.
public func flushStdio() { nsrun_sys_flush_stdio() }

/// Waits for the child of `pidfd` to end, whatever its status, and closes
/// the pidfd: for a child that is being abandoned (killed, or known to
/// have exited), so that no zombie and no fd is left behind.
func reapAndClose(_ pidfd: Int32) {
    var code: Int32 = 0, status: Int32 = 0, reaped: pid_t = 0
    _ = nsrun_sys_waitid_pidfd(pidfd, WEXITED, &code, &status, &reaped)
    close(pidfd)
}
