#if canImport(Glibc)
import Glibc
#endif

/// Signal names as kill(1) and recipes write them: "TERM", "SIGTERM", "term".
public enum Signals {
    /// Standard signals, by name without the SIG prefix, in numeric order.
    public static let all: [NamedSignal] = [
        .init("HUP", SIGHUP), .init("INT", SIGINT), .init("QUIT", SIGQUIT), .init("ILL", SIGILL),
        .init("TRAP", SIGTRAP), .init("ABRT", SIGABRT), .init("BUS", SIGBUS), .init("FPE", SIGFPE),
        .init("KILL", SIGKILL), .init("USR1", SIGUSR1), .init("SEGV", SIGSEGV), .init("USR2", SIGUSR2),
        .init("PIPE", SIGPIPE), .init("ALRM", SIGALRM), .init("TERM", SIGTERM), .init("STKFLT", SIGSTKFLT),
        .init("CHLD", SIGCHLD), .init("CONT", SIGCONT), .init("STOP", SIGSTOP), .init("TSTP", SIGTSTP),
        .init("TTIN", SIGTTIN), .init("TTOU", SIGTTOU), .init("URG", SIGURG), .init("XCPU", SIGXCPU),
        .init("XFSZ", SIGXFSZ), .init("VTALRM", SIGVTALRM), .init("PROF", SIGPROF), .init("WINCH", SIGWINCH),
        .init("IO", SIGIO), .init("PWR", SIGPWR), .init("SYS", SIGSYS),
    ]

    /// Largest valid signal number (SIGRTMAX, 64 on Linux).
    public static let maximum: Int32 = 64

    /// The number for a name: with or without "SIG", any case; "RTMIN+n" and
    /// "RTMAX-n" as kill(1) spells them. nil for an unknown name.
    public static func number(named raw: String) -> Int32? {
        // ASCII only: Unicode case mapping would make "ſigterm" a SIGTERM.
        guard raw.utf8.allSatisfy({ $0 < 0x80 }) else { return nil }
        // The common names without Unicode case mapping (ASCIINames); only a
        // realtime name or an unknown one gets this far.
        if let hit = all.first(where: { ASCIINames.matches(raw, $0.name, optionalPrefix: "SIG") }) { return hit.number }
        var name = raw.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        // glibc reserves the first realtime signals for itself, so SIGRTMIN is
        // a function call there; the kernel's range is 32...64.
        let rtmin = Int32(__libc_current_sigrtmin()), rtmax = Int32(__libc_current_sigrtmax())
        if name == "RTMIN" { return rtmin }
        if name == "RTMAX" { return rtmax }
        // n is bounded before any arithmetic: "RTMIN+2147483647" must not overflow.
        if name.hasPrefix("RTMIN+"), let n = Int32(name.dropFirst(6)), n >= 0, n <= rtmax - rtmin { return rtmin + n }
        if name.hasPrefix("RTMAX-"), let n = Int32(name.dropFirst(6)), n >= 0, n <= rtmax - rtmin { return rtmax - n }
        return nil
    }

    /// "SIGTERM" for 15; "SIG<n>" for a number without a name.
    public static func name(of number: Int32) -> String {
        if number == 0 { return "signal 0" }
        if let hit = all.first(where: { $0.number == number }) { return "SIG" + hit.name }
        return "SIG\(number)"
    }

    /// Whether `number` is a signal the kernel accepts (0 is the liveness probe).
    public static func isValid(_ number: Int64, allowZero: Bool) -> Bool {
        (allowZero ? 0 : 1) <= number && number <= Int64(maximum)
    }
}

/// A signal number and its name without SIG (a struct: see NamedConstant).
public struct NamedSignal: Sendable {
    public let name: String
    public let number: Int32
    @inlinable public init(_ name: String, _ number: Int32) { self.name = name; self.number = number }
}
