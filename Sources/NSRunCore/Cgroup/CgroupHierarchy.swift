/// Where the caller's cgroups are: the cgroup2 mount and the caller's own
/// cgroup2 directory, and, on a hybrid host, the cgroup v1 controllers that
/// are mounted (and the caller's own directory of the v1 `pids` controller,
/// the one v1 hierarchy nsrun writes to).
///
/// Everything here is pure: `parse(mountinfo:procCgroup:)` takes the text of
/// /proc/self/mountinfo and /proc/self/cgroup, so it is unit-tested in
/// process. `CgroupHierarchy.current()` (in Cgroup.swift) reads the files.
public struct CgroupHierarchy: Equatable, Sendable {
    /// Where the cgroup2 hierarchy is mounted ("/sys/fs/cgroup" on a pure-v2
    /// host, "/sys/fs/cgroup/unified" on a hybrid one).
    public var v2Mount: String
    /// The caller's own cgroup2 directory, from "0::/path".
    public var ownV2: String
    /// The v1 controllers that have a hierarchy mounted (e.g. "memory",
    /// "pids", "cpu"): only used to say why a limit cannot be applied.
    public var v1Controllers: Set<String>
    /// Where each of those v1 controllers is mounted ("memory" →
    /// "/sys/fs/cgroup/memory"; co-mounted controllers share a mount point):
    /// only used to say where a controller is.
    public var v1MountPoints: [String: String]
    /// The caller's own directory in the v1 `pids` hierarchy, when that
    /// hierarchy is mounted on its own (not co-mounted with another
    /// controller, so a write there can never reach, say, the memory
    /// hierarchy) and the caller's cgroup in it is visible; else nil.
    public var ownV1Pids: String?

    public init(v2Mount: String, ownV2: String, v1Controllers: Set<String>, ownV1Pids: String?,
                v1MountPoints: [String: String] = [:]) {
        self.v2Mount = v2Mount
        self.ownV2 = ownV2
        self.v1Controllers = v1Controllers
        self.ownV1Pids = ownV1Pids
        self.v1MountPoints = v1MountPoints
    }

    /// One cgroup or cgroup2 line of /proc/self/mountinfo.
    public struct Mount: Equatable, Sendable {
        /// Field 4: the directory of the hierarchy that is mounted (relative
        /// to the caller's cgroup namespace root).
        public var root: String
        /// Field 5: where it is mounted.
        public var mountPoint: String
        /// "cgroup" or "cgroup2".
        public var fstype: String
        /// The super options (after the fstype and source), e.g. ["rw", "pids"].
        public var superOptions: [String]
    }

    /// One line of /proc/self/cgroup: "ID:controllers:path".
    public struct Membership: Equatable, Sendable {
        public var id: Int
        /// Empty for the v2 line ("0::/path"); ["cpu", "cpuacct"] or
        /// ["name=systemd"] for v1.
        public var controllers: [String]
        public var path: String
    }

    /// The cgroup and cgroup2 mounts of a mountinfo text, in order. Octal
    /// escapes (\040 for a space, \011, \012, \134) are decoded. Malformed
    /// lines are skipped. When several mounts share a mount point, only the
    /// last one (the one on top, which a path lookup reaches) is kept.
    public static func mounts(mountinfo: String) -> [Mount] {
        var out: [Mount] = []
        for line in mountinfo.split(separator: "\n", omittingEmptySubsequences: true) {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            // dash + 3 (the super options) is read below: four fields after the dash.
            guard let dash = fields.firstIndex(of: "-"), dash >= 6, fields.count >= dash + 4 else { continue }
            let fstype = String(fields[dash + 1])
            let mountPoint = unescape(fields[4])
            // A later mount on the same point hides the earlier one.
            out.removeAll { $0.mountPoint == mountPoint }
            guard fstype == "cgroup" || fstype == "cgroup2" else { continue }
            out.append(Mount(root: unescape(fields[3]), mountPoint: mountPoint, fstype: fstype,
                             superOptions: fields[dash + 3].split(separator: ",").map(String.init)))
        }
        return out
    }

    /// The lines of a /proc/self/cgroup text. Malformed lines are skipped.
    public static func memberships(procCgroup: String) -> [Membership] {
        var out: [Membership] = []
        for line in procCgroup.split(separator: "\n", omittingEmptySubsequences: true) {
            // The path may itself contain ':'; split at the first two only.
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3, let id = Int(parts[0]), parts[2].hasPrefix("/") else { continue }
            let controllers = parts[1].isEmpty ? [] : parts[1].split(separator: ",").map(String.init)
            out.append(Membership(id: id, controllers: controllers, path: String(parts[2])))
        }
        return out
    }

    /// The directory under `mountPoint` of the cgroup `path`, for a mount of
    /// the hierarchy's directory `root`: mountPoint + (path minus root), or
    /// nil when `path` lies outside `root` (not visible through this mount).
    public static func directory(mountPoint: String, root: String, path: String) -> String? {
        let rel: Substring
        if root == "/" {
            rel = path.dropFirst()
        } else if path == root {
            rel = ""
        } else if path.hasPrefix(root + "/") {
            rel = path.dropFirst(root.count + 1)
        } else {
            return nil
        }
        if rel.isEmpty { return mountPoint }
        return (mountPoint == "/" ? "" : mountPoint) + "/" + rel
    }

    /// Why no hierarchy can be found, or the hierarchy, from the two texts.
    /// Fails (with the reason) when no cgroup2 mount exists, when
    /// /proc/self/cgroup has no "0::" line, or when the caller's cgroup2 is
    /// not visible through any cgroup2 mount.
    public static func parse(mountinfo: String, procCgroup: String) -> Result<CgroupHierarchy, UsageError> {
        let mounts = mounts(mountinfo: mountinfo)
        let members = memberships(procCgroup: procCgroup)
        let v2Mounts = mounts.filter { $0.fstype == "cgroup2" }
        if v2Mounts.isEmpty { return .failure(UsageError("no cgroup2 hierarchy is mounted")) }
        guard let v2Line = members.first(where: { $0.id == 0 && $0.controllers.isEmpty }) else {
            return .failure(UsageError("/proc/self/cgroup has no cgroup2 line (0::/path)"))
        }
        var found: (mount: String, dir: String)?
        for m in v2Mounts {
            if let d = directory(mountPoint: m.mountPoint, root: m.root, path: v2Line.path) {
                found = (m.mountPoint, d)
                break
            }
        }
        guard let (v2Mount, ownV2) = found else {
            return .failure(UsageError("the caller's cgroup \(v2Line.path) is not visible through any cgroup2 mount"))
        }
        // v1: every controller named in a cgroup mount's super options.
        let v1Mounts = mounts.filter { $0.fstype == "cgroup" }
        var v1: Set<String> = []
        var v1Points: [String: String] = [:]
        for m in v1Mounts {
            for o in m.superOptions where controllerOption(o) {
                v1.insert(o)
                if v1Points[o] == nil { v1Points[o] = m.mountPoint }
            }
        }
        var ownPids: String?
        // The pids hierarchy, only when mounted alone: its controllers are
        // exactly ["pids"], so a write there never reaches another controller.
        if let m = v1Mounts.first(where: { $0.superOptions.filter(controllerOption) == ["pids"] }),
           let line = members.first(where: { $0.controllers == ["pids"] }) {
            ownPids = directory(mountPoint: m.mountPoint, root: m.root, path: line.path)
        }
        return .success(CgroupHierarchy(v2Mount: v2Mount, ownV2: ownV2, v1Controllers: v1, ownV1Pids: ownPids,
                                        v1MountPoints: v1Points))
    }

    /// Whether a v1 super option names a controller (not "rw", "relatime",
    /// "name=systemd", "xattr", "clone_children", ...).
    static func controllerOption(_ o: String) -> Bool {
        !["rw", "ro", "relatime", "noatime", "nosuid", "nodev", "noexec", "xattr", "clone_children",
          "noprefix", "cpuset_v2_mode", "favordynmods", "none", "all"].contains(o)
            && !o.contains("=")
    }

    /// Decodes mountinfo's octal escapes (\ooo) in one field.
    static func unescape(_ s: Substring) -> String {
        guard s.contains("\\") else { return String(s) }
        var bytes: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "\\"), i + 3 < u.count, let v = octal(u[(i + 1)...(i + 3)]) {
                bytes.append(v)
                i += 4
            } else {
                bytes.append(u[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func octal(_ digits: ArraySlice<UInt8>) -> UInt8? {
        guard digits.count == 3 else { return nil }
        var v = 0
        for d in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(d) else { return nil }
            v = v * 8 + Int(d - UInt8(ascii: "0"))
        }
        return v <= 255 ? UInt8(v) : nil
    }
}
