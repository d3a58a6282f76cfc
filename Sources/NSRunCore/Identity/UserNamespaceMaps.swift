import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// The id maps a new user namespace gets from its creator before the child
/// goes on: what `clone{flags = CLONE_NEWUSER|..., uid_map =, gid_map =,
/// setgroups = "deny"}` asks for. Written by the parent, the way crun and
/// bwrap do it, because only a writer outside the namespace may map more
/// than its own id.
public struct UserNamespaceMaps: Equatable, Sendable {
    public var uid: IdMap?
    public var gid: IdMap?
    /// Write "deny" to /proc/PID/setgroups first: required before a gid_map
    /// written without CAP_SETGID over the parent namespace.
    public var denySetgroups: Bool

    public init(uid: IdMap? = nil, gid: IdMap? = nil, denySetgroups: Bool = false) {
        self.uid = uid
        self.gid = gid
        self.denySetgroups = denySetgroups
    }

    /// Writes them for `pid`, in the order the kernel needs: setgroups,
    /// uid_map, gid_map. Stops at the first failure, which is thrown as is
    /// ("write_uid_map /proc/123/uid_map: Operation not permitted").
    public func write(pid: Int32) throws(SysError) {
        if denySetgroups { try NSRunCore.denySetgroups(pid: pid) }
        if let uid { try writeIdMap(.uid, pid: pid, uid) }
        if let gid { try writeIdMap(.gid, pid: pid, gid) }
    }
}

/// Creates a process that runs `body` and `_exit`s with its result, as
/// `cloneCallback`, in a new user namespace whose maps the parent writes
/// first: the child waits on a close-on-exec pipe until they are written.
///
/// - Flags must include CLONE_NEWUSER (UsageError otherwise), and are
///   refused as `cloneCallback` refuses them.
/// - A map the kernel refuses: the child is killed (SIGKILL, before it ran
///   any of `body`) and reaped, its pidfd closed, and the write's error is
///   thrown; nothing is left behind.
/// - If the parent dies before writing, the child reads EOF and `_exit(1)`s
///   without running `body`.
public func cloneCallback(_ request: CloneRequest, maps: UserNamespaceMaps, _ body: () -> Int32) throws(CloneError) -> ClonedChild {
    if let why = request.refusal(for: .callback) { throw .usage(UsageError(why)) }
    if request.flags.contains(.vm) { throw .usage(UsageError("CLONE_VM|CLONE_VFORK children with maps: use cloneVMCall")) }
    guard request.flags.contains(.newUser) else { throw .usage(UsageError("uid_map, gid_map and setgroups need CLONE_NEWUSER")) }
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
        do throws(SysError) { try maps.write(pid: child.pid) } catch {
            abandon(child, go: go[1])
            throw .system(error)
        }
        _ = release(go[1])
        return child
    }
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

/// A child whose maps could not be written: killed, reaped, its pidfd and
/// the go pipe closed.
func abandon(_ child: ClonedChild, go: Int32) {
    _ = nsrun_sys_pidfd_send_signal(child.pidfd, SIGKILL, 0)
    close(go)
    reapAndClose(child.pidfd)
}
