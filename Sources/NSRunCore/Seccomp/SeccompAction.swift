#if canImport(Glibc)
import Glibc
#endif

/// What a seccomp filter does with a matching system call, written as
/// recipes write it. Pure logic: parsing and naming, no syscall.
///
/// | text | action | kernel return value |
/// |---|---|---|
/// | `allow` | the call runs | SECCOMP_RET_ALLOW |
/// | `log` | the call runs and is logged (audit) | SECCOMP_RET_LOG |
/// | `errno` | fails with EPERM, not run | SECCOMP_RET_ERRNO \| EPERM |
/// | `errno:NAME`, `errno:N` | fails with that errno (a name of `ns.errno`, or 1..4095) | SECCOMP_RET_ERRNO \| N |
/// | `trap` | SIGSYS is sent; without a handler the process dies of it | SECCOMP_RET_TRAP |
/// | `kill`, `kill_process` | the whole process dies of SIGSYS (all its threads) | SECCOMP_RET_KILL_PROCESS |
/// | `kill_thread` | only the calling thread dies | SECCOMP_RET_KILL_THREAD |
///
/// `kill` means the process, as systemd's SystemCallFilter= does, and
/// unlike libseccomp's SCMP_ACT_KILL (the thread): a multithreaded program
/// that loses one thread goes on running with whatever locks that thread
/// held. In a single-threaded process the two are the same (the kernel
/// kills the last thread with a forced SIGSYS).
/// errno 0 is refused: the call would look successful without running.
public enum SeccompAction: Hashable, Sendable, CustomStringConvertible {
    case allow
    case log
    case trap
    case killProcess
    case killThread
    case errno(Int32)

    /// The accepted spellings, for messages.
    public static let spellings = "allow, log, errno, errno:NAME, trap, kill, kill_process, kill_thread"

    /// The largest errno a filter can return (the kernel's MAX_ERRNO).
    public static let maximumErrno: Int32 = 4095

    /// Parses a recipe's action; the reason names the text when it is not one.
    public init(parsing text: String) throws(UsageError) {
        switch text {
        case "allow": self = .allow
        case "log": self = .log
        case "trap": self = .trap
        case "kill", "kill_process": self = .killProcess
        case "kill_thread": self = .killThread
        case "errno": self = .errno(EPERM)
        default:
            guard text.hasPrefix("errno:") else {
                throw UsageError("unknown action '\(text)' (expected \(SeccompAction.spellings))")
            }
            let code = String(text.dropFirst(6))
            if let named = ErrnoNames.all.first(where: { $0.name == code }) {
                self = .errno(Int32(named.value))
            } else if !code.isEmpty, code.utf8.allSatisfy({ (0x30...0x39).contains($0) }) {
                guard code.utf8.count <= 4, let n = Int32(code), (1...SeccompAction.maximumErrno).contains(n) else {
                    throw UsageError("errno \(code) in '\(text)' out of range 1..\(SeccompAction.maximumErrno)")
                }
                self = .errno(n)
            } else {
                throw UsageError("unknown errno name '\(code)' in '\(text)' (a name of ns.errno, such as EPERM, or a number)")
            }
        }
    }

    /// The canonical text: `errno:EPERM`, `kill_process`, ...
    public var description: String {
        switch self {
        case .allow: return "allow"
        case .log: return "log"
        case .trap: return "trap"
        case .killProcess: return "kill_process"
        case .killThread: return "kill_thread"
        case .errno(let n):
            return "errno:" + (ErrnoNames.all.first(where: { $0.value == Int64(n) })?.name ?? String(n))
        }
    }

    /// true for the actions that let the call run (allow, log).
    public var letsTheCallRun: Bool {
        switch self {
        case .allow, .log: return true
        default: return false
        }
    }

    /// libseccomp's action value (SCMP_ACT_*; SCMP_ACT_ERRNO(x) is a
    /// function-like macro, spelled out here).
    var libseccompValue: UInt32 {
        switch self {
        case .allow: return 0x7fff_0000
        case .log: return 0x7ffc_0000
        case .trap: return 0x0003_0000
        case .killProcess: return 0x8000_0000
        case .killThread: return 0x0000_0000
        case .errno(let n): return 0x0005_0000 | (UInt32(n) & 0xffff)
        }
    }
}
