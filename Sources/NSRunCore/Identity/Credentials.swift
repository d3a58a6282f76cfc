import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// The ids of a process's credentials: 0 ... 2^32-2. (uid_t)-1 is no id:
/// the set* calls read it as "keep this one".
public enum Credentials {
    /// The largest valid uid/gid.
    public static let maximumID: Int64 = 4_294_967_294
    /// The kernel's NGROUPS_MAX: the most supplementary groups a process has.
    public static let maximumGroups = 65536

    /// "-1,1000,-1": how a set of ids is named in messages.
    static func describe(_ ids: [Int64]) -> String { ids.map(String.init).joined(separator: ",") }

    static func id(_ v: Int64) -> UInt32 { v < 0 ? UInt32.max : UInt32(v) }
}

/// setresuid(2): sets the real, effective and saved user ids; -1 keeps a
/// value. Each value must be -1 or a valid id (0 ... 2^32-2; the caller
/// checks). EPERM without CAP_SETUID when a new id is none of the current
/// three; EINVAL when an id is not mapped in the caller's user namespace.
/// The filesystem uid follows the effective one.
public func setResUID(_ ruid: Int64, _ euid: Int64, _ suid: Int64) throws(SysError) {
    if nsrun_sys_setresuid(Credentials.id(ruid), Credentials.id(euid), Credentials.id(suid)) < 0 {
        let e = errno; throw SysError(errno: e, operation: "setresuid", object: Credentials.describe([ruid, euid, suid]))
    }
}

/// setresgid(2): as `setResUID`, for group ids (CAP_SETGID).
public func setResGID(_ rgid: Int64, _ egid: Int64, _ sgid: Int64) throws(SysError) {
    if nsrun_sys_setresgid(Credentials.id(rgid), Credentials.id(egid), Credentials.id(sgid)) < 0 {
        let e = errno; throw SysError(errno: e, operation: "setresgid", object: Credentials.describe([rgid, egid, sgid]))
    }
}

/// setgroups(2): replaces the supplementary group list (empty drops all).
/// Ids must be valid (0 ... 2^32-2) and at most `Credentials.maximumGroups`
/// (the caller checks). EPERM without CAP_SETGID, and in a user namespace
/// whose /proc/PID/setgroups says "deny" or that has no gid_map yet; EINVAL
/// for a gid not mapped in the caller's user namespace.
public func setGroups(_ groups: [UInt32]) throws(SysError) {
    let r = groups.withUnsafeBufferPointer { setgroups($0.count, $0.baseAddress) }
    if r < 0 {
        let e = errno
        let shown = groups.count <= 8 ? groups.map(String.init).joined(separator: ",")
                                      : groups.prefix(8).map(String.init).joined(separator: ",") + ",... (\(groups.count))"
        throw SysError(errno: e, operation: "setgroups", object: shown.isEmpty ? "(empty)" : shown)
    }
}

/// getuid(2), geteuid(2), getgid(2), getegid(2): never fail.
public func currentUID() -> UInt32 { getuid() }
public func currentEUID() -> UInt32 { geteuid() }
public func currentGID() -> UInt32 { getgid() }
public func currentEGID() -> UInt32 { getegid() }
