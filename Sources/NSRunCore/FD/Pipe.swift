import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// pipe2(2) with O_CLOEXEC: a read end and a write end, both close-on-exec
/// from birth (DESIGN.md 2.6). For parent–child synchronisation: a clone
/// child inherits both ends, so each side closes the end it does not use,
/// or a reader never sees EOF. Pass an end to an exec'd program with `dup2`.
public func makePipe() throws(SysError) -> (read: Int32, write: Int32) {
    var fds: [Int32] = [-1, -1]
    if nsrun_sys_pipe2(&fds, O_CLOEXEC) < 0 { throw SysError.last("pipe2") }
    return (fds[0], fds[1])
}
