#if canImport(Glibc)
import Glibc
#endif

extension Cgroup {
    /// How long `freeze`, `thaw` and `remove` wait for the kernel (ms).
    public static let waitTimeoutMs = 5000

    /// Writes "1" to cgroup.kill (Linux 5.14): SIGKILL to every process in
    /// the cgroup and its descendants, at once, so none can fork away.
    /// ENOENT on an older kernel. EBUSY when nsrun itself is in the cgroup.
    public func kill() throws(SysError) {
        try refuseIfCallerInside("cgroup kill")
        try CgroupFS.write(fd, "cgroup.kill", "1", kind: .v2, operation: "cgroup kill", dirPath: path)
    }

    /// Writes "1" to cgroup.freeze, then waits (bounded by `timeoutMs`)
    /// until cgroup.events says "frozen 1": every process in it is stopped.
    /// ETIMEDOUT when it does not happen in time; EBUSY when nsrun itself
    /// is in the cgroup (it would freeze itself).
    public func freeze(timeoutMs: Int = Cgroup.waitTimeoutMs) throws(SysError) {
        try refuseIfCallerInside("cgroup freeze")
        try CgroupFS.write(fd, "cgroup.freeze", "1", kind: .v2, operation: "cgroup freeze", dirPath: path)
        try waitForEvent("frozen", 1, operation: "cgroup freeze", timeoutMs: timeoutMs)
    }

    /// Writes "0" to cgroup.freeze and waits for "frozen 0". A cgroup whose
    /// parent is frozen stays frozen: ETIMEDOUT then.
    public func thaw(timeoutMs: Int = Cgroup.waitTimeoutMs) throws(SysError) {
        try CgroupFS.write(fd, "cgroup.freeze", "0", kind: .v2, operation: "cgroup thaw", dirPath: path)
        try waitForEvent("frozen", 0, operation: "cgroup thaw", timeoutMs: timeoutMs)
    }

    /// Removes the cgroup ("cgroup remove"):
    /// 1. nested nsrun cgroups below it first, deepest first;
    /// 2. if processes remain (cgroup.events "populated 1"), they are killed
    ///    (cgroup.kill; on a kernel without it, SIGKILL to each listed pid
    ///    through a pidfd) and it waits, bounded by `timeoutMs`, for
    ///    "populated 0";
    /// 3. the v1 companion likewise (processes still listed there are
    ///    killed through pidfds) and is removed;
    /// 4. rmdir of the cgroup2 directory (EBUSY is retried until the
    ///    deadline: the kernel may lag behind the events file).
    /// Then the fds are closed and it leaves the registry. Throws: EBUSY when
    /// nsrun itself is in it, or for a child cgroup nsrun did not create;
    /// ETIMEDOUT when it does not empty in time; ENOENT when the directory
    /// is already gone (the handle counts as removed then).
    public func remove(timeoutMs: Int = Cgroup.waitTimeoutMs) throws(SysError) {
        let op = "cgroup remove"
        try refuseIfCallerInside(op)
        for child in CgroupRegistry.descendants(of: self) { try child.remove(timeoutMs: timeoutMs) }
        let deadline = Cgroup.monotonicMs() + timeoutMs
        do throws(SysError) {
            if try populated(op) {
                try killMembers(op)
                try waitForEvent("populated", 0, operation: op, timeoutMs: max(1, deadline - Cgroup.monotonicMs()))
            }
            if v1FD >= 0, let v1Path {
                try emptyV1(op, deadline: deadline)
                try removeDirectory(v1ParentFD, dirPath: Cgroup.parentDirectory(of: v1Path), op, deadline: deadline)
                close(v1FD); close(v1ParentFD)
                v1FD = -1; v1ParentFD = -1
            }
            try removeDirectory(parentFD, dirPath: parentPath, op, deadline: deadline)
        } catch {
            if error.errno == ENOENT { CgroupJanitor.withdraw(self); abandon() }
            throw error
        }
        CgroupJanitor.withdraw(self)
        closeAll()
        CgroupRegistry.unregister(self)
    }

    /// Whether cgroup.events says "populated 1".
    func populated(_ op: String) throws(SysError) -> Bool {
        let text = try CgroupFS.read(fd, "cgroup.events", kind: .v2, operation: op, dirPath: path)
        return CgroupValues.keyedIntegers(text).contains { $0.0 == "populated" && $0.1 != 0 }
    }

    /// cgroup.kill, or, where it does not exist (Linux < 5.14), SIGKILL to
    /// each process in cgroup.procs.
    func killMembers(_ op: String) throws(SysError) {
        do throws(SysError) {
            try CgroupFS.write(fd, "cgroup.kill", "1", kind: .v2, operation: op, dirPath: path)
        } catch {
            guard error.errno == ENOENT else { throw error }
            Cgroup.killEach(try procs())
        }
    }

    /// SIGKILL through a pidfd to each pid (errors ignored: it is gone).
    static func killEach(_ pids: [pid_t]) {
        for pid in pids {
            guard let pidfd = try? pidfdOpen(pid) else { continue }
            try? pidfdSendSignal(pidfd, SIGKILL)
            close(pidfd)
        }
    }

    /// Waits until the v1 companion's cgroup.procs is empty, killing what is
    /// listed there, until `deadline` (ETIMEDOUT).
    func emptyV1(_ op: String, deadline: Int) throws(SysError) {
        guard let v1Path else { return }
        while true {
            let pids = CgroupValues.pidList(try CgroupFS.read(v1FD, "cgroup.procs", kind: .v1, operation: op, dirPath: v1Path))
            if pids.isEmpty { return }
            if Cgroup.monotonicMs() >= deadline {
                throw SysError(errno: ETIMEDOUT, operation: op, object: "\(v1Path) (\(pids.count) processes remain)")
            }
            Cgroup.killEach(pids)
            usleep(2000)
        }
    }

    /// rmdir of this cgroup's directory (`name`) below `dirfd`, retrying
    /// EBUSY until `deadline`.
    func removeDirectory(_ dirfd: Int32, dirPath: String, _ op: String, deadline: Int) throws(SysError) {
        while true {
            do throws(SysError) {
                return try CgroupFS.removeDirectory(dirfd, name, operation: op, dirPath: dirPath)
            } catch {
                guard error.errno == EBUSY, Cgroup.monotonicMs() < deadline else { throw error }
                usleep(2000)
            }
        }
    }

    /// Waits until cgroup.events has `key want`, polling the file (the
    /// kernel signals POLLPRI when it changes) and re-reading it at least
    /// every 50 ms, for at most `timeoutMs`. ETIMEDOUT after that.
    func waitForEvent(_ key: String, _ want: Int64, operation op: String, timeoutMs: Int) throws(SysError) {
        let file = CgroupFS.join(path, "cgroup.events")
        let efd = try CgroupFS.openFile(fd, "cgroup.events", flags: O_RDONLY, kind: .v2, operation: op, path: file)
        defer { close(efd) }
        let deadline = Cgroup.monotonicMs() + timeoutMs
        while true {
            if lseek(efd, 0, SEEK_SET) < 0 { throw SysError.last(op, file) }
            let values = CgroupValues.keyedIntegers(try CgroupFS.readAll(efd, operation: op, path: file))
            let now = values.first { $0.0 == key }?.1
            if now == want { return }
            let left = deadline - Cgroup.monotonicMs()
            if left <= 0 {
                throw SysError(errno: ETIMEDOUT, operation: op, object: "\(file) (still \(key) \(now.map(String.init) ?? "?") after \(timeoutMs) ms)")
            }
            var p = pollfd(fd: efd, events: Int16(POLLPRI), revents: 0)
            _ = poll(&p, 1, Int32(min(left, 50)))
        }
    }

    /// EBUSY when the caller's own cgroup (v2, or v1 pids) is this cgroup
    /// or below it: killing, freezing or removing it would hit nsrun itself.
    func refuseIfCallerInside(_ op: String) throws(SysError) {
        let h = try CgroupHierarchy.current(operation: op)
        func inside(_ own: String?, _ dir: String?) -> Bool {
            guard let own, let dir else { return false }
            return own == dir || own.hasPrefix(dir + "/")
        }
        if inside(h.ownV2, path) || inside(h.ownV1Pids, v1Path) {
            throw SysError(errno: EBUSY, operation: op, object: "\(path) (nsrun itself, pid \(rawGetpid()), is in it)")
        }
    }

    /// "/a/b/c" → "/a/b".
    static func parentDirectory(of path: String) -> String {
        guard let i = path.lastIndex(of: "/") else { return path }
        return i == path.startIndex ? "/" : String(path[..<i])
    }

    /// CLOCK_MONOTONIC in milliseconds.
    static func monotonicMs() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int(ts.tv_sec) * 1000 + Int(ts.tv_nsec) / 1_000_000
    }
}
