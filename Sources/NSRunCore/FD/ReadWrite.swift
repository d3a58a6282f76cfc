#if canImport(Glibc)
import Glibc
#endif

/// Upper bound for one `readFD` buffer: a read asks the kernel for at most
/// this many bytes (64 MiB), so a typo cannot allocate gigabytes.
public let maximumReadSize = 1 << 26

/// read(2) of at most `count` bytes from `fd`, retried on EINTR. Returns
/// the bytes read; empty at end of file (or when `count` is 0). Fails with
/// the kernel's errno: EBADF, EAGAIN on an empty non-blocking fd, EISDIR...
public func readFD(_ fd: Int32, count: Int) throws(SysError) -> [UInt8] {
    precondition(count >= 0 && count <= maximumReadSize)
    var buffer = [UInt8](repeating: 0, count: count)
    var n: Int
    repeat {
        n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, count) }
    } while n < 0 && errno == EINTR
    if n < 0 { let e = errno; throw SysError(errno: e, operation: "read", object: "fd \(fd)") }
    buffer.removeSubrange(n...)
    return buffer
}

/// write(2) of all of `bytes` to `fd`: writes again after a partial write
/// and on EINTR, until everything is written. Returns the count (always
/// `bytes.count`). On failure after a partial write, the error's object
/// says how much was written ("fd 5 (after 4096 of 10000 bytes)").
public func writeFD(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws(SysError) -> Int {
    var done = 0
    while done < bytes.count || bytes.count == 0 {
        let n = Glibc.write(fd, bytes.baseAddress.map { $0 + done }, bytes.count - done)
        if n < 0 {
            let err = errno
            if err == EINTR { continue }
            let partial = done > 0 ? " (after \(done) of \(bytes.count) bytes)" : ""
            throw SysError(errno: err, operation: "write", object: "fd \(fd)\(partial)")
        }
        if bytes.count == 0 { break }
        // write(2) taking nothing of a non-empty buffer would loop forever.
        if n == 0 { throw SysError(errno: EIO, operation: "write", object: "fd \(fd) (wrote 0 of \(bytes.count - done) bytes)") }
        done += n
    }
    return done
}

/// close(2). EINTR counts as closed: on Linux the descriptor is released
/// before close returns, and retrying could close an fd another open got.
/// Fails with EBADF for an fd that is not open.
public func closeFD(_ fd: Int32) throws(SysError) {
    if close(fd) < 0 && errno != EINTR { let e = errno; throw SysError(errno: e, operation: "close", object: "fd \(fd)") }
}
