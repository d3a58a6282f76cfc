/// An offset of a clock in a time namespace: whole seconds (may be
/// negative) and nanoseconds 0 ... 999 999 999 added to them.
public struct ClockOffset: Equatable, Sendable {
    public let seconds: Int64
    public let nanoseconds: Int64

    public init(seconds: Int64, nanoseconds: Int64 = 0) throws(UsageError) {
        guard (0...999_999_999).contains(nanoseconds) else {
            throw UsageError("nanoseconds \(nanoseconds) out of range 0..999999999")
        }
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }
}

/// The text for /proc/PID/timens_offsets: one "<clock> <secs> <nanosecs>"
/// line per given clock, monotonic first. Pure logic; nil when neither is given.
public func timeOffsetsText(monotonic: ClockOffset?, boottime: ClockOffset?) -> String? {
    var text = ""
    if let m = monotonic { text += "monotonic \(m.seconds) \(m.nanoseconds)\n" }
    if let b = boottime { text += "boottime \(b.seconds) \(b.nanoseconds)\n" }
    return text.isEmpty ? nil : text
}

/// Sets the CLOCK_MONOTONIC and/or CLOCK_BOOTTIME offsets of the time
/// namespace the caller's next children will be in: valid after
/// unshare(CLONE_NEWTIME) and before any process has entered that namespace.
/// Writes /proc/self/timens_offsets in one write(2), through a
/// procfs-checked file.
///
/// EACCES when the namespace is already in use (a child entered it) or is
/// the caller's own (no unshare(CLONE_NEWTIME) before); EPERM without
/// CAP_SYS_TIME over the namespace's user namespace; ERANGE when a clock
/// would go below zero or too far. Errors read
/// "set_time_offsets /proc/self/timens_offsets: Permission denied".
public func setTimeOffsets(monotonic: ClockOffset?, boottime: ClockOffset?) throws(SysError) {
    guard let text = timeOffsetsText(monotonic: monotonic, boottime: boottime) else { return }
    try ProcFile.write("self/timens_offsets", text, operation: "set_time_offsets")
}
