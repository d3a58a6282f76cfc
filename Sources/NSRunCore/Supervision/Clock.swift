#if canImport(Glibc)
import Glibc
#endif

/// CLOCK_MONOTONIC in seconds, with nanosecond resolution: for deadlines
/// and elapsed (wall) time. It never jumps with the date, and it does not
/// count time the machine spends suspended. Its origin is unspecified (boot,
/// shifted by a time namespace's offset): only differences mean something.
public func monotonicSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// Durations a recipe passes in seconds. Pure logic, no syscall.
public enum Durations {
    /// The longest sleep: 2^31 − 1 seconds (68 years), so that the value
    /// fits time_t everywhere.
    public static let maximum: Double = Double(Int32.max)

    /// Why `seconds` is refused as a sleep, or nil: NaN, negative,
    /// infinite or beyond `maximum`.
    public static func refusal(sleep seconds: Double) -> String? {
        if seconds.isNaN { return "duration is NaN" }
        if seconds < 0 { return "duration must not be negative" }
        if seconds > maximum { return "duration out of range 0..\(Int32.max) seconds" }
        return nil
    }

    /// A valid (see `refusal`) number of seconds as a timespec, to the
    /// nearest nanosecond.
    public static func timespecFor(seconds: Double) -> timespec {
        var whole = seconds.rounded(.down)
        var nanos = ((seconds - whole) * 1e9).rounded()
        if nanos >= 1e9 { whole += 1; nanos -= 1e9 }
        return timespec(tv_sec: Int(whole), tv_nsec: Int(nanos))
    }
}

/// nanosleep(2) for `seconds` (as `Durations.refusal` accepts): a signal
/// that interrupts it (EINTR) resumes it with the time that remains, so it
/// always sleeps the whole duration (or longer), unless a signal ends the
/// process.
public func sleepFor(seconds: Double) {
    precondition(Durations.refusal(sleep: seconds) == nil)
    var request = Durations.timespecFor(seconds: seconds)
    var remaining = timespec()
    while nanosleep(&request, &remaining) < 0 && errno == EINTR {
        request = remaining
    }
}
