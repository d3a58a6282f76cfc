/// One kind of namespace, as LXC's `ns_info` table (src/lxc/namespace.c):
/// its name in /proc/PID/ns, the path for the caller, and its CLONE_NEW* flag.
public struct NamespaceKind: Sendable, Equatable {
    /// The entry in /proc/PID/ns ("mnt", "uts", ...), also the key of ns_ids.
    public let name: String
    public let flag: CloneFlags

    /// "/proc/self/ns/<name>".
    public var selfPath: String { "/proc/self/ns/" + name }
    /// "CLONE_NEWUTS": the flag's C name.
    public var flagName: String { flag.description }
}

/// The namespaces Linux has, one table for every function that names them.
public enum Namespaces {
    /// Sorted by name. "pid" and "time" are the caller's own; their
    /// *_for_children entries are not listed.
    public static let all: [NamespaceKind] = [
        NamespaceKind(name: "cgroup", flag: .newCgroup),
        NamespaceKind(name: "ipc", flag: .newIPC),
        NamespaceKind(name: "mnt", flag: .newNS),
        NamespaceKind(name: "net", flag: .newNet),
        NamespaceKind(name: "pid", flag: .newPID),
        NamespaceKind(name: "time", flag: .newTime),
        NamespaceKind(name: "user", flag: .newUser),
        NamespaceKind(name: "uts", flag: .newUTS),
    ]

    /// Every CLONE_NEW* flag.
    public static let flags = CloneFlags(all.map(\.flag))

    public static func named(_ name: String) -> NamespaceKind? { all.first { $0.name == name } }
}
