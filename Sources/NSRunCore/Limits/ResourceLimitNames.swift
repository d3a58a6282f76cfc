#if canImport(Glibc)
import Glibc
#endif

/// Resource limits by the names prlimit(1) uses for its options (`nofile`
/// for `--nofile`), with this architecture's RLIMIT_* numbers. Pure.
public enum ResourceLimits {
    /// Name → RLIMIT_* number, sorted by name.
    public static let all: [(name: String, resource: Int32)] = [
        ("as", Int32(RLIMIT_AS.rawValue)),
        ("core", Int32(RLIMIT_CORE.rawValue)),
        ("cpu", Int32(RLIMIT_CPU.rawValue)),
        ("data", Int32(RLIMIT_DATA.rawValue)),
        ("fsize", Int32(RLIMIT_FSIZE.rawValue)),
        ("locks", Int32(__RLIMIT_LOCKS.rawValue)),
        ("memlock", Int32(__RLIMIT_MEMLOCK.rawValue)),
        ("msgqueue", Int32(__RLIMIT_MSGQUEUE.rawValue)),
        ("nice", Int32(__RLIMIT_NICE.rawValue)),
        ("nofile", Int32(RLIMIT_NOFILE.rawValue)),
        ("nproc", Int32(__RLIMIT_NPROC.rawValue)),
        ("rss", Int32(__RLIMIT_RSS.rawValue)),
        ("rtprio", Int32(__RLIMIT_RTPRIO.rawValue)),
        ("rttime", Int32(__RLIMIT_RTTIME.rawValue)),
        ("sigpending", Int32(__RLIMIT_SIGPENDING.rawValue)),
        ("stack", Int32(RLIMIT_STACK.rawValue)),
    ]

    /// The RLIMIT_* number for `"nofile"`, `"NOFILE"` or `"RLIMIT_NOFILE"`
    /// (any case); nil for an unknown name.
    public static func resource(named name: String) -> Int32? {
        all.first { ASCIINames.matches(name, $0.name, optionalPrefix: "rlimit_") }?.resource
    }

    /// The prlimit(1) name of RLIMIT_* number `resource`.
    public static func name(of resource: Int32) -> String? {
        all.first { $0.resource == resource }?.name
    }
}

/// A soft and a hard limit. `ResourceLimit.unlimited` (UInt64.max) stands
/// for RLIM_INFINITY; every other value is a count in the resource's unit.
public struct ResourceLimit: Equatable, Sendable {
    public static let unlimited = UInt64.max

    public let soft: UInt64
    public let hard: UInt64

    /// Throws a UsageError when `soft` is above `hard` (the kernel would
    /// answer EINVAL): "soft limit 32 is above the hard limit 16".
    public init(soft: UInt64, hard: UInt64) throws(UsageError) {
        guard soft <= hard else {
            throw UsageError("soft limit \(ResourceLimit.describe(soft)) is above the hard limit \(ResourceLimit.describe(hard))")
        }
        self.soft = soft
        self.hard = hard
    }

    /// Values the kernel reported: it keeps soft <= hard.
    init(fromKernel soft: UInt64, _ hard: UInt64) {
        self.soft = min(soft, hard)
        self.hard = hard
    }

    /// A value as written: `"unlimited"`, or its decimal digits.
    public static func describe(_ v: UInt64) -> String { v == unlimited ? "unlimited" : String(v) }

    /// Parses a limit given as text: only `"unlimited"` (exactly, as
    /// prlimit(1) writes it); numbers come as integers, never as strings.
    public static func value(named text: String) -> UInt64? { text == "unlimited" ? unlimited : nil }

    /// A limit given as an integer: 0 ... Int64.max (a negative value is nil).
    public static func value(_ n: Int64) -> UInt64? { n < 0 ? nil : UInt64(n) }

    /// "16:16", "16:unlimited": soft:hard as prlimit(1) reads them.
    public var description: String { "\(ResourceLimit.describe(soft)):\(ResourceLimit.describe(hard))" }
}
