import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// Which child `waitForChild` reaps.
public enum WaitTarget: Equatable, Sendable {
    /// Any child (waitpid(-1)): what an init does to reap orphans, which the
    /// kernel reparents to the pid namespace's pid 1 (or to a subreaper).
    case any
    /// The child with this pid (> 0).
    case pid(pid_t)

    /// -1 → any, a positive pid → that child; nil for 0 and other negative
    /// values (process groups, which nsrun does not wait for).
    public init?(_ value: Int64) {
        if value == -1 { self = .any; return }
        guard (1...Int64(Int32.max)).contains(value) else { return nil }
        self = .pid(pid_t(value))
    }

    var text: String {
        switch self {
        case .any: "-1"
        case .pid(let p): "\(p)"
        }
    }
}

/// A child that `waitForChild` reaped, and how it ended.
public struct ReapedChild: Equatable, Sendable {
    public let pid: pid_t
    public let status: WaitStatus
    public init(pid: pid_t, status: WaitStatus) { self.pid = pid; self.status = status }
}

extension WaitStatus {
    /// From waitid's si_code and si_status: CLD_EXITED → `.exited(status)`,
    /// CLD_DUMPED → `.signaled(status, coreDumped: true)`, anything else
    /// (CLD_KILLED) → `.signaled(status, coreDumped: false)`. Pure logic.
    public init(childCode code: Int32, status: Int32) {
        switch code {
        case Int32(CLD_EXITED): self = .exited(status)
        case Int32(CLD_DUMPED): self = .signaled(status, coreDumped: true)
        default: self = .signaled(status, coreDumped: false)
        }
    }
}

/// waitid(P_ALL or P_PID, WEXITED | __WALL [| WNOHANG]): reaps one child of
/// the caller that has exited and returns its pid and status; with `noHang`,
/// nil when children exist but none has exited yet. Children are found
/// whatever their exit signal (`__WALL`), and stopped ones are not reported.
/// EINTR is retried.
///
/// A child is reaped once: by this, by `waitPidfd`, or by nobody. Reaping a
/// child through `.any` closes no pidfd that still refers to it; a later
/// `waitPidfd` on that pidfd fails with ECHILD.
///
/// Fails with ECHILD when the caller has no (such) child left to wait for:
/// "waitpid -1: No child processes".
public func waitForChild(_ target: WaitTarget, noHang: Bool = false) throws(SysError) -> ReapedChild? {
    let pid: pid_t
    switch target {
    case .any: pid = -1
    case .pid(let p): pid = p
    }
    var code: Int32 = 0, status: Int32 = 0, reaped: pid_t = 0
    var r: Int32
    repeat {
        r = nsrun_sys_wait_child(pid, noHang ? 1 : 0, &code, &status, &reaped)
    } while r < 0 && errno == EINTR
    if r < 0 { throw SysError.last("waitpid", target.text) }
    if reaped == 0 { return nil }
    return ReapedChild(pid: reaped, status: WaitStatus(childCode: code, status: status))
}
