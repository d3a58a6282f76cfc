import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// Turns the calling process into a minimal init for the program `pid`
/// (whose pidfd is `pidfd`, both as the caller sees them) and never
/// returns (`nsrun_sys_become_init`, nsrun_init.h, has the whole contract):
/// every signal blocked, those read from `forward` (a signalfd) sent on to
/// the program, every child reaped, the program's end written to `status`
/// ("exit N -", "signal N core", "signal N -"), then an exit with the
/// program's code or 128 + its signal. A child with vfork semantics made by
/// `cloneVMCall(_:then:_:_:)` first moves to a stack of its own and
/// releases its parent, which resumes as after an exec.
///
/// - Throws only when it cannot start, having changed nothing: `EINVAL` in
///   a child of CLONE_VFORK (the kernel holds its parent until an exec or
///   exit), `ECHILD` for a program that is not a child of the caller,
///   `ENOMEM` for the stack.
public func becomeInit(pid: pid_t, pidfd: Int32, forward: Int32?, status: Int32?) throws(SysError) -> Never {
    var config = nsrun_init_config(pidfd: pidfd, pid: pid,
                                   forward_fd: forward ?? -1, status_fd: status ?? -1)
    // Buffered output is written once, by the process that produced it.
    nsrun_sys_flush_stdio()
    _ = nsrun_sys_become_init(&config)
    let e = errno
    throw SysError(errno: e, operation: "become_init",
                   object: e == EINVAL ? "a CLONE_VFORK child cannot outlive its exec (clone it with after_clone, or without CLONE_VFORK)" : "pid \(pid)")
}
