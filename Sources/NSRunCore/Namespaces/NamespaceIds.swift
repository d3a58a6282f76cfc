#if canImport(Glibc)
import Glibc
#endif

/// The namespace inode ids of a process, by name (`Namespaces.all`): two
/// processes are in the same namespace of a kind when the ids are equal.
///
/// Reads /proc/PID/ns (or /proc/self/ns when `pid` is nil) through a
/// procfs-checked directory fd, then stats each entry (following its magic
/// link to the nsfs inode). An entry the kernel does not have (a kernel
/// without time namespaces; a zombie's) is left out. Fails when the
/// directory cannot be opened — ENOENT when the process does not exist,
/// EXDEV when /proc is not procfs — or when an entry is refused (EACCES:
/// another user's process). Errors read "ns_ids /proc/123/ns: …".
public func namespaceIds(pid: Int32?) throws(SysError) -> [(name: String, id: UInt64)] {
    let dir = pid.map { "\($0)/ns" } ?? "self/ns"
    let dirfd = try ProcFile.openDirectory(dir, operation: "ns_ids")
    defer { close(dirfd) }
    var ids: [(name: String, id: UInt64)] = []
    for kind in Namespaces.all {
        var st = stat()
        if fstatat(dirfd, kind.name, &st, 0) < 0 {
            if errno == ENOENT { continue }
            let e = errno; throw SysError(errno: e, operation: "ns_ids", object: "/proc/\(dir)/\(kind.name)")
        }
        ids.append((kind.name, UInt64(st.st_ino)))
    }
    return ids
}
