import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// open(2) flags recipes may pass (`ns.O_*`), with this architecture's
/// values from glibc (O_DIRECTORY and O_NOFOLLOW differ between x86_64
/// and arm64).
public enum OpenFlags {
    /// O_PATH (Swift's Glibc module does not import it).
    public static let path: Int32 = nsrun_sys_o_path()

    public static let named: [NamedConstant] = [
        .init("O_RDONLY", int: O_RDONLY), .init("O_WRONLY", int: O_WRONLY), .init("O_RDWR", int: O_RDWR),
        .init("O_CREAT", int: O_CREAT), .init("O_EXCL", int: O_EXCL), .init("O_TRUNC", int: O_TRUNC),
        .init("O_APPEND", int: O_APPEND), .init("O_NONBLOCK", int: O_NONBLOCK),
        .init("O_DIRECTORY", int: O_DIRECTORY), .init("O_NOFOLLOW", int: O_NOFOLLOW),
        .init("O_CLOEXEC", int: O_CLOEXEC), .init("O_PATH", int: path),
    ]

    /// Every bit of `named`.
    public static let known: Int32 = named.reduce(0) { $0 | Int32(truncatingIfNeeded: $1.value) }

    /// Why `flags` is refused, or nil: unknown bits, or O_WRONLY|O_RDWR
    /// together (access mode 3, which is no mode). Pure logic.
    public static func refusal(_ flags: Int64) -> String? {
        guard let f = Int32(exactly: flags), f >= 0 else { return "open flags out of range" }
        let unknown = f & ~known
        if unknown != 0 { return "unknown open flag bits 0x" + String(unknown, radix: 16) }
        if f & O_ACCMODE == O_ACCMODE { return "O_WRONLY and O_RDWR together" }
        return nil
    }
}

/// open(2) of `path` with `flags` (as `OpenFlags.refusal` accepts) and
/// always O_CLOEXEC (DESIGN.md 2.6: pass an fd to a program with `dupTo`).
/// `mode` (permission bits, before the umask) is used when the file is
/// created. EINTR (a FIFO being opened, interrupted) is retried. Fails with
/// the kernel's errno: ENOENT, EEXIST (O_CREAT|O_EXCL), ELOOP (O_NOFOLLOW
/// on a symlink), ENOTDIR (O_DIRECTORY), EACCES...
public func openFile(_ path: String, flags: Int32, mode: mode_t) throws(SysError) -> Int32 {
    var fd: Int32
    repeat { fd = open(path, flags | O_CLOEXEC, mode) } while fd < 0 && errno == EINTR
    if fd < 0 { let e = errno; throw SysError(errno: e, operation: "open", object: path) }
    return fd
}
