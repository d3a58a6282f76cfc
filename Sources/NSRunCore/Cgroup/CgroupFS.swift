import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// Reads and writes of cgroup interface files that can only ever reach a
/// cgroup filesystem: every directory and every file is opened from a
/// directory fd (openat, O_NOFOLLOW, O_CLOEXEC) and checked with fstatfs
/// before anything is written or created — the cgroup counterpart of
/// `ProcFile`. A bind mount or symlink that put another filesystem where a
/// cgroup file is expected is refused with EXDEV, and nothing is written.
public enum CgroupFS {
    /// Which cgroup filesystem a directory must be on.
    public enum Kind: Sendable {
        /// cgroup2 (CGROUP2_SUPER_MAGIC 0x63677270).
        case v2
        /// cgroup v1 (CGROUP_SUPER_MAGIC 0x27e0eb).
        case v1

        public var magic: Int64 { self == .v2 ? 0x6367_7270 : 0x27_e0eb }
        var label: String { self == .v2 ? "not cgroup2" : "not cgroup v1" }
    }

    /// Opens the directory `path` O_RDONLY|O_DIRECTORY|O_CLOEXEC (the kind
    /// of fd CLONE_INTO_CGROUP takes) and checks that it lies on `kind`.
    /// Throws `operation path`: the open's errno, or EXDEV "(not cgroup2)".
    public static func openDirectory(_ path: String, kind: Kind, operation: String) throws(SysError) -> Int32 {
        var fd: Int32
        repeat { fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC) } while fd < 0 && errno == EINTR
        if fd < 0 { throw SysError.last(operation, path) }
        try closing(fd) { () throws(SysError) in try require(fd, kind, operation: operation, path: path) }
        return fd
    }

    /// Opens the directory `name` below the checked directory fd `dirfd`
    /// (whose path is `dirPath`), without following a symlink, and checks it.
    public static func openDirectory(at dirfd: Int32, _ name: String, kind: Kind, operation: String, dirPath: String) throws(SysError) -> Int32 {
        let path = join(dirPath, name)
        var fd: Int32
        repeat { fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) } while fd < 0 && errno == EINTR
        if fd < 0 { throw SysError.last(operation, path) }
        try closing(fd) { () throws(SysError) in try require(fd, kind, operation: operation, path: path) }
        return fd
    }

    /// Writes `text` to the interface file `key` of the checked directory
    /// `dirfd` in one write(2) (each write is one command to the kernel:
    /// one pid for cgroup.procs, "+pids" for subtree_control). The file is
    /// opened O_WRONLY|O_NOFOLLOW|O_CLOEXEC and checked to be on `kind`
    /// first. EINTR is retried; a short write is EIO. Throws
    /// `operation dirPath/key[ detail]`.
    public static func write(_ dirfd: Int32, _ key: String, _ text: String, kind: Kind,
                             operation: String, dirPath: String, detail: String = "") throws(SysError) {
        let path = join(dirPath, key) + detail
        let fd = try openFile(dirfd, key, flags: O_WRONLY, kind: kind, operation: operation, path: path)
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var n: Int
        repeat {
            n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        } while n < 0 && errno == EINTR
        if n < 0 { throw SysError.last(operation, path) }
        if n != bytes.count { throw SysError(errno: EIO, operation: operation, object: path + " (short write)") }
    }

    /// The whole content of the interface file `key` of `dirfd` (checked to
    /// be on `kind`), read to end of file. Throws `operation dirPath/key`.
    public static func read(_ dirfd: Int32, _ key: String, kind: Kind, operation: String, dirPath: String) throws(SysError) -> String {
        let path = join(dirPath, key)
        let fd = try openFile(dirfd, key, flags: O_RDONLY, kind: kind, operation: operation, path: path)
        defer { close(fd) }
        return try readAll(fd, operation: operation, path: path)
    }

    /// Reads `fd` from its current offset to end of file.
    static func readAll(_ fd: Int32, operation: String, path: String) throws(SysError) -> String {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 8192)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; throw SysError.last(operation, path) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > 1 << 24 { throw SysError(errno: EFBIG, operation: operation, object: path) }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// mkdirat(dirfd, name, 0755) below a checked directory.
    public static func makeDirectory(_ dirfd: Int32, _ name: String, operation: String, dirPath: String) throws(SysError) {
        if mkdirat(dirfd, name, 0o755) < 0 { throw SysError.last(operation, join(dirPath, name)) }
    }

    /// rmdir of `name` below a checked directory (unlinkat AT_REMOVEDIR).
    /// EBUSY while it holds processes or child cgroups.
    public static func removeDirectory(_ dirfd: Int32, _ name: String, operation: String, dirPath: String) throws(SysError) {
        if unlinkat(dirfd, name, AT_REMOVEDIR) < 0 { throw SysError.last(operation, join(dirPath, name)) }
    }

    /// Opens a file below `dirfd` and checks its filesystem.
    static func openFile(_ dirfd: Int32, _ key: String, flags: Int32, kind: Kind, operation: String, path: String) throws(SysError) -> Int32 {
        var fd: Int32
        repeat { fd = openat(dirfd, key, flags | O_NOFOLLOW | O_CLOEXEC) } while fd < 0 && errno == EINTR
        if fd < 0 { throw SysError.last(operation, path) }
        try closing(fd) { () throws(SysError) in try require(fd, kind, operation: operation, path: path) }
        return fd
    }

    /// EXDEV "(not cgroup2)" unless `fd` lies on `kind`.
    public static func require(_ fd: Int32, _ kind: Kind, operation: String, path: String) throws(SysError) {
        var type: Int64 = 0
        if nsrun_sys_fstatfs_type(fd, &type) < 0 { throw SysError.last(operation, path) }
        if type != kind.magic { throw SysError(errno: EXDEV, operation: operation, object: path + " (\(kind.label))") }
    }

    /// Runs `body`; closes `fd` if it throws.
    static func closing(_ fd: Int32, _ body: () throws(SysError) -> Void) throws(SysError) {
        do throws(SysError) { try body() } catch { close(fd); throw error }
    }

    static func join(_ dir: String, _ name: String) -> String {
        dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }
}
