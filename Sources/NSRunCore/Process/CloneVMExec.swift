import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// Clones a child that shares the caller's memory (CLONE_VM|CLONE_VFORK) on
/// a separate mmap'd stack with a guard page, and execs `path` in it — the
/// posix_spawn path, with namespaces.
///
/// - The child never returns into Swift: it runs C that calls execveat and,
///   on failure, stores errno in memory it shares with the parent and
///   `_exit(127)`s. The parent stays suspended until then (CLONE_VFORK).
/// - On success: the child, already running the new program.
/// - Exec failure: `.system` with the exec's errno (`"execve PATH: …"`); the
///   child has exited and been reaped, so nothing is left behind.
/// - Flags: must include CLONE_VM and CLONE_VFORK; refused as
///   `CloneFlags.refusal(_:for: .callback)`, including the clone3-only flags
///   (this path is glibc's clone(), the legacy syscall).
public func cloneVMExec(_ request: CloneRequest, dirfd: Int32 = AT_FDCWD, path: String,
                        argv: [String], env: [String], atFlags: Int32 = 0) throws(CloneError) -> ClonedChild {
    if let why = request.refusal(for: .callback) { throw .usage(UsageError(why)) }
    guard request.flags.isSuperset(of: [.vm, .vfork]) else { throw .usage(UsageError("cloneVMExec needs CLONE_VM|CLONE_VFORK")) }
    if request.cgroupFD != nil { throw .usage(UsageError("CLONE_INTO_CGROUP needs clone3; the CLONE_VM|CLONE_VFORK path uses the legacy clone")) }
    let cargv = CStringArray(argv), cenv = CStringArray(env)
    var pidfd: Int32 = -1, execErrno: Int32 = 0
    nsrun_sys_flush_stdio()
    let flags = UInt(request.flags.rawValue)
    let pid = cargv.withUnsafeArray { a in
        cenv.withUnsafeArray { e in
            nsrun_sys_clone_vm_exec(flags, request.effectiveExitSignal, dirfd, path, a, e, atFlags, &pidfd, &execErrno)
        }
    }
    if pid < 0 { throw .system(SysError.last("clone", request.flags.union(.pidfd).description).hinted(.namespaces(request.flags))) }
    if execErrno != 0 {
        // The child has _exit(127)ed already; reap it so no zombie is left.
        reapAndClose(pidfd)
        throw .system(SysError(errno: execErrno, operation: "execve", object: path))
    }
    return ClonedChild(pid: pid, pidfd: pidfd)
}

/// Clones a child with vfork semantics (CLONE_VM|CLONE_VFORK) that runs
/// `fn(context)` on a stack of its own and `_exit`s with its result, unless
/// it execs first. Returns, in the parent, once the child has exec'd or
/// exited.
///
/// - The child shares the caller's memory (not its fd table): what `fn`
///   changes, the caller sees. No page is copied, so a child that sets up
///   and execs costs no copy-on-write faults; that is the point.
/// - `fn` must leave memory consistent (it runs while the caller is
///   suspended in this call, holding no lock) and must never wait for the
///   caller: the caller is suspended until the exec or exit, so that would
///   deadlock. What the child allocates and still holds when it execs is
///   never freed.
/// - `fn` is a C function with a context pointer, not a Swift closure: the
///   child never returns to release what it retained, so a closure's
///   reference count would stay raised in the caller's memory.
/// - Flags: as cloneVMExec (CLONE_VM and CLONE_VFORK required; the
///   clone3-only flags refused, this is glibc's clone()).
/// - Errors: `.usage` for refused flags, `.system` with the clone's errno.
public func cloneVMCall(_ request: CloneRequest, _ fn: @convention(c) (UnsafeMutableRawPointer?) -> Int32,
                        _ context: UnsafeMutableRawPointer?) throws(CloneError) -> ClonedChild {
    if let why = request.refusal(for: .callback) { throw .usage(UsageError(why)) }
    guard request.flags.isSuperset(of: [.vm, .vfork]) else { throw .usage(UsageError("cloneVMCall needs CLONE_VM|CLONE_VFORK")) }
    if request.cgroupFD != nil { throw .usage(UsageError("CLONE_INTO_CGROUP needs clone3; the CLONE_VM|CLONE_VFORK path uses the legacy clone")) }
    var pidfd: Int32 = -1
    nsrun_sys_flush_stdio()
    let pid = nsrun_sys_clone_vm_call(UInt(request.flags.rawValue), request.effectiveExitSignal, fn, context, &pidfd)
    if pid < 0 { throw .system(SysError.last("clone", request.flags.union(.pidfd).description).hinted(.namespaces(request.flags))) }
    return ClonedChild(pid: pid, pidfd: pidfd)
}
