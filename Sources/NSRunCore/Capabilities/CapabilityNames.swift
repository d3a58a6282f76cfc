/// The capabilities nsrun knows by name: linux/capability.h's `CAP_*`, in
/// number order, lower case and without the `CAP_` prefix, up to
/// CAP_CHECKPOINT_RESTORE (40, Linux 5.9), the last one of Linux 6.18.
///
/// Pure logic, no syscall. A kernel may know capabilities beyond this table:
/// they have no name here (`name(of:)` says `cap_41`), can not be kept, and
/// are dropped like every other capability that is not kept
/// (`dropCapabilities` goes up to the kernel's own last capability).
///
/// Why this table and raw capget/capset/prctl rather than libcap: every
/// useful libcap function lives in or pulls in libcap's cap_alloc.o, whose
/// constructor (`_libcap_initialize`) probes the bounding set with
/// PR_CAPBSET_READ when the process starts — six prctl calls on every
/// `nsrun` run, for recipes that never touch capabilities (DESIGN.md 2.5:
/// nothing runs at start-up). The calls nsrun needs are four syscalls; the
/// unit tests check this table against libcap's names.
public enum Capabilities {
    /// Names by number: `all[10]` is `"net_bind_service"`.
    public static let all: [String] = [
        "chown", "dac_override", "dac_read_search", "fowner", "fsetid",            // 0-4
        "kill", "setgid", "setuid", "setpcap", "linux_immutable",                  // 5-9
        "net_bind_service", "net_broadcast", "net_admin", "net_raw", "ipc_lock",   // 10-14
        "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace",        // 15-19
        "sys_pacct", "sys_admin", "sys_boot", "sys_nice", "sys_resource",          // 20-24
        "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",             // 25-29
        "audit_control", "setfcap", "mac_override", "mac_admin", "syslog",         // 30-34
        "wake_alarm", "block_suspend", "audit_read", "perfmon", "bpf",             // 35-39
        "checkpoint_restore",                                                      // 40
    ]

    /// The highest capability number nsrun has a name for (40).
    public static var lastKnown: Int { all.count - 1 }

    /// The highest capability number the 64-bit capability sets of
    /// capget/capset (version 3) can hold.
    public static let lastRepresentable = 63

    /// Well-known numbers used by the drop sequence.
    public static let setpcap = 8

    /// The number of a capability named `"net_bind_service"`,
    /// `"CAP_NET_BIND_SERVICE"` or any mix of case; nil for a name nsrun
    /// does not know (including `"cap_41"`-style numbers and `""`).
    public static func number(named name: String) -> Int? {
        // ASCII case only (ASCIINames): "\u{212A}ill" (a Kelvin sign) is not "kill".
        all.firstIndex { ASCIINames.matches(name, $0, optionalPrefix: "cap_") }
    }

    /// The name of capability `n`: the table's, or `"cap_N"` for one the
    /// kernel has and nsrun has no name for.
    public static func name(of n: Int) -> String {
        n >= 0 && n < all.count ? all[n] : "cap_\(n)"
    }

    /// The set (bit n for capability n) of the named capabilities. Throws a
    /// UsageError naming the first unknown name.
    public static func mask(named names: [String]) throws(UsageError) -> UInt64 {
        var mask: UInt64 = 0
        for name in names {
            guard let n = number(named: name) else { throw UsageError("unknown capability '\(name)'") }
            mask |= 1 << UInt64(n)
        }
        return mask
    }

    /// The names of the capabilities in `mask`, sorted alphabetically.
    public static func names(in mask: UInt64) -> [String] {
        numbers(in: mask).map(name(of:)).sorted()
    }

    /// The capability numbers of `mask` (bit n: capability n), ascending.
    public static func numbers(in mask: UInt64) -> [Int] {
        (0..<64).filter { mask & (1 << UInt64($0)) != 0 }
    }
}
