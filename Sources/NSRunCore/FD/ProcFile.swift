import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// Files under /proc that nsrun writes to (uid_map, gid_map, setgroups,
/// timens_offsets), opened so that a write can only ever reach procfs — the
/// CVE-2019-16884 class, where a mount over a /proc file redirects a
/// runtime's write somewhere else.
public enum ProcFile {
    /// statfs(2) f_type of procfs (linux/magic.h PROC_SUPER_MAGIC).
    public static let superMagic: Int64 = 0x9fa0

    /// openat2(2) RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV
    /// (linux/openat2.h: 0x08, 0x02, 0x01).
    static let resolve: UInt64 = 0x08 | 0x02 | 0x01

    /// Opens `relative` (e.g. "123/uid_map", "self/timens_offsets") beneath
    /// `root` with `flags` (O_CLOEXEC and O_NOFOLLOW are always added),
    /// checking at every step that what is opened is procfs:
    ///
    /// 1. `root` is opened O_PATH|O_DIRECTORY|O_NOFOLLOW and must be procfs
    ///    (fstatfs f_type == PROC_SUPER_MAGIC);
    /// 2. `relative` is opened from it with openat2 RESOLVE_BENEATH |
    ///    RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV: no escape above `root`, no
    ///    magic link (/proc/PID/root, fd/*), no crossing onto a mount placed
    ///    over a /proc file or directory (the kernel answers EXDEV). On a
    ///    kernel without openat2 (ENOSYS, Linux < 5.6): openat with O_NOFOLLOW;
    /// 3. after the openat fallback only, the opened fd must itself be procfs
    ///    (fstatfs): openat2's RESOLVE_NO_XDEV already kept the lookup on
    ///    `root`'s mount, which step 1 checked, so there it would be a
    ///    second fstatfs of the same procfs (one system call per map write).
    ///
    /// Throws SysError(operation, "<root>/<relative>"): the open's errno, or
    /// EXDEV with the object suffixed "(not procfs)" when a check refuses.
    /// `root` exists for tests (pointing it at a non-proc directory must be
    /// refused); callers pass the default.
    public static func open(_ relative: String, flags: Int32, operation: String, root: String = "/proc") throws(SysError) -> Int32 {
        let path = root.hasSuffix("/") ? root + relative : root + "/" + relative
        let dirfd = Glibc.open(root, OpenFlags.path | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        if dirfd < 0 { let e = errno; throw SysError(errno: e, operation: operation, object: path) }
        defer { close(dirfd) }
        try requireProcfs(dirfd, operation: operation, path: path)
        let (fd, beneath) = try openBeneath(dirfd, relative, flags: flags | O_CLOEXEC | O_NOFOLLOW, operation: operation, path: path)
        if beneath { return fd }
        do throws(SysError) {
            try requireProcfs(fd, operation: operation, path: path)
        } catch {
            close(fd)
            throw error
        }
        return fd
    }

    /// Opens the directory `relative` beneath a verified procfs `root`
    /// O_PATH, for reading entries relative to it (ns_ids).
    public static func openDirectory(_ relative: String, operation: String, root: String = "/proc") throws(SysError) -> Int32 {
        try open(relative, flags: OpenFlags.path | O_DIRECTORY, operation: operation, root: root)
    }

    /// Writes `text` to the procfs file `relative` in ONE write(2), as the
    /// kernel requires for uid_map, gid_map, setgroups and timens_offsets
    /// (a second write to the same open file is refused, and a map is parsed
    /// from a single buffer). EINTR is retried; a short write is reported
    /// as EIO.
    public static func write(_ relative: String, _ text: String, operation: String, root: String = "/proc") throws(SysError) {
        let fd = try open(relative, flags: O_WRONLY, operation: operation, root: root)
        defer { close(fd) }
        let path = root.hasSuffix("/") ? root + relative : root + "/" + relative
        // The string's own UTF-8, not a copy in an array.
        var text = text
        var n = 0, count = 0
        text.withUTF8 { buf in
            count = buf.count
            repeat { n = Glibc.write(fd, buf.baseAddress, buf.count) } while n < 0 && errno == EINTR
        }
        if n < 0 { let e = errno; throw SysError(errno: e, operation: operation, object: path) }
        if n != count { throw SysError(errno: EIO, operation: operation, object: path + " (short write)") }
    }

    /// EXDEV unless `fd` lies on procfs.
    static func requireProcfs(_ fd: Int32, operation: String, path: String) throws(SysError) {
        var type: Int64 = 0
        if nsrun_sys_fstatfs_type(fd, &type) < 0 { let e = errno; throw SysError(errno: e, operation: operation, object: path) }
        if type != superMagic {
            throw SysError(errno: EXDEV, operation: operation, object: path + " (not procfs)")
        }
    }

    static func openBeneath(_ dirfd: Int32, _ relative: String, flags: Int32, operation: String, path: String) throws(SysError) -> (fd: Int32, beneath: Bool) {
        // EAGAIN (a rename or mount raced the lookup) and EINTR are retried there.
        var fd = openat2Retrying(dirfd, relative, flags: UInt64(UInt32(bitPattern: flags)), resolve: resolve)
        if fd >= 0 { return (fd, true) }
        let err = errno
        switch err {
        case ENOSYS:
            repeat { fd = openat(dirfd, relative, flags) } while fd < 0 && errno == EINTR
            if fd < 0 { let e = errno; throw SysError(errno: e, operation: operation, object: path) }
            return (fd, false)
        case EXDEV:
            // A mount covers part of the path, or it leads out of `root`.
            throw SysError(errno: EXDEV, operation: operation, object: path + " (not procfs)")
        default:
            throw SysError(errno: err, operation: operation, object: path)
        }
    }
}
