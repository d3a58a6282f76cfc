import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

extension CgroupHierarchy {
    /// The caller's hierarchy now, from /proc/self/mountinfo and
    /// /proc/self/cgroup (both opened through `ProcFile`, so they are
    /// procfs). Read afresh each time: a process that moves itself into
    /// another cgroup has another "own" cgroup afterwards. Throws
    /// `operation`: the read's errno, or EOPNOTSUPP with the reason when no
    /// cgroup2 hierarchy is usable.
    public static func current(operation: String) throws(SysError) -> CgroupHierarchy {
        let mountinfo = try readProc("self/mountinfo", operation: operation)
        let cgroup = try readProc("self/cgroup", operation: operation)
        switch parse(mountinfo: mountinfo, procCgroup: cgroup) {
        case .success(let h): return h
        case .failure(let why): throw SysError(errno: EOPNOTSUPP, operation: operation, object: "(\(why.reason))")
        }
    }

    static func readProc(_ relative: String, operation: String) throws(SysError) -> String {
        let fd = try ProcFile.open(relative, flags: O_RDONLY, operation: operation)
        defer { close(fd) }
        return try CgroupFS.readAll(fd, operation: operation, path: "/proc/" + relative)
    }
}

/// A cgroup2 directory that nsrun created, and the operations on it.
///
/// It holds an O_RDONLY|O_DIRECTORY|O_CLOEXEC fd of the directory (`fd`,
/// what clone3's CLONE_INTO_CGROUP takes) and one of its parent; every file
/// operation goes through those fds and `CgroupFS`, so it only ever reaches
/// cgroupfs. On a hybrid host it may also own a cgroup v1 `pids` directory
/// of the same name (see `limit`), its "v1 companion": `add` places a
/// process in both, `remove` removes both.
///
/// Only the process that created a cgroup (`creator`) removes it
/// implicitly (`CgroupRegistry`, at exit); a clone child holds a copy of
/// the object and never does. Once removed, `fd` is -1 and `isRemoved` is
/// true; the operations must not be called any more (the Lua layer raises).
/// All errors are `SysError`s naming the operation and the file:
/// `"cgroup set /sys/fs/cgroup/unified/x/pids.max: No such file or directory"`.
public final class Cgroup {
    /// Where a new cgroup goes.
    public enum Parent {
        /// The caller's own cgroup2 (from /proc/self/cgroup).
        case own
        /// A cgroup2 directory given by its path.
        case path(String)
        /// Another nsrun cgroup: nested, its v1 companion nests too.
        case handle(Cgroup)
    }

    public let name: String
    /// The cgroup2 directory.
    public let path: String
    /// Its parent directory.
    public let parentPath: String
    /// The process that created it: the only one that removes it implicitly.
    public let creator: pid_t
    public let hierarchy: CgroupHierarchy
    /// The directory fd (O_RDONLY|O_DIRECTORY|O_CLOEXEC); -1 once removed.
    public internal(set) var fd: Int32
    var parentFD: Int32
    /// The parent when it is an nsrun cgroup (kept alive: a nested v1
    /// companion goes below the parent's).
    let parentHandle: Cgroup?
    /// Whether the parent is the caller's own cgroup2 at creation.
    let parentIsOwn: Bool
    /// The v1 `pids` companion, once a pids limit needed it.
    public internal(set) var v1Path: String?
    var v1FD: Int32 = -1
    var v1ParentFD: Int32 = -1
    /// Registry key, in creation order.
    public internal(set) var serial = 0

    public var isRemoved: Bool { fd < 0 }

    init(name: String, path: String, parentPath: String, fd: Int32, parentFD: Int32,
         parentHandle: Cgroup?, parentIsOwn: Bool, hierarchy: CgroupHierarchy) {
        self.name = name
        self.path = path
        self.parentPath = parentPath
        self.fd = fd
        self.parentFD = parentFD
        self.parentHandle = parentHandle
        self.parentIsOwn = parentIsOwn
        self.hierarchy = hierarchy
        self.creator = rawGetpid()
    }

    /// Creates the cgroup2 directory `name` below `parent` (mkdir 0755 in a
    /// directory checked to be cgroup2), opens it and records it in
    /// `CgroupRegistry` so that it is removed at exit. `name` must pass
    /// `CgroupValues.nameRefusal` (callers check it first; a refused name
    /// throws EINVAL). A `.path` parent that is the directory of a live
    /// nsrun cgroup counts as that handle. Throws "cgroup create PATH":
    /// EEXIST, ENOENT (no such parent), EXDEV "(not cgroup2)" for a parent
    /// that is not a cgroup2 directory, EOPNOTSUPP when no cgroup2 hierarchy
    /// is mounted, EACCES/EPERM.
    public static func create(_ name: String, parent: Parent) throws(SysError) -> Cgroup {
        let op = "cgroup create"
        if let why = CgroupValues.nameRefusal(name) { throw SysError(errno: EINVAL, operation: op, object: "(\(why))") }
        let h: CgroupHierarchy
        do throws(SysError) { h = try CgroupHierarchy.current(operation: op) } catch {
            throw SysError(errno: error.errno, operation: op, object: name + " " + error.object)
        }
        var handle: Cgroup?
        let parentPath: String
        switch parent {
        case .own: parentPath = h.ownV2
        case .handle(let p):
            guard !p.isRemoved else { throw SysError(errno: ENOENT, operation: op, object: p.path + " (removed)") }
            handle = p; parentPath = p.path
        case .path(let p):
            handle = CgroupRegistry.live(at: p); parentPath = p
        }
        let pfd: Int32
        if let handle {
            pfd = fcntl(handle.fd, F_DUPFD_CLOEXEC, 0)
            if pfd < 0 { throw SysError.last(op, parentPath) }
        } else {
            pfd = try CgroupFS.openDirectory(parentPath, kind: .v2, operation: op)
        }
        let path = CgroupFS.join(parentPath, name)
        let dfd: Int32
        do throws(SysError) {
            try CgroupFS.makeDirectory(pfd, name, operation: op, dirPath: parentPath)
            do throws(SysError) {
                dfd = try CgroupFS.openDirectory(at: pfd, name, kind: .v2, operation: op, dirPath: parentPath)
            } catch {
                unlinkat(pfd, name, AT_REMOVEDIR)
                throw error
            }
        } catch {
            close(pfd)
            throw error
        }
        let cg = Cgroup(name: name, path: path, parentPath: parentPath, fd: dfd, parentFD: pfd,
                        parentHandle: handle, parentIsOwn: handle == nil && parentPath == h.ownV2, hierarchy: h)
        CgroupRegistry.register(cg)
        return cg
    }

    /// Writes `value` to the interface file `key` (one write; "cgroup set").
    /// `key` must pass `CgroupValues.keyRefusal` (else EINVAL). ENOENT for a
    /// file the cgroup does not have (a controller not enabled for it).
    public func set(_ key: String, _ value: String) throws(SysError) {
        try checkKey(key, "cgroup set")
        try CgroupFS.write(fd, key, value, kind: .v2, operation: "cgroup set", dirPath: path)
    }

    /// The content of the interface file `key`, trailing newline stripped
    /// ("cgroup get").
    public func get(_ key: String) throws(SysError) -> String {
        try checkKey(key, "cgroup get")
        return CgroupValues.strippingNewline(try CgroupFS.read(fd, key, kind: .v2, operation: "cgroup get", dirPath: path))
    }

    /// Moves process `pid` (0: the caller) into the cgroup: its cgroup2
    /// cgroup.procs, then the v1 companion's if there is one ("cgroup add";
    /// ESRCH for no such process).
    public func add(_ pid: pid_t) throws(SysError) {
        try CgroupFS.write(fd, "cgroup.procs", "\(pid)", kind: .v2, operation: "cgroup add", dirPath: path, detail: " (pid \(pid))")
        if v1FD >= 0, let v1Path {
            try CgroupFS.write(v1FD, "cgroup.procs", "\(pid)", kind: .v1, operation: "cgroup add", dirPath: v1Path, detail: " (pid \(pid))")
        }
    }

    /// The pids in cgroup.procs (this cgroup only, not its descendants).
    public func procs() throws(SysError) -> [pid_t] {
        CgroupValues.pidList(try CgroupFS.read(fd, "cgroup.procs", kind: .v2, operation: "cgroup procs", dirPath: path))
    }

    /// The event counters, per file: "cgroup" (cgroup.events: populated,
    /// frozen), then "memory" (memory.events) and "pids" (pids.events) when
    /// the cgroup has them; on a hybrid host "pids" comes from the v1
    /// companion. Files that do not exist are left out.
    public func events() throws(SysError) -> [(file: String, values: [(String, Int64)])] {
        let op = "cgroup events"
        var out: [(file: String, values: [(String, Int64)])] = []
        out.append(("cgroup", CgroupValues.keyedIntegers(try CgroupFS.read(fd, "cgroup.events", kind: .v2, operation: op, dirPath: path))))
        for c in ["memory", "pids"] {
            if let text = try optionalRead(fd, "\(c).events", kind: .v2, dirPath: path) {
                out.append((c, CgroupValues.keyedIntegers(text)))
            } else if c == "pids", v1FD >= 0, let v1Path,
                      let text = try optionalRead(v1FD, "pids.events", kind: .v1, dirPath: v1Path) {
                out.append((c, CgroupValues.keyedIntegers(text)))
            }
        }
        return out
    }

    /// The file's content, or nil when it does not exist.
    func optionalRead(_ dirfd: Int32, _ key: String, kind: CgroupFS.Kind, dirPath: String) throws(SysError) -> String? {
        do throws(SysError) {
            return try CgroupFS.read(dirfd, key, kind: kind, operation: "cgroup events", dirPath: dirPath)
        } catch {
            if error.errno == ENOENT { return nil }
            throw error
        }
    }

    func checkKey(_ key: String, _ op: String) throws(SysError) {
        if let why = CgroupValues.keyRefusal(key) { throw SysError(errno: EINVAL, operation: op, object: "\(path) (\(why))") }
    }

    /// Closes the fds without removing anything: for a process that did not
    /// create the cgroup (a clone child's copy) and drops it.
    public func abandon() {
        closeAll()
        CgroupRegistry.unregister(self)
    }

    func closeAll() {
        for f in [fd, parentFD, v1FD, v1ParentFD] where f >= 0 { close(f) }
        fd = -1; parentFD = -1; v1FD = -1; v1ParentFD = -1
    }
}
