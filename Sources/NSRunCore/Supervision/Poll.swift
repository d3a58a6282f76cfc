#if canImport(Glibc)
import Glibc
#endif

/// How long `pollReadable` may wait. Pure logic, no syscall.
public enum PollTimeout: Equatable, Sendable {
    /// Until an fd is ready.
    case forever
    /// At most this many seconds (≥ 0; 0 checks and returns at once).
    case seconds(Double)

    /// A timeout from a recipe's number of seconds: nil, a negative value or
    /// +infinity wait forever. nil for NaN, which is refused.
    public static func from(seconds: Double?) -> PollTimeout? {
        guard let s = seconds else { return .forever }
        if s.isNaN { return nil }
        if s < 0 || s == .infinity { return .forever }
        return .seconds(s)
    }

    /// poll(2)'s timeout in milliseconds for `remaining` seconds: rounded up,
    /// so a poll never returns before the deadline, 0 once it has passed,
    /// and at most Int32.max (about 24.8 days; `pollReadable` polls again).
    public static func milliseconds(remaining: Double) -> Int32 {
        if !(remaining > 0) { return 0 }
        let ms = (remaining * 1000).rounded(.up)
        return ms >= Double(Int32.max) ? Int32.max : Int32(ms)
    }
}

/// poll(2) for readability: waits until at least one of `fds` is ready or
/// the timeout passes, and returns the ready ones in the order given (each
/// fd once). Ready means POLLIN, POLLHUP or POLLERR: data or signals to
/// read, end of file, or, for a pidfd, that its process has exited (a
/// pidfd is readable from the moment its process is a zombie, whether or
/// not it has been reaped). Returns [] when the timeout passes first.
///
/// The timeout is measured on CLOCK_MONOTONIC from the call: a poll
/// interrupted by a signal (EINTR) is resumed with the time that remains, and
/// a poll that returns early is repeated, so [] is never returned before the
/// deadline. Negative fds are not checked here (poll ignores them).
///
/// Fails with EBADF when an fd is not open ("poll fd 9: Bad file
/// descriptor", where poll itself reports POLLNVAL), EINVAL when there are
/// more fds than RLIMIT_NOFILE, ENOMEM.
public func pollReadable(_ fds: [Int32], timeout: PollTimeout) throws(SysError) -> [Int32] {
    let ready = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(fds.count, 1))
    defer { ready.deallocate() }
    let n = try fds.withUnsafeBufferPointer { (buf) throws(SysError) -> Int in try pollReadable(buf, timeout: timeout, ready: ready) }
    return Array(ready[0..<n])
}

/// `pollReadable` on buffers: the ready fds go to `ready` (room for as many
/// as `fds` holds), in the order given, each once; returns their number (0
/// when the timeout passed). Buffers, not arrays: the sandbox's init polls
/// on every run, and a first `[Int32]` or `[pollfd]` has its type built at
/// run time.
public func pollReadable(_ fds: UnsafeBufferPointer<Int32>, timeout: PollTimeout,
                         ready: UnsafeMutableBufferPointer<Int32>) throws(SysError) -> Int {
    let entries = UnsafeMutablePointer<pollfd>.allocate(capacity: max(fds.count, 1))
    defer { entries.deallocate() }
    for (i, fd) in fds.enumerated() { entries[i] = pollfd(fd: fd, events: Int16(POLLIN), revents: 0) }
    let deadline: Double?
    if case .seconds(let s) = timeout { deadline = monotonicSeconds() + s } else { deadline = nil }
    while true {
        let ms = deadline.map { PollTimeout.milliseconds(remaining: $0 - monotonicSeconds()) } ?? -1
        let r = poll(entries, nfds_t(fds.count), ms)
        if r < 0 {
            if errno == EINTR { continue }
            throw SysError.last("poll", fds.isEmpty ? "(no fds)" : "fd " + fds.map(String.init).joined(separator: ","))
        }
        if r == 0 {
            if let d = deadline, monotonicSeconds() < d { continue }
            return 0
        }
        var count = 0
        for i in 0..<fds.count {
            let e = entries[i]
            if e.revents & Int16(POLLNVAL) != 0 {
                throw SysError(errno: EBADF, operation: "poll", object: "fd \(e.fd)")
            }
            if e.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0, !ready[0..<count].contains(e.fd) {
                ready[count] = e.fd
                count += 1
            }
        }
        return count
    }
}
