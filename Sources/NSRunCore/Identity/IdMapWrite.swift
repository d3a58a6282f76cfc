/// Which map of a user namespace.
public enum IdMapKind: Sendable {
    case uid, gid

    /// "uid_map" / "gid_map".
    public var file: String { self == .uid ? "uid_map" : "gid_map" }
}

/// Writes `map` to /proc/PID/uid_map or gid_map, in one write(2) (the
/// kernel parses one buffer and takes each map once), through a file
/// checked to be procfs (`ProcFile.open`): a mount over the file or over
/// /proc is refused with EXDEV, nothing written.
///
/// The map is already valid (`IdMap` refuses what the kernel would). The
/// kernel may still answer: EPERM when the map was written before, when the
/// writer lacks CAP_SETUID/CAP_SETGID over the target's user namespace or
/// the outside ids are not mapped in the writer's namespace (and, for a
/// gid_map written without CAP_SETGID, until setgroups is denied); ENOENT
/// when the process does not exist.
///
/// Errors read "write_uid_map /proc/123/uid_map: Operation not permitted".
public func writeIdMap(_ kind: IdMapKind, pid: Int32, _ map: IdMap) throws(SysError) {
    try ProcFile.write("\(pid)/\(kind.file)", map.text, operation: "write_\(kind.file)")
}

/// Writes "deny" to /proc/PID/setgroups (through a procfs-checked file), so
/// that setgroups(2) is refused for good in that user namespace — what an
/// unprivileged writer must do before writing a gid_map. EPERM once the
/// gid_map has been written (the kernel no longer lets it change); ENOENT
/// when the process does not exist.
public func denySetgroups(pid: Int32) throws(SysError) {
    try ProcFile.write("\(pid)/setgroups", "deny\n", operation: "deny_setgroups")
}
