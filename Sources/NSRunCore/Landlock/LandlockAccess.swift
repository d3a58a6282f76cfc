/// Landlock's filesystem access rights (include/uapi/linux/landlock.h,
/// `LANDLOCK_ACCESS_FS_*`), the ABI version that introduced each, and what
/// nsrun's three kinds of tree grant. Pure logic: no syscall here, so all of
/// it is unit-tested in process (Tests/NSRunCoreTests/LandlockTests.swift).
public struct LandlockAccess: OptionSet, Hashable, Sendable, CustomStringConvertible {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }

    // ABI 1 (Linux 5.13)
    public static let execute = LandlockAccess(rawValue: 1 << 0)
    public static let writeFile = LandlockAccess(rawValue: 1 << 1)
    public static let readFile = LandlockAccess(rawValue: 1 << 2)
    public static let readDir = LandlockAccess(rawValue: 1 << 3)
    public static let removeDir = LandlockAccess(rawValue: 1 << 4)
    public static let removeFile = LandlockAccess(rawValue: 1 << 5)
    public static let makeChar = LandlockAccess(rawValue: 1 << 6)
    public static let makeDir = LandlockAccess(rawValue: 1 << 7)
    public static let makeReg = LandlockAccess(rawValue: 1 << 8)
    public static let makeSock = LandlockAccess(rawValue: 1 << 9)
    public static let makeFifo = LandlockAccess(rawValue: 1 << 10)
    public static let makeBlock = LandlockAccess(rawValue: 1 << 11)
    public static let makeSym = LandlockAccess(rawValue: 1 << 12)
    /// ABI 2 (Linux 5.19): link or rename a file into another directory.
    public static let refer = LandlockAccess(rawValue: 1 << 13)
    /// ABI 3 (Linux 6.2): truncate(2), ftruncate(2), O_TRUNC.
    public static let truncate = LandlockAccess(rawValue: 1 << 14)
    /// ABI 5 (Linux 6.10): ioctl(2) on character and block devices.
    public static let ioctlDev = LandlockAccess(rawValue: 1 << 15)

    /// Every right, in bit order, with its name: the kernel's constant
    /// without `LANDLOCK_ACCESS_FS_`, lower case. ABI 4 (network ports),
    /// 6 (scopes: abstract unix sockets, signals) and 7 (audit logging) add
    /// no filesystem right.
    public static let named: [(right: LandlockAccess, name: String, abi: Int)] = [
        (.execute, "execute", 1), (.writeFile, "write_file", 1), (.readFile, "read_file", 1),
        (.readDir, "read_dir", 1), (.removeDir, "remove_dir", 1), (.removeFile, "remove_file", 1),
        (.makeChar, "make_char", 1), (.makeDir, "make_dir", 1), (.makeReg, "make_reg", 1),
        (.makeSock, "make_sock", 1), (.makeFifo, "make_fifo", 1), (.makeBlock, "make_block", 1),
        (.makeSym, "make_sym", 1), (.refer, "refer", 2), (.truncate, "truncate", 3),
        (.ioctlDev, "ioctl_dev", 5),
    ]

    /// Every filesystem right nsrun knows.
    public static let all = LandlockAccess(named.map(\.right))

    /// The rights the kernel accepts in a rule for a file that is not a
    /// directory (the kernel's ACCESS_FILE); any other right there is EINVAL.
    public static let fileRights: LandlockAccess = [.execute, .writeFile, .readFile, .truncate, .ioctlDev]

    /// The filesystem rights Landlock ABI `abi` can handle (empty below 1).
    /// A later ABI than nsrun knows handles everything nsrun knows.
    public static func supported(abi: Int) -> LandlockAccess {
        LandlockAccess(named.filter { $0.abi <= abi }.map(\.right))
    }

    /// The names of the rights in this set, in bit order.
    public var names: [String] {
        LandlockAccess.named.filter { contains($0.right) }.map(\.name)
    }

    /// "read_file|read_dir", or "none".
    public var description: String { isEmpty ? "none" : names.joined(separator: "|") }
}

/// The three kinds of tree `landlock{}` takes, and what each grants beneath
/// its paths. Everything a tree does not grant is denied for every handled
/// right, outside as well as inside the trees.
public enum LandlockTree: String, CaseIterable, Sendable {
    /// Read files and list directories.
    case ro
    /// `ro` plus every other right except execute: write, create (files,
    /// directories, symlinks, fifos, sockets, devices), remove, rename and
    /// link (refer), truncate, ioctl on devices.
    case rw
    /// Execute files, plus read (a program must be readable to be loaded;
    /// its directory listable to be found).
    case exec

    public var grant: LandlockAccess {
        switch self {
        case .ro: return [.readFile, .readDir]
        case .rw: return LandlockAccess.all.subtracting(.execute)
        case .exec: return [.execute, .readFile, .readDir]
        }
    }
}

/// What `landlock{}` asks of a kernel with Landlock ABI `abi`: the rights
/// the ruleset handles (denied unless a rule grants them), and the rights
/// nsrun would restrict that this ABI cannot, as the kernel documentation's
/// best-effort example computes them.
///
/// Below ABI 2 `refer` is not handled, but the kernel then denies every
/// link or rename into another directory, inside rw trees too: that is more
/// restrictive, so `refer` is not listed as unrestricted there.
public struct LandlockPlan: Equatable, Sendable {
    public let abi: Int
    public let handled: LandlockAccess
    public let unrestricted: LandlockAccess

    public init(abi: Int) {
        self.abi = abi
        handled = LandlockAccess.supported(abi: abi)
        var missing = LandlockAccess.all.subtracting(handled)
        if abi == 1 { missing.remove(.refer) }
        unrestricted = missing
    }

    /// The rights a rule for one path of `tree` grants: the tree's grant
    /// that this ABI handles, narrowed to the file rights when the path is
    /// not a directory.
    public func allowed(_ tree: LandlockTree, directory: Bool) -> LandlockAccess {
        let rights = tree.grant.intersection(handled)
        return directory ? rights : rights.intersection(.fileRights)
    }

    /// nil when this ABI restricts everything; else "ABI 2 cannot restrict
    /// truncate, ioctl_dev".
    public var shortfall: String? {
        unrestricted.isEmpty ? nil : "ABI \(abi) cannot restrict \(unrestricted.names.joined(separator: ", "))"
    }
}
