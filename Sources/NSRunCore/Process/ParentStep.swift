import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// What a parent does for its new child before letting it run, while the
/// child waits on a close-on-exec pipe: write a new user namespace's maps
/// (only a writer outside the namespace may map more than its own id, so
/// crun and bwrap do it from the parent), then anything else (`after`: a
/// veth moved into the child's network namespace, a cgroup joined).
public struct ParentStep {
    public var maps: UserNamespaceMaps?
    /// Runs after the maps; a thrown error kills the child before it runs.
    public var after: ((ClonedChild) throws(SysError) -> Void)?

    public init(maps: UserNamespaceMaps? = nil, after: ((ClonedChild) throws(SysError) -> Void)? = nil) {
        self.maps = maps
        self.after = after
    }

    func run(_ child: ClonedChild) throws(SysError) {
        try maps?.write(pid: child.pid)
        try after?(child)
    }

    /// Why `request` cannot take these steps, if it cannot.
    func refusal(_ request: CloneRequest) -> String? {
        if maps != nil && !request.flags.contains(.newUser) { return "uid_map, gid_map and setgroups need CLONE_NEWUSER" }
        return nil
    }
}

/// Creates a process that runs `body` and `_exit`s with its result, as
/// `cloneCallback`, once the parent has run `step` for it: the child waits
/// on a close-on-exec pipe until then.
///
/// - Flags are refused as `cloneCallback` refuses them; maps need
///   CLONE_NEWUSER (UsageError otherwise).
/// - A step that fails (a map the kernel refuses, an `after` that throws):
///   the child is killed (SIGKILL, before it ran any of `body`) and reaped,
///   its pidfd closed, and the step's error is thrown; nothing is left
///   behind.
/// - If the parent dies before the go, the child reads EOF and `_exit(1)`s
///   without running `body`.
public func cloneCallback(_ request: CloneRequest, then step: ParentStep, _ body: () -> Int32) throws(CloneError) -> ClonedChild {
    if let why = request.refusal(for: .callback) { throw .usage(UsageError(why)) }
    if request.flags.contains(.vm) { throw .usage(UsageError("CLONE_VM|CLONE_VFORK children with parent steps: use cloneVMCall")) }
    if let why = step.refusal(request) { throw .usage(UsageError(why)) }
    // go[0] is the read end, go[1] the write end (pipe2 fills both).
    var go: [Int32] = [-1, -1]
    if nsrun_sys_pipe2(&go, O_CLOEXEC) < 0 { throw .system(SysError.last("clone", "pipe2")) }
    let side: CloneSide
    do throws(CloneError) { side = try cloneForkSemantics(request) } catch {
        close(go[0]); close(go[1])
        throw error
    }
    switch side {
    case .child:
        close(go[1])
        if !waitForGo(go[0]) { _exit(1) }
        close(go[0])
        _exit(body())
    case .parent(let child):
        close(go[0])
        do throws(SysError) { try step.run(child) } catch {
            abandon(child, go: go[1])
            throw .system(error)
        }
        _ = release(go[1])
        return child
    }
}

/// `cloneVMCall` (vfork semantics) once the parent has run `step` for the
/// child. CLONE_VFORK would suspend the parent before it could, so the
/// child is cloned CLONE_VM alone and waits on a pipe; the parent runs the
/// step, releases it, and returns only once it has exec'd or exited, as
/// with CLONE_VFORK, or has become an init on a stack of its own
/// (`nsrun_sys_clone_vm_call_sync`, `becomeInit`).
///
/// - Flags: as `cloneVMCall`; maps need CLONE_NEWUSER (UsageError).
/// - The step runs in the parent while the child is blocked in C, touching
///   nothing: it may allocate and call anything (even Lua).
/// - A step that fails: the child is killed before running `fn` and reaped,
///   its pidfd closed, and the step's error is thrown.
/// - `boundingKeep` (clone's `bounding_set`): the child empties its
///   capability bounding set but for these capabilities (bit n: capability
///   n) as it starts, before it waits for the release, beside the step when
///   it has a CPU of its own (`nsrun_sys_bounding_keep`). A drop the kernel
///   refuses makes the child end with status 1, a message on stderr,
///   without running `fn`.
public func cloneVMCall(_ request: CloneRequest, then step: ParentStep, boundingKeep: UInt64? = nil,
                        _ fn: @convention(c) (UnsafeMutableRawPointer?) -> Int32,
                        _ context: UnsafeMutableRawPointer?) throws(CloneError) -> ClonedChild {
    if let why = request.refusal(for: .callback) { throw .usage(UsageError(why)) }
    guard request.flags.isSuperset(of: [.vm, .vfork]) else { throw .usage(UsageError("cloneVMCall needs CLONE_VM|CLONE_VFORK")) }
    if request.cgroupFD != nil { throw .usage(UsageError("CLONE_INTO_CGROUP needs clone3; the CLONE_VM|CLONE_VFORK path uses the legacy clone")) }
    if let why = step.refusal(request) { throw .usage(UsageError(why)) }
    // Passed to C by pointer; the child never touches it.
    final class Box {
        let step: ParentStep
        var failure: SysError?
        init(_ step: ParentStep) { self.step = step }
    }
    let box = Box(step)
    var pidfd: Int32 = -1, stepFailed: Int32 = 0
    nsrun_sys_flush_stdio()
    func call(_ keep: UnsafePointer<UInt64>?) -> pid_t {
        nsrun_sys_clone_vm_call_sync(UInt(request.flags.rawValue), request.effectiveExitSignal, fn, context, &pidfd, { pid, pidfd, raw in
            let box = Unmanaged<Box>.fromOpaque(raw!).takeUnretainedValue()
            do throws(SysError) { try box.step.run(ClonedChild(pid: pid, pidfd: pidfd)) } catch {
                box.failure = error
                return 1
            }
            return 0
        }, Unmanaged.passUnretained(box).toOpaque(), &stepFailed, keep)
    }
    let pid = withExtendedLifetime(box) {
        guard let boundingKeep else { return call(nil) }
        return withUnsafePointer(to: boundingKeep) { call($0) }
    }
    if pid < 0 { throw .system(SysError.last("clone", request.flags.subtracting(.vfork).union(.pidfd).description).hinted(.namespaces(request.flags))) }
    if stepFailed != 0 {
        reapAndClose(pidfd) // killed before it ran fn
        throw .system(box.failure ?? SysError(errno: EPERM, operation: "clone", object: "parent step"))
    }
    return ClonedChild(pid: pid, pidfd: pidfd)
}

/// Reads the parent's go: true for "g", false for EOF (the parent died or
/// gave up) or an error.
func waitForGo(_ fd: Int32) -> Bool {
    var c: UInt8 = 0
    var n: Int
    repeat { n = read(fd, &c, 1) } while n < 0 && errno == EINTR
    return n == 1 && c == UInt8(ascii: "g")
}

/// Sends the go and closes the pipe.
func release(_ fd: Int32) -> Bool {
    var g = UInt8(ascii: "g")
    var n: Int
    repeat { n = write(fd, &g, 1) } while n < 0 && errno == EINTR
    close(fd)
    return n == 1
}

/// A child whose parent step failed: killed, reaped, its pidfd and the go
/// pipe closed.
func abandon(_ child: ClonedChild, go: Int32) {
    _ = nsrun_sys_pidfd_send_signal(child.pidfd, SIGKILL, 0)
    close(go)
    reapAndClose(child.pidfd)
}
