#if canImport(Glibc)
import Glibc
#endif

/// mount(2) flag names, as recipes pass them (`ns.MS_*`).
public enum MountFlags {
    public static let named: [NamedConstant] = [
        .init("MS_RDONLY", 1), .init("MS_NOSUID", 2), .init("MS_NODEV", 4), .init("MS_NOEXEC", 8),
        .init("MS_SYNCHRONOUS", 16), .init("MS_REMOUNT", 32), .init("MS_MANDLOCK", 64),
        .init("MS_DIRSYNC", 128), .init("MS_NOSYMFOLLOW", 256), .init("MS_NOATIME", 1024),
        .init("MS_NODIRATIME", 2048), .init("MS_BIND", 4096), .init("MS_MOVE", 8192),
        .init("MS_REC", 16384), .init("MS_SILENT", 32768), .init("MS_UNBINDABLE", 1 << 17),
        .init("MS_PRIVATE", 1 << 18), .init("MS_SLAVE", 1 << 19), .init("MS_SHARED", 1 << 20),
        .init("MS_RELATIME", 1 << 21), .init("MS_STRICTATIME", 1 << 24), .init("MS_LAZYTIME", 1 << 25),
    ]
    /// umount2(2) flags.
    public static let umountNamed: [NamedConstant] = [
        .init("MNT_FORCE", 1), .init("MNT_DETACH", 2), .init("MNT_EXPIRE", 4), .init("UMOUNT_NOFOLLOW", 8),
    ]
}

/// mount(2). `source`, `fstype` and `data` may be nil (a bind or a
/// propagation change needs none). Fails with the kernel's errno, reported
/// against the target; ENOSPC (the mount namespace is full) carries a hint.
public func mount(source: String?, target: String, fstype: String?, flags: UInt, data: String?) throws(SysError) {
    if Glibc.mount(source, target, fstype, flags, data) < 0 {
        throw SysError.last("mount", target).hinted(.mountAttach)
    }
}

/// umount2(2) with MNT_* flags.
public func umount(_ target: String, flags: Int32) throws(SysError) {
    if umount2(target, flags) < 0 { throw SysError.last("umount", target) }
}
