/// The CLONE_* flags of LXC's process_utils.h, with the seed's values.
///
/// A 64-bit option set because clone3 added flags above bit 31
/// (CLONE_CLEAR_SIGHAND, CLONE_INTO_CGROUP). Note that CLONE_NEWTIME (0x80)
/// lies inside CSIGNAL: the low byte is the exit signal for the legacy clone
/// and unshare(2) uses it as a flag, so CLONE_NEWTIME is usable with clone3
/// and unshare only.
public struct CloneFlags: OptionSet, Hashable, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    /// Signal mask to be sent at exit (legacy clone's low byte).
    public static let csignal: UInt64 = 0x0000_00ff

    public static let newTime          = CloneFlags(rawValue: 0x0000_0080)
    public static let vm               = CloneFlags(rawValue: 0x0000_0100)
    public static let fs               = CloneFlags(rawValue: 0x0000_0200)
    public static let files            = CloneFlags(rawValue: 0x0000_0400)
    public static let sighand          = CloneFlags(rawValue: 0x0000_0800)
    public static let pidfd            = CloneFlags(rawValue: 0x0000_1000)
    public static let ptrace           = CloneFlags(rawValue: 0x0000_2000)
    public static let vfork            = CloneFlags(rawValue: 0x0000_4000)
    public static let parent           = CloneFlags(rawValue: 0x0000_8000)
    public static let thread           = CloneFlags(rawValue: 0x0001_0000)
    public static let newNS            = CloneFlags(rawValue: 0x0002_0000)
    public static let sysvsem          = CloneFlags(rawValue: 0x0004_0000)
    public static let settls           = CloneFlags(rawValue: 0x0008_0000)
    public static let parentSettid     = CloneFlags(rawValue: 0x0010_0000)
    public static let childCleartid    = CloneFlags(rawValue: 0x0020_0000)
    public static let detached         = CloneFlags(rawValue: 0x0040_0000)
    public static let untraced         = CloneFlags(rawValue: 0x0080_0000)
    public static let childSettid      = CloneFlags(rawValue: 0x0100_0000)
    public static let newCgroup        = CloneFlags(rawValue: 0x0200_0000)
    public static let newUTS           = CloneFlags(rawValue: 0x0400_0000)
    public static let newIPC           = CloneFlags(rawValue: 0x0800_0000)
    public static let newUser          = CloneFlags(rawValue: 0x1000_0000)
    public static let newPID           = CloneFlags(rawValue: 0x2000_0000)
    public static let newNet           = CloneFlags(rawValue: 0x4000_0000)
    public static let io               = CloneFlags(rawValue: 0x8000_0000)
    public static let clearSighand     = CloneFlags(rawValue: 0x1_0000_0000)
    public static let intoCgroup       = CloneFlags(rawValue: 0x2_0000_0000)

    /// Every flag by its C name, in value order: the table recipes see as
    /// `ns.CLONE_*` and the names used in messages.
    public static let named: [NamedConstant] = [
        .init("CLONE_NEWTIME", .newTime), .init("CLONE_VM", .vm), .init("CLONE_FS", .fs),
        .init("CLONE_FILES", .files), .init("CLONE_SIGHAND", .sighand), .init("CLONE_PIDFD", .pidfd),
        .init("CLONE_PTRACE", .ptrace), .init("CLONE_VFORK", .vfork), .init("CLONE_PARENT", .parent),
        .init("CLONE_THREAD", .thread), .init("CLONE_NEWNS", .newNS), .init("CLONE_SYSVSEM", .sysvsem),
        .init("CLONE_SETTLS", .settls), .init("CLONE_PARENT_SETTID", .parentSettid),
        .init("CLONE_CHILD_CLEARTID", .childCleartid), .init("CLONE_DETACHED", .detached),
        .init("CLONE_UNTRACED", .untraced), .init("CLONE_CHILD_SETTID", .childSettid),
        .init("CLONE_NEWCGROUP", .newCgroup), .init("CLONE_NEWUTS", .newUTS),
        .init("CLONE_NEWIPC", .newIPC), .init("CLONE_NEWUSER", .newUser), .init("CLONE_NEWPID", .newPID),
        .init("CLONE_NEWNET", .newNet), .init("CLONE_IO", .io),
        .init("CLONE_CLEAR_SIGHAND", .clearSighand), .init("CLONE_INTO_CGROUP", .intoCgroup),
    ]

    /// Every bit nsrun knows a name for.
    public static let known: CloneFlags = {
        // A loop, not CloneFlags(named.map(\.flag)): no [CloneFlags] built.
        var all = CloneFlags()
        for n in named { all.insert(n.flag) }
        return all
    }()

    /// Flags the legacy clone syscall cannot carry: CLONE_NEWTIME collides
    /// with the exit-signal byte, and the upper 32 bits are dropped by the
    /// kernel's legacy entry point.
    public static let needClone3: CloneFlags = [.newTime, .clearSighand, .intoCgroup]

    /// "CLONE_NEWPID|CLONE_NEWUTS", with unknown bits in hex; "0" when empty.
    public var description: String {
        var parts = CloneFlags.named.filter { contains($0.flag) }.map(\.name)
        let rest = rawValue & ~CloneFlags.known.rawValue
        if rest != 0 { parts.append("0x" + String(rest, radix: 16)) }
        return parts.isEmpty ? "0" : parts.joined(separator: "|")
    }
}

/// waitid(2) idtype for a pidfd (Linux 5.4).
public let P_PIDFD: Int32 = 3

/// A clone flag in `CloneFlags.named`.
extension NamedConstant {
    @inlinable public init(_ name: String, _ flag: CloneFlags) { self.init(name, Int64(bitPattern: flag.rawValue)) }
    /// The value as clone flags.
    public var flag: CloneFlags { CloneFlags(rawValue: UInt64(bitPattern: value)) }
}
