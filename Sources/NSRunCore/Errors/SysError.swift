#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A failed system call: the errno, the operation and the object it acted on.
///
/// `message` reads like Lua's own io errors and crun's wrapped errors:
/// `"mount /srv/rootfs/proc: Operation not permitted"`. The errno is captured
/// by the caller right after the failing call, before anything else can
/// overwrite it.
///
/// A few common host failures also carry a `hint`, as bwrap's messages do:
/// one short clause, appended in parentheses after the strerror text, that
/// names the knob to check (`Hints` computes it where the context is known).
public struct SysError: Error, Equatable, Sendable {
    public let errno: Int32
    public let operation: String
    public let object: String
    /// What to check on the host, without the parentheses; nil for most errors.
    public let hint: String?

    public init(errno: Int32, operation: String, object: String = "", hint: String? = nil) {
        self.errno = errno
        self.operation = operation
        self.object = object
        self.hint = hint
    }

    /// The same error with `hint` (nil leaves it without one).
    public func withHint(_ hint: String?) -> SysError {
        SysError(errno: errno, operation: operation, object: object, hint: hint)
    }

    /// Reads the calling thread's errno now. Call it first after a failure.
    @inline(__always)
    public static func last(_ operation: String, _ object: String = "") -> SysError {
        SysError(errno: Glibc.errno, operation: operation, object: object)
    }

    /// "operation object: strerror(errno)", or "operation: strerror" without
    /// an object; then " (hint)" when there is one.
    public var message: String {
        let reason = SysError.describe(errno)
        let text = object.isEmpty ? "\(operation): \(reason)" : "\(operation) \(object): \(reason)"
        guard let hint else { return text }
        return "\(text) (\(hint))"
    }

    /// strerror(3) text for an errno.
    public static func describe(_ errno: Int32) -> String {
        guard let text = strerror(errno) else { return "errno \(errno)" }
        return String(cString: text)
    }
}

/// Misuse by the caller that the kernel would also refuse, or that nsrun
/// refuses on every kernel (a dangerous flag, a value out of range). The Lua
/// layer turns it into a raised `bad argument` error, never `nil, msg, errno`.
public struct UsageError: Error, Equatable, Sendable {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// Writes `text` to standard error unbuffered (fd 2), so a message is never
/// held in a stdio buffer across a clone or an _exit.
public func writeStderr(_ text: String) {
    var text = text
    text.withUTF8 { buf in
        var off = 0
        while off < buf.count {
            let n = write(2, buf.baseAddress! + off, buf.count - off)
            if n < 0 { if errno == EINTR { continue }; return }
            off += n
        }
    }
}
