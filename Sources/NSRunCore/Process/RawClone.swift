import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// What a successful clone gives the parent.
public struct ClonedChild: Sendable, Equatable {
    /// The child's pid in the caller's pid namespace.
    public let pid: pid_t
    /// A close-on-exec pidfd for the child (CLONE_PIDFD is always set).
    public let pidfd: Int32
}

/// The result of a fork-semantics clone: which side of it we are on.
public enum CloneSide: Sendable, Equatable {
    case parent(ClonedChild)
    case child
}

/// Everything a clone needs besides its flags, mirroring clone3's fields.
public struct CloneRequest: Sendable {
    public var flags: CloneFlags
    /// Signal sent to the parent when the child ends. nil: SIGCHLD, unless
    /// CLONE_PARENT (then the child inherits the caller's exit signal, and
    /// clone3 takes 0), as the seed's lxc_raw_clone.
    public var exitSignal: Int32?
    /// A cgroup2 directory fd for CLONE_INTO_CGROUP (clone3 only, Linux 5.7).
    public var cgroupFD: Int32?

    public init(flags: CloneFlags, exitSignal: Int32? = nil, cgroupFD: Int32? = nil) {
        self.flags = flags
        self.exitSignal = exitSignal
        self.cgroupFD = cgroupFD
    }

    /// Refuses what `CloneFlags.refusal` refuses, plus a request the kernel
    /// rejects with EINVAL for its other fields (clone3_args_valid): an
    /// exit signal with CLONE_PARENT (the child reports to the caller's
    /// parent, with the caller's own exit signal). Pure logic.
    public func refusal(for kind: CloneKind) -> String? {
        if let why = CloneFlags.refusal(flags, for: kind) { return why }
        if flags.contains(.parent), let sig = exitSignal, sig != 0 {
            return "exit_signal cannot be combined with CLONE_PARENT (the child inherits the caller's)"
        }
        return nil
    }

    /// The exit signal actually sent to the kernel.
    public var effectiveExitSignal: Int32 {
        exitSignal ?? (flags.contains(.parent) ? 0 : SIGCHLD)
    }

    /// The clone3 block for this request, CLONE_PIDFD added, `pidfd` pointing
    /// at the caller's slot.
    public func args(pidfdSlot: UnsafeMutablePointer<Int32>) -> CloneArgs {
        var args = CloneArgs()
        var flags = self.flags.union(.pidfd)
        if cgroupFD != nil { flags.insert(.intoCgroup) }
        args.flags = flags.rawValue
        args.pidfd = UInt64(UInt(bitPattern: pidfdSlot))
        args.exit_signal = UInt64(effectiveExitSignal)
        if let fd = cgroupFD { args.cgroup = UInt64(fd) }
        return args
    }
}

/// Creates a process with fork() semantics, the port of LXC's `lxc_raw_clone`.
///
/// - fork() behaviour: `.child` in the child, `.parent(pid, pidfd)` in the
///   parent. No new stack is passed; the child runs on a copy-on-write copy
///   of the caller's memory, so it may return through the caller's frames.
/// - Refuses (UsageError, before any syscall) what `CloneRequest.refusal(for: .raw)`
///   refuses: CLONE_VM, CLONE_SETTLS, the tid pointers, signal bits, the
///   kernel's EINVAL combinations.
/// - clone3 first, with CLONE_PIDFD; only on ENOSYS the legacy clone syscall
///   (never on EPERM or anything else: those are the kernel's answer). The
///   legacy path cannot carry CLONE_NEWTIME, CLONE_CLEAR_SIGHAND or
///   CLONE_INTO_CGROUP: a request with them fails with ENOSYS there.
/// - No pthread_atfork() handlers run and glibc's caches are not reset: the
///   caller must be single-threaded, and the child must use `rawGetpid()`.
/// - stdio is flushed before the clone, so buffered output appears once.
/// - EPERM with CLONE_NEWUSER and ENOSPC with CLONE_NEW* carry a hint
///   naming what to check on the host (`Hints`); so do `cloneCallback`'s
///   and `cloneVMExec`'s.
public func rawClone(_ request: CloneRequest) throws(CloneError) -> CloneSide {
    if let why = request.refusal(for: .raw) { throw .usage(UsageError(why)) }
    return try cloneForkSemantics(request)
}

/// clone3(2) with fork semantics (no stack in `args`): the child's pid in the
/// parent, 0 in the child, -1 with errno on failure. `size` is one of
/// `CloneArgsSize`'s published sizes. The caller must not set CLONE_VM (the
/// child would run on the caller's stack) and must flush stdio first.
/// Exposed for callers that build their own argument block; `rawClone` is
/// the checked entry point.
public func clone3(_ args: inout CloneArgs, size: Int) -> pid_t {
    nsrun_sys_clone3(&args, size)
}

/// The shared fork-semantics path behind `rawClone` and `cloneCallback`,
/// after each has validated the flags for its own entry point.
func cloneForkSemantics(_ request: CloneRequest) throws(CloneError) -> CloneSide {
    nsrun_sys_flush_stdio()
    var pidfd: Int32 = -1
    var args = request.args(pidfdSlot: &pidfd)
    let size = CloneArgsSize.needed(for: args)
    var pid = clone3(&args, size: size)
    if pid < 0 {
        let err = Glibc.errno
        guard err == ENOSYS else {
            throw .system(SysError(errno: err, operation: "clone3", object: request.flags.union(.pidfd).description)
                .hinted(.namespaces(request.flags)))
        }
        // clone3 is missing (Linux < 5.3, or a seccomp filter answering ENOSYS).
        if request.cgroupFD != nil || !request.flags.isDisjoint(with: .needClone3) {
            let what = request.cgroupFD != nil ? "CLONE_INTO_CGROUP" : request.flags.intersection(.needClone3).description
            throw .system(SysError(errno: ENOSYS, operation: "clone3", object: "(needed for \(what))"))
        }
        let legacy = UInt(request.flags.union(.pidfd).rawValue) | UInt(request.effectiveExitSignal)
        pid = nsrun_sys_clone_legacy(legacy, &pidfd)
        if pid < 0 {
            throw .system(SysError.last("clone", request.flags.union(.pidfd).description).hinted(.namespaces(request.flags)))
        }
    }
    if pid == 0 { return .child }
    return .parent(ClonedChild(pid: pid, pidfd: pidfd))
}

/// Creates a process that runs `body` and `_exit`s with its result, the port
/// of LXC's `lxc_raw_clone_cb`.
///
/// - Returns the child in the parent; never returns in the child. `_exit`,
///   never `exit`: the child must not run the parent's atexit handlers or
///   flush stdio buffers it inherited.
/// - Flags as `CloneRequest.refusal(for: .callback)`; with CLONE_VM|CLONE_VFORK
///   use `cloneVMExec` instead (the child would share this stack).
public func cloneCallback(_ request: CloneRequest, _ body: () -> Int32) throws(CloneError) -> ClonedChild {
    if let why = request.refusal(for: .callback) { throw .usage(UsageError(why)) }
    if request.flags.contains(.vm) { throw .usage(UsageError("CLONE_VM|CLONE_VFORK children may only exec: use cloneVMExec")) }
    switch try cloneForkSemantics(request) {
    case .parent(let child): return child
    case .child: _exit(body())
    }
}

/// Why a clone did not happen: the caller's mistake or the kernel's answer.
public enum CloneError: Error, Sendable, Equatable {
    case usage(UsageError)
    case system(SysError)
}
