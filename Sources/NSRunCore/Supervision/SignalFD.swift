import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// Blocks the signals of `set` in the caller, then opens a signalfd for
/// them: SFD_CLOEXEC | SFD_NONBLOCK. Returns the fd.
///
/// Blocking comes first, so no signal of the set can take its default action
/// (SIGTERM ending the supervisor) between the two steps; if signalfd fails,
/// the previous mask is restored and nothing is left changed. The signals
/// stay blocked after the fd is closed: unblock them with `changeSignalMask`.
/// Clone children inherit the blocked mask (and execve keeps it), not the
/// pending signals; they do inherit the fd, which reads the *reader's*
/// pending signals, not the creator's.
///
/// Fails with EMFILE/ENFILE (no fd left), ENOMEM:
/// "signalfd SIGINT,SIGTERM: Too many open files".
public func openSignalFD(_ set: SignalSet) throws(SysError) -> Int32 {
    let old = try changeSignalMask(.block, set)
    let fd = nsrun_sys_signalfd(set.bits)
    if fd < 0 {
        let error = SysError.last("signalfd", set.description)
        _ = try? changeSignalMask(.set, old)
        throw error
    }
    return fd
}

/// Reads every signal pending on the signalfd `fd` and returns their
/// numbers in the order the kernel hands them out (the lowest standard
/// signal first; standard signals sent twice before a read are pending
/// once, realtime ones queue and may repeat). Empty when none is pending.
///
/// It never waits, whether `fd` is non-blocking (as `openSignalFD` makes
/// it) or not: each read is preceded by a poll with a zero timeout. Reading
/// consumes the signals: they take no action afterwards.
///
/// Fails with EBADF for an fd that is not open, and with EINVAL when `fd`
/// yields something other than whole signalfd records (it is not a
/// signalfd; the bytes read are lost): "read_signals fd 5: Invalid argument".
public func readSignals(_ fd: Int32) throws(SysError) -> [Int32] {
    var out: [Int32] = []
    var buffer = [Int32](repeating: 0, count: 32)
    while true {
        var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        var r: Int32
        repeat { r = poll(&p, 1, 0) } while r < 0 && errno == EINTR
        if r < 0 { throw SysError.last("read_signals", "fd \(fd)") }
        if p.revents & Int16(POLLNVAL) != 0 { throw SysError(errno: EBADF, operation: "read_signals", object: "fd \(fd)") }
        if r == 0 || p.revents & Int16(POLLIN) == 0 { return out }
        let capacity = Int32(buffer.count)
        var n: Int32
        repeat {
            n = buffer.withUnsafeMutableBufferPointer { nsrun_sys_signalfd_read(fd, $0.baseAddress!, capacity) }
        } while n < 0 && errno == EINTR
        if n < 0 {
            if errno == EAGAIN { return out }
            throw SysError.last("read_signals", "fd \(fd)")
        }
        out.append(contentsOf: buffer[0..<Int(n)])
        if n < capacity { return out }
    }
}
