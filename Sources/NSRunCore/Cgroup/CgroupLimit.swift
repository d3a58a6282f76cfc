#if canImport(Glibc)
import Glibc
#endif

/// Limits by friendly name, already turned into interface-file values by
/// `CgroupValues` (memory "268435456", pids "64", cpu "50000 100000").
public struct CgroupLimits: Equatable, Sendable {
    public var memory: String?
    public var pids: String?
    public var cpu: String?
    public init(memory: String? = nil, pids: String? = nil, cpu: String? = nil) {
        self.memory = memory
        self.pids = pids
        self.cpu = cpu
    }
}

extension Cgroup {
    /// Where a controller's limit is written.
    enum Placement: Equatable {
        /// In the cgroup2 directory: the controller is enabled for it.
        case v2
        /// In the cgroup2 directory, after enabling the controller in the
        /// parent's cgroup.subtree_control ("+pids").
        case v2AfterEnabling
        /// In the v1 `pids` companion (hybrid hosts; pids only).
        case v1Pids
    }

    /// Applies `limits`: memory → memory.max, pids → pids.max, cpu →
    /// cpu.max ("cgroup limit memory", ...).
    ///
    /// First every requested controller is placed, before anything is
    /// written, so a limit that cannot be applied leaves the others
    /// unwritten too (never a limit silently unapplied):
    /// - enabled for this cgroup in cgroup2 (in its cgroup.controllers):
    ///   written there;
    /// - available in the parent (the parent's cgroup.controllers): "+name"
    ///   is written to the parent's cgroup.subtree_control, then the limit.
    ///   On a pure-v2 host the parent must then hold no processes itself
    ///   (the "no internal processes" rule: EBUSY otherwise), so pass a
    ///   `parent` without processes rather than one's own cgroup there;
    /// - `pids` on a hybrid host, where the pids controller is only on v1:
    ///   through the v1 companion, a same-named directory created below the
    ///   caller's own v1 pids cgroup (or below the parent handle's
    ///   companion) on first use; the cgroup's current processes are moved
    ///   into it, and `add` puts later ones in both;
    /// - anything else: EOPNOTSUPP, with a hint (`Hints.missingController`)
    ///   saying which controllers the host has and where: "memory is on
    ///   cgroup v1 at /sys/fs/cgroup/memory, which nsrun does not write to;
    ///   cgroup v2 at /sys/fs/cgroup/unified has only hugetlb". nsrun never
    ///   writes to a v1 hierarchy other than pids.
    public func limit(_ limits: CgroupLimits) throws(SysError) {
        var plan: [(controller: String, value: String, placement: Placement)] = []
        for (c, v) in [("memory", limits.memory), ("pids", limits.pids), ("cpu", limits.cpu)] {
            guard let v else { continue }
            plan.append((c, v, try placement(of: c)))
        }
        for step in plan {
            let op = "cgroup limit \(step.controller)"
            let file = "\(step.controller).max"
            switch step.placement {
            case .v2:
                try CgroupFS.write(fd, file, step.value, kind: .v2, operation: op, dirPath: path)
            case .v2AfterEnabling:
                try CgroupFS.write(parentFD, "cgroup.subtree_control", "+\(step.controller)", kind: .v2, operation: op, dirPath: parentPath)
                try CgroupFS.write(fd, file, step.value, kind: .v2, operation: op, dirPath: path)
            case .v1Pids:
                try ensureV1Companion(operation: op)
                try CgroupFS.write(v1FD, file, step.value, kind: .v1, operation: op, dirPath: v1Path!)
            }
        }
    }

    /// Where `controller`'s limit goes (see `limit`), or EOPNOTSUPP.
    func placement(of controller: String) throws(SysError) -> Placement {
        let op = "cgroup limit \(controller)"
        let own = CgroupValues.controllers(try CgroupFS.read(fd, "cgroup.controllers", kind: .v2, operation: op, dirPath: path))
        if own.contains(controller) { return .v2 }
        let parent = CgroupValues.controllers(try CgroupFS.read(parentFD, "cgroup.controllers", kind: .v2, operation: op, dirPath: parentPath))
        if parent.contains(controller) { return .v2AfterEnabling }
        let mount = hierarchy.v2Mount
        if controller == "pids", hierarchy.ownV1Pids != nil {
            if v1FD >= 0 || canNestV1 { return .v1Pids }
            throw SysError(errno: EOPNOTSUPP, operation: op, object: "\(path) (the pids controller is only on cgroup v1 here, "
                + "and nsrun mirrors a cgroup there only below its own cgroup or below another ns.cgroup handle)")
        }
        let hint = Hints.missingController(controller, parent: parentPath, v2Mount: mount, v2Root: v2RootControllers(operation: op),
                                           v1MountPoints: hierarchy.v1MountPoints)
        throw SysError(errno: EOPNOTSUPP, operation: op, object: path, hint: hint)
    }

    /// The cgroup.controllers of the cgroup2 root (what the host's cgroup2
    /// hierarchy has at all), or nil when it cannot be read.
    func v2RootControllers(operation op: String) -> Set<String>? {
        let mount = hierarchy.v2Mount
        guard let rootFD = try? CgroupFS.openDirectory(mount, kind: .v2, operation: op) else { return nil }
        defer { close(rootFD) }
        guard let text = try? CgroupFS.read(rootFD, "cgroup.controllers", kind: .v2, operation: op, dirPath: mount) else { return nil }
        return CgroupValues.controllers(text)
    }

    /// Whether a v1 companion can be made: below the caller's own v1 pids
    /// cgroup when the parent is the caller's own cgroup2, or below the
    /// parent handle's companion.
    var canNestV1: Bool {
        if let p = parentHandle { return p.v1FD >= 0 || p.canNestV1 }
        return parentIsOwn
    }

    /// Creates the v1 `pids` companion if it does not exist yet (mkdir in a
    /// directory checked to be cgroup v1, in the pids-only hierarchy found by
    /// `CgroupHierarchy`), then moves the cgroup's current processes into it
    /// (ESRCH — a process that exited meanwhile — is ignored).
    func ensureV1Companion(operation op: String) throws(SysError) {
        if v1FD >= 0 { return }
        let anchorPath: String
        let anchorFD: Int32
        if let p = parentHandle {
            try p.ensureV1Companion(operation: op)
            anchorPath = p.v1Path!
            anchorFD = fcntl(p.v1FD, F_DUPFD_CLOEXEC, 0)
            if anchorFD < 0 { throw SysError.last(op, anchorPath) }
        } else if parentIsOwn, let own = hierarchy.ownV1Pids {
            anchorPath = own
            anchorFD = try CgroupFS.openDirectory(own, kind: .v1, operation: op)
        } else {
            throw SysError(errno: EOPNOTSUPP, operation: op, object: "\(path) (no cgroup v1 pids hierarchy to mirror it in)")
        }
        // Belt and braces for DESIGN.md 6: never under the memory hierarchy.
        if anchorPath.hasPrefix("/sys/fs/cgroup/memory") {
            close(anchorFD)
            throw SysError(errno: EOPNOTSUPP, operation: op, object: "\(anchorPath) (refused: the memory hierarchy)")
        }
        let dir: Int32
        do throws(SysError) {
            try CgroupFS.makeDirectory(anchorFD, name, operation: op, dirPath: anchorPath)
            do throws(SysError) {
                dir = try CgroupFS.openDirectory(at: anchorFD, name, kind: .v1, operation: op, dirPath: anchorPath)
            } catch {
                unlinkat(anchorFD, name, AT_REMOVEDIR)
                throw error
            }
        } catch {
            close(anchorFD)
            throw error
        }
        v1ParentFD = anchorFD
        v1FD = dir
        v1Path = CgroupFS.join(anchorPath, name)
        CgroupJanitor.announce(self) // again, now with the companion
        for pid in try procs() {
            do throws(SysError) {
                try CgroupFS.write(v1FD, "cgroup.procs", "\(pid)", kind: .v1, operation: op, dirPath: v1Path!, detail: " (pid \(pid))")
            } catch {
                if error.errno != ESRCH { throw error }
            }
        }
    }
}
