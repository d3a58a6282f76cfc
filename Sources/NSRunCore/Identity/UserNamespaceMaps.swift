import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// The id maps a new user namespace gets from its creator before the child
/// goes on: what `clone{flags = CLONE_NEWUSER|..., uid_map =, gid_map =,
/// setgroups = "deny"}` asks for. Written by the parent, the way crun and
/// bwrap do it, because only a writer outside the namespace may map more
/// than its own id.
///
/// A class, not a struct: an optional struct holding optional maps is
/// copied through its runtime type metadata (built from a mangled name on
/// the first clone that has maps, a few page faults), a reference by one
/// retain. Its properties are constants: a class's variables are read
/// under a run-time exclusivity check (`swift_beginAccess`), which cost
/// set G two cold pages.
public final class UserNamespaceMaps: Equatable, Sendable {
    public let uid: IdMap?
    public let gid: IdMap?
    /// Write "deny" to /proc/PID/setgroups first: required before a gid_map
    /// written without CAP_SETGID over the parent namespace.
    public let denySetgroups: Bool

    public init(uid: IdMap? = nil, gid: IdMap? = nil, denySetgroups: Bool = false) {
        self.uid = uid
        self.gid = gid
        self.denySetgroups = denySetgroups
    }

    public static func == (a: UserNamespaceMaps, b: UserNamespaceMaps) -> Bool {
        a.uid == b.uid && a.gid == b.gid && a.denySetgroups == b.denySetgroups
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
