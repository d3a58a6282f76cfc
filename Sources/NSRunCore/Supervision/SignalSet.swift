#if canImport(Glibc)
import Glibc
#endif

/// A set of signals to block, unblock or read through a signalfd: bit n-1
/// of `bits` stands for signal n (1...64), the layout the kernel's sigset
/// uses and `nsrun_supervision.h` passes to C. Pure logic, no syscall.
///
/// Refused members (`refusal(of:)`), for what a mask can never do:
/// - SIGKILL and SIGSTOP: the kernel silently leaves them out of every mask
///   and never queues them on a signalfd, so asking for them is a mistake;
/// - 32 and 33: glibc reserves them for its threads (sigaddset refuses them;
///   realtime signals for programs start at SIGRTMIN, 34);
/// - anything outside 1...64.
public struct SignalSet: Equatable, Sendable, CustomStringConvertible {
    public private(set) var bits: UInt64

    /// The empty set.
    public init() { bits = 0 }

    /// A set from the kernel's bits, taken as they are (a mask read back).
    public init(bits: UInt64) { self.bits = bits }

    /// A set of `signals`, each checked by `refusal(of:)`; the first refused
    /// one throws its reason. Duplicates are fine.
    public init(validating signals: [Int32]) throws(UsageError) {
        bits = 0
        for s in signals {
            if let why = SignalSet.refusal(of: s) { throw UsageError(why) }
            insert(s)
        }
    }

    /// Why `signal` cannot be in a mask, or nil when it can.
    public static func refusal(of signal: Int32) -> String? {
        guard (1...Signals.maximum).contains(signal) else {
            return "signal \(signal) out of range 1..\(Signals.maximum)"
        }
        if signal == SIGKILL || signal == SIGSTOP {
            return "\(Signals.name(of: signal)) cannot be blocked or caught"
        }
        if signal == 32 || signal == 33 {
            return "signal \(signal) is reserved by the C library (realtime signals start at RTMIN, \(Int32(__libc_current_sigrtmin())))"
        }
        return nil
    }

    /// Adds `signal` (1...64; no check: use `init(validating:)` for input).
    public mutating func insert(_ signal: Int32) {
        precondition((1...64).contains(signal))
        bits |= UInt64(1) << UInt64(signal - 1)
    }

    public func contains(_ signal: Int32) -> Bool {
        (1...64).contains(signal) && bits & (UInt64(1) << UInt64(signal - 1)) != 0
    }

    /// The members in increasing order.
    public var signals: [Int32] { (1...Int32(64)).filter(contains) }

    /// "SIGUSR1,SIGTERM", or "(none)": the object of error messages.
    public var description: String {
        bits == 0 ? "(none)" : signals.map(Signals.name(of:)).joined(separator: ",")
    }
}
