#if canImport(Glibc)
import Glibc
#endif

/// What a failed call was doing, as far as a hint needs to know.
public enum HintContext: Sendable, Equatable {
    /// clone, clone3 or unshare, asked for these flags.
    case namespaces(CloneFlags)
    /// Attaching a mount to the tree: mount(2), move_mount(2).
    case mountAttach
    /// Creating a detached mount: open_tree(OPEN_TREE_CLONE), fsmount(2).
    /// Each one lives in an anonymous mount namespace of its own.
    case detachedMount
    /// pivot_root(2).
    case pivotRoot
}

/// What a hint may mention about the host, read only when it is needed.
public struct HostFacts: Sendable, Equatable {
    /// /proc/sys/kernel/apparmor_restrict_unprivileged_userns exists
    /// (AppArmor's user-namespace restriction, Ubuntu 23.10 and later).
    public var appArmorUsernsRestriction: Bool

    public init(appArmorUsernsRestriction: Bool = false) {
        self.appArmorUsernsRestriction = appArmorUsernsRestriction
    }

    /// The host now. A file that cannot be opened through `ProcFile` (no
    /// procfs at /proc, or no such file) counts as absent.
    public static func current() -> HostFacts {
        var facts = HostFacts()
        if let fd = try? ProcFile.open("sys/kernel/apparmor_restrict_unprivileged_userns", flags: O_RDONLY, operation: "hint") {
            close(fd)
            facts.appArmorUsernsRestriction = true
        }
        return facts
    }
}

/// The hints of the common host failures, as bwrap gives them: one short
/// clause naming what to check, appended to `SysError.message` in
/// parentheses. Only these cases have one:
///
/// | failure | hint |
/// |---|---|
/// | EPERM, clone/clone3/unshare with CLONE_NEWUSER | kernel.unprivileged_userns_clone (and AppArmor's kernel.apparmor_restrict_unprivileged_userns where it exists); a chroot, an unmapped uid/gid, seccomp |
/// | ENOSPC, clone/clone3/unshare with CLONE_NEW* | /proc/sys/user/max_<kind>_namespaces of each namespace asked for (and the nesting depth for user and pid) |
/// | ENOSPC attaching a mount | fs.mount-max |
/// | ENOSPC creating a detached mount | /proc/sys/user/max_mnt_namespaces |
/// | EBUSY, pivot_root | the new root must be a mount point, not the current root |
/// | a cgroup controller missing | `missingController`: which controllers the host has, and where |
///
/// Everything here is pure except `HostFacts.current()`, which
/// `SysError.hinted` calls only for the case that mentions the host.
public enum Hints {
    /// The hint for `errno` in `context`, or nil. `host` is evaluated only
    /// for EPERM on a new user namespace.
    public static func hint(errno: Int32, context: HintContext, host: @autoclosure () -> HostFacts = HostFacts()) -> String? {
        switch (context, errno) {
        case (.namespaces(let flags), EPERM) where flags.contains(.newUser):
            return userNamespacesRefused(host())
        case (.namespaces(let flags), ENOSPC):
            return namespaceLimit(flags)
        case (.mountAttach, ENOSPC):
            return "the mount namespace is full: check fs.mount-max, /proc/sys/fs/mount-max"
        case (.detachedMount, ENOSPC):
            return "a detached mount is a mount namespace too: check /proc/sys/user/max_mnt_namespaces"
        case (.pivotRoot, EBUSY):
            return "the new root must be a mount point other than the current root: bind it onto itself first"
        default:
            return nil
        }
    }

    /// EPERM creating a user namespace.
    static func userNamespacesRefused(_ host: HostFacts) -> String {
        let knobs = host.appArmorUsernsRestriction
            ? "kernel.unprivileged_userns_clone and kernel.apparmor_restrict_unprivileged_userns"
            : "kernel.unprivileged_userns_clone"
        return "check \(knobs); a chroot, an unmapped uid/gid or seccomp also refuse it"
    }

    /// ENOSPC creating namespaces: the max_<kind>_namespaces file of every
    /// namespace asked for (they are per user namespace, and counted in
    /// every ancestor), or nil when `flags` ask for none.
    static func namespaceLimit(_ flags: CloneFlags) -> String? {
        let kinds = Namespaces.all.filter { flags.contains($0.flag) }
        guard let first = kinds.first else { return nil }
        let list = sentence(["/proc/sys/user/max_\(first.name)_namespaces"] + kinds.dropFirst().map { "max_\($0.name)_namespaces" })
        let nested = kinds.filter { $0.name == "user" || $0.name == "pid" }.map(\.name)
        if nested.isEmpty { return "check \(list)" }
        return "check \(list); \(sentence(nested)) namespaces nest at most 32 deep"
    }

    /// Why `controller` cannot be used for a cgroup below `parent`, saying
    /// which controllers the host has and where: `v2Root` is the
    /// cgroup.controllers of the cgroup2 root at `v2Mount` (nil when it
    /// could not be read), `v1MountPoints` maps each mounted v1 controller
    /// to its mount point. Called only when `parent`'s cgroup.controllers
    /// lacks `controller`.
    public static func missingController(_ controller: String, parent: String, v2Mount: String,
                                         v2Root: Set<String>?, v1MountPoints: [String: String]) -> String {
        if let v2Root, v2Root.contains(controller) {
            return "\(controller) is in cgroup v2 at \(v2Mount) but not enabled down to \(parent): "
                + "write +\(controller) to cgroup.subtree_control above it"
        }
        let v2 = v2Root.map { "cgroup v2 at \(v2Mount) has \(listing($0))" } ?? "cgroup v2 is at \(v2Mount)"
        if let point = v1MountPoints[controller] {
            return "\(controller) is on cgroup v1 at \(point), which nsrun does not write to; \(v2)"
        }
        guard let v1 = v1Listing(v1MountPoints) else { return "the host has no \(controller) controller: \(v2)" }
        return "the host has no \(controller) controller: \(v2); \(v1)"
    }

    /// "only hugetlb", "cpu, io and pids", "no controllers".
    static func listing(_ controllers: Set<String>) -> String {
        switch controllers.count {
        case 0: return "no controllers"
        case 1: return "only " + controllers.first!
        default: return sentence(controllers.sorted())
        }
    }

    /// "cgroup v1 under /sys/fs/cgroup has blkio, cpu and memory" when every
    /// v1 mount point is a directory of one parent, else "cgroup v1 has cpu
    /// at /a and memory at /b"; nil without v1 controllers.
    static func v1Listing(_ points: [String: String]) -> String? {
        if points.isEmpty { return nil }
        let parents = Set(points.values.map { p -> String in
            guard let slash = p.lastIndex(of: "/"), slash != p.startIndex else { return "/" }
            return String(p[..<slash])
        })
        if parents.count == 1, let dir = parents.first {
            return "cgroup v1 under \(dir) has \(sentence(points.keys.sorted()))"
        }
        return "cgroup v1 has " + sentence(points.keys.sorted().map { "\($0) at \(points[$0]!)" })
    }

    /// "a", "a and b", "a, b and c".
    static func sentence(_ items: [String]) -> String {
        guard let last = items.last else { return "" }
        return items.count == 1 ? last : items.dropLast().joined(separator: ", ") + " and " + last
    }
}

extension SysError {
    /// The same error with the hint `Hints` gives for its errno in
    /// `context` (unchanged when there is none). Call it right where the
    /// error is made, with the flags or the kind of call that failed.
    public func hinted(_ context: HintContext) -> SysError {
        guard let hint = Hints.hint(errno: errno, context: context, host: HostFacts.current()) else { return self }
        return withHint(hint)
    }
}
