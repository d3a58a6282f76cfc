#if canImport(Glibc)
import Glibc
#endif
import CNSRunSys

/// The paths of a `landlock{}` call, each opened once as an `O_PATH |
/// O_CLOEXEC` fd (following symlinks: a symlink grants its target), before
/// any ruleset exists. A path that cannot be opened fails here with
/// `"landlock PATH: No such file or directory"` (ENOENT, EACCES, ENOTDIR,
/// ELOOP...) and nothing has been applied. Every fd is closed when this
/// value goes away.
public struct LandlockTrees: ~Copyable {
    public struct Entry: Sendable {
        public let tree: LandlockTree
        public let path: String
        public let fd: Int32
        public let isDirectory: Bool
    }
    public private(set) var entries: [Entry] = []

    /// Opens every path of `paths`, in order; closes what it opened when one
    /// fails. (`entries` is only set at the end, so a deinit run for the
    /// thrown-away value finds nothing to close twice.)
    public init(_ paths: [(LandlockTree, String)]) throws(SysError) {
        var opened: [Entry] = []
        opened.reserveCapacity(paths.count)
        for (tree, path) in paths {
            var fd: Int32
            repeat { fd = open(path, OpenFlags.path | O_CLOEXEC) } while fd < 0 && errno == EINTR
            var st = stat()
            if fd < 0 || fstat(fd, &st) != 0 {
                let error = SysError.last("landlock", path)
                if fd >= 0 { close(fd) }
                for e in opened { close(e.fd) }
                throw error
            }
            opened.append(Entry(tree: tree, path: path, fd: fd, isDirectory: st.st_mode & S_IFMT == S_IFDIR))
        }
        entries = opened
    }

    deinit { for e in entries { close(e.fd) } }
}

/// A Landlock ruleset being built: landlock_create_ruleset with `plan`'s
/// handled rights (filesystem only: network ports and scopes stay
/// unhandled), then one LANDLOCK_RULE_PATH_BENEATH rule per tree path.
/// The ruleset fd is close-on-exec (the kernel always sets it) and closed
/// when this value goes away. Building a ruleset restricts nothing.
public struct LandlockRuleset: ~Copyable {
    let fd: OwnedFD
    public let plan: LandlockPlan

    /// EINVAL/E2BIG/ENOMSG are nsrun bugs; ENOSYS/EOPNOTSUPP mean no Landlock
    /// (`landlockUnavailable`).
    public init(plan: LandlockPlan) throws(SysError) {
        let fd = nsrun_landlock_create_ruleset(plan.handled.rawValue)
        if fd < 0 { throw SysError.last("landlock_create_ruleset") }
        self.fd = OwnedFD(fd)
        self.plan = plan
    }

    /// Grants `entry`'s tree rights beneath its path. A rule with nothing to
    /// grant (cannot happen with nsrun's trees) is skipped, as the kernel
    /// would refuse it with ENOMSG.
    public func add(_ entry: LandlockTrees.Entry) throws(SysError) {
        let allowed = plan.allowed(entry.tree, directory: entry.isDirectory)
        if allowed.isEmpty { return }
        if nsrun_landlock_add_path_rule(fd.raw, entry.fd, allowed.rawValue) != 0 {
            throw SysError.last("landlock_add_rule", entry.path)
        }
    }

    /// Sets no_new_privs, then landlock_restrict_self: from here on the
    /// caller and its future children are confined, irrevocably. E2BIG when
    /// the caller is already in 16 nested Landlock domains.
    public func restrictSelf() throws(SysError) {
        try setNoNewPrivs()
        if nsrun_landlock_restrict_self(fd.raw) != 0 { throw SysError.last("landlock_restrict_self") }
    }
}
