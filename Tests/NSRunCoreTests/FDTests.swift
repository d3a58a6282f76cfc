import Testing
import Glibc
@testable import NSRunCore

/// open flags and the fd plumbing (pipe2, read, write, dup, close).
@Test func openFlagValidation() {
    #expect(OpenFlags.refusal(Int64(O_RDWR | O_CREAT | O_EXCL | O_TRUNC | O_APPEND | O_NONBLOCK | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) == nil)
    #expect(OpenFlags.refusal(Int64(OpenFlags.path)) == nil)
    #expect(OpenFlags.refusal(Int64(O_WRONLY | O_RDWR)) == "O_WRONLY and O_RDWR together")
    #expect(OpenFlags.refusal(Int64(O_SYNC)) != nil, "O_SYNC is not offered")
    #expect(OpenFlags.refusal(-1) == "open flags out of range")
    #expect(OpenFlags.refusal(1 << 40) == "open flags out of range")
    #expect(OpenFlags.path == 0o10000000)
}

/// Pure fd plumbing on pipes the test opens itself.
@Test func pipeReadWriteDupClose() throws {
    let (r, w) = try makePipe()
    #expect(fcntl(r, F_GETFD) & FD_CLOEXEC != 0 && fcntl(w, F_GETFD) & FD_CLOEXEC != 0)
    let n = try "hello".utf8.withContiguousStorageIfAvailable { try writeFD(w, UnsafeRawBufferPointer($0)) }
    #expect(n == 5)
    #expect(try readFD(r, count: 3) == Array("hel".utf8))
    let d = try dupTo(w, w)
    #expect(d == w && fcntl(w, F_GETFD) & FD_CLOEXEC == 0, "dup2(fd, fd) clears close-on-exec")
    try closeFD(w)
    #expect(try readFD(r, count: 10) == Array("lo".utf8))
    #expect(try readFD(r, count: 10) == [], "EOF")
    try closeFD(r)
    // Not `r` again: the tests running beside this one may have been given
    // its number by now, and closing it would close their fd. An fd number
    // no open(2) hands out (the lowest free one is taken) stays invalid.
    let closed: Int32 = 999_999
    #expect(throws: SysError(errno: EBADF, operation: "close", object: "fd \(closed)")) { try closeFD(closed) }
    #expect(throws: SysError(errno: EBADF, operation: "read", object: "fd \(closed)")) { try readFD(closed, count: 1) }
}
