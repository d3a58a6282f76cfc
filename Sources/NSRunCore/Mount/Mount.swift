#if canImport(Glibc)
import Glibc
#endif

/// mount(2) flag names, as recipes pass them (`ns.MS_*`).
public enum MountFlags {
    public static let named: [(name: String, value: UInt)] = [
        ("MS_RDONLY", 1), ("MS_NOSUID", 2), ("MS_NODEV", 4), ("MS_NOEXEC", 8),
        ("MS_SYNCHRONOUS", 16), ("MS_REMOUNT", 32), ("MS_MANDLOCK", 64),
        ("MS_DIRSYNC", 128), ("MS_NOSYMFOLLOW", 256), ("MS_NOATIME", 1024),
        ("MS_NODIRATIME", 2048), ("MS_BIND", 4096), ("MS_MOVE", 8192),
        ("MS_REC", 16384), ("MS_SILENT", 32768), ("MS_UNBINDABLE", 1 << 17),
        ("MS_PRIVATE", 1 << 18), ("MS_SLAVE", 1 << 19), ("MS_SHARED", 1 << 20),
        ("MS_RELATIME", 1 << 21), ("MS_STRICTATIME", 1 << 24), ("MS_LAZYTIME", 1 << 25),
    ]
    /// umount2(2) flags.
    public static let umountNamed: [(name: String, value: Int32)] = [
        ("MNT_FORCE", 1), ("MNT_DETACH", 2), ("MNT_EXPIRE", 4), ("UMOUNT_NOFOLLOW", 8),
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
