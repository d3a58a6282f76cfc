import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// Removes the cgroups an nsrun could not remove itself because it was
/// killed (SIGKILL runs no code: no atexit handler, no `__gc`).
///
/// The first cgroup a process creates starts a janitor: a process of its own
/// (double-forked, so it is nobody's child to reap; in a session of its own,
/// so terminal signals miss it; stdio on /dev/null, so it holds no pipe a
/// caller reads to EOF; cwd `/`). It reads lines from a close-on-exec
/// socket pair (not a pipe: a write to a janitor that was killed must fail
/// with EPIPE, not raise SIGPIPE in nsrun) whose other end the creating
/// process keeps:
///
///     +V2PATH<TAB>V1PATH     a cgroup created (V1PATH: its v1 pids companion, or empty)
///     -V2PATH                a cgroup removed
///
/// At EOF — every holder of the write end has exited: nsrun and any clone
/// child that kept it (exec closes it) — it removes, newest first, what was
/// announced and not withdrawn: `cgroup.kill`, SIGKILL to what the v1
/// companion lists, then rmdir of the companion and of the cgroup, retrying
/// EBUSY for up to 2 s each. A normal exit removed everything already (the
/// atexit handler, `CgroupRegistry.removeLeftovers`), so the janitor finds
/// nothing to do and exits.
///
/// Best effort: if the janitor cannot be started, cgroups work as before and
/// a SIGKILLed nsrun leaves them behind.
public enum CgroupJanitor {
    /// nsrun's end of the socket pair (close-on-exec), -1 before the first
    /// cgroup or once the janitor is gone.
    nonisolated(unsafe) static var fd: Int32 = -1

    /// Tells the janitor (started now if this process has none) about `cg`.
    static func announce(_ cg: Cgroup) {
        if fd < 0 { fd = start() }
        send("+" + cg.path + "\t" + (cg.v1Path ?? "") + "\n")
    }

    /// Tells the janitor that `cg` is gone.
    static func withdraw(_ cg: Cgroup) {
        send("-" + cg.path + "\n")
    }

    private static func send(_ line: String) {
        guard fd >= 0 else { return }
        var line = line
        let saved = errno
        defer { errno = saved }
        line.withUTF8 { buf in
            var done = 0
            while done < buf.count {
                let n = Glibc.send(fd, buf.baseAddress! + done, buf.count - done, Int32(MSG_NOSIGNAL))
                if n < 0 {
                    if errno == EINTR { continue }
                    // EPIPE: the janitor is gone (killed); stop talking to it.
                    close(fd)
                    fd = -1
                    return
                }
                done += n
            }
        }
    }

    /// Double-forks the janitor; returns nsrun's end of the socket pair, or -1.
    private static func start() -> Int32 {
        var ends: [Int32] = [-1, -1]
        if socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &ends) < 0 { return -1 }
        let side: CloneSide
        do throws(CloneError) { side = try cloneForkSemantics(CloneRequest(flags: [])) } catch {
            close(ends[0]); close(ends[1])
            return -1
        }
        switch side {
        case .parent(let middle):
            close(ends[0])
            // The middle process exits at once; reap it so nothing is left.
            reapAndClose(middle.pidfd)
            return ends[1]
        case .child:
            close(ends[1])
            guard case .child = (try? cloneForkSemantics(CloneRequest(flags: []))) ?? .parent(ClonedChild(pid: 0, pidfd: -1)) else {
                _exit(0) // the middle process: its child is the janitor, re-parented when it exits
            }
            run(ends[0])
        }
    }

    /// The janitor's life; never returns.
    private static func run(_ input: Int32) -> Never {
        _ = setsid()
        // The socket moves to fd 3; stdio goes to /dev/null; every other fd
        // inherited from nsrun (sandbox pipes, pidfds, cgroup fds) closes.
        let fd: Int32 = 3
        if input != fd { _ = dup2(input, fd) }
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        if null >= 0 { for target in Int32(0)...2 { _ = dup2(null, target) } }
        _ = nsrun_sys_close_range(4, UInt32.max, 0)
        _ = chdir("/")
        var entries: [Entry] = []
        var pending: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; break }
            if n == 0 { break }
            pending.append(contentsOf: buf[0..<n])
            while let nl = pending.firstIndex(of: 10) {
                let line = String(decoding: pending[0..<nl], as: UTF8.self)
                pending.removeSubrange(0...nl)
                if line.hasPrefix("+") {
                    let parts = line.dropFirst().split(separator: "\t", maxSplits: 1, omittingEmptySubsequences: false)
                    let v2 = String(parts[0]), v1 = parts.count > 1 ? String(parts[1]) : ""
                    entries.removeAll { $0.v2 == v2 }
                    entries.append(Entry(v2: v2, v1: v1))
                } else if line.hasPrefix("-") {
                    let v2 = String(line.dropFirst())
                    entries.removeAll { $0.v2 == v2 }
                }
            }
        }
        for e in entries.reversed() { purge(v2: e.v2, v1: e.v1) }
        _exit(0)
    }

    /// An announced cgroup (a struct: see NamedConstant).
    struct Entry {
        let v2: String
        let v1: String
    }

    /// Kills what is left in a cgroup and its v1 companion, and removes both,
    /// through `CgroupFS` (each directory checked to be cgroup2 or v1 before
    /// anything is written) and `Cgroup.killEach` (SIGKILL through pidfds),
    /// as `Cgroup.remove` does for a live handle. Errors are dropped: the
    /// janitor has no one to tell, and a directory already gone is the goal.
    private static func purge(v2: String, v1: String) {
        let op = "cgroup janitor"
        if let dir = try? CgroupFS.openDirectory(v2, kind: .v2, operation: op) {
            try? CgroupFS.write(dir, "cgroup.kill", "1", kind: .v2, operation: op, dirPath: v2)
            close(dir)
        }
        if !v1.isEmpty {
            if let dir = try? CgroupFS.openDirectory(v1, kind: .v1, operation: op) {
                for _ in 0..<100 {
                    guard let text = try? CgroupFS.read(dir, "cgroup.procs", kind: .v1, operation: op, dirPath: v1) else { break }
                    let pids = CgroupValues.pidList(text)
                    if pids.isEmpty { break }
                    Cgroup.killEach(pids)
                    usleep(20_000)
                }
                close(dir)
            }
            removeDirectory(v1)
        }
        removeDirectory(v2)
    }

    /// rmdir, retrying EBUSY (members still exiting) for up to 2 s.
    private static func removeDirectory(_ path: String) {
        for _ in 0..<100 {
            if rmdir(path) == 0 || errno != EBUSY { return }
            usleep(20_000)
        }
    }
}
