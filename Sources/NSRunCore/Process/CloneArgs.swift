import CNSRunSys

/// The clone3 argument block (the kernel's `struct clone_args`), defined in C
/// so its layout is the ABI's, not Swift's.
public typealias CloneArgs = nsrun_clone_args

/// The published sizes of `struct clone_args`. clone3 takes the size as its
/// second argument, so a caller states which version it speaks and an older
/// kernel refuses fields it does not know with E2BIG.
public enum CloneArgsSize {
    /// First published struct (Linux 5.3): flags … tls.
    public static let ver0 = 64
    /// Second (Linux 5.5): adds set_tid, set_tid_size.
    public static let ver1 = 80
    /// Third (Linux 5.7): adds cgroup, for CLONE_INTO_CGROUP.
    public static let ver2 = 88

    /// The smallest version that carries every field in use: nsrun sends
    /// VER0 unless a cgroup fd asks for VER2, so older kernels keep working.
    public static func needed(for args: CloneArgs) -> Int {
        if args.cgroup != 0 || args.flags & CloneFlags.intoCgroup.rawValue != 0 { return ver2 }
        if args.set_tid != 0 || args.set_tid_size != 0 { return ver1 }
        return ver0
    }
}
