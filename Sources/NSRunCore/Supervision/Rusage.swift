import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// Whose resources `resourceUsage` reports.
public enum RusageTarget: String, CaseIterable, Sendable {
    /// The caller (RUSAGE_SELF).
    case process = "self"
    /// Every child the caller has reaped, and every descendant those had
    /// reaped (RUSAGE_CHILDREN). A child that has not been waited for does
    /// not count yet.
    case children
}

/// CPU time and peak memory, as getrusage(2) reports them.
public struct ResourceUsage: Equatable, Sendable {
    /// User and system CPU time, in microseconds.
    public let userMicroseconds: Int64
    public let systemMicroseconds: Int64
    /// Peak resident set size, in KiB. For children: the largest of any one
    /// of them, not a sum. A process keeps the peak it had before an
    /// execve, so an exec'd program reports at least its launcher's.
    public let maxRSSKiB: Int64

    public init(userMicroseconds: Int64, systemMicroseconds: Int64, maxRSSKiB: Int64) {
        self.userMicroseconds = userMicroseconds
        self.systemMicroseconds = systemMicroseconds
        self.maxRSSKiB = maxRSSKiB
    }

    /// The CPU times in seconds. Pure logic.
    public var userSeconds: Double { Double(userMicroseconds) / 1e6 }
    public var systemSeconds: Double { Double(systemMicroseconds) / 1e6 }
}

/// getrusage(2) of `target`. Usage of children is cumulative over the
/// caller's life: to measure one child, take the difference of the times
/// before and after reaping it; maxrss is then the largest of every child
/// reaped so far, an upper bound for that one. Fails only with
/// EFAULT/EINVAL, which cannot happen here.
public func resourceUsage(_ target: RusageTarget) throws(SysError) -> ResourceUsage {
    var user: Int64 = 0, system: Int64 = 0, rss: Int64 = 0
    if nsrun_sys_rusage(target == .children ? 1 : 0, &user, &system, &rss) < 0 {
        throw SysError.last("getrusage", target.rawValue)
    }
    return ResourceUsage(userMicroseconds: user, systemMicroseconds: system, maxRSSKiB: rss)
}
