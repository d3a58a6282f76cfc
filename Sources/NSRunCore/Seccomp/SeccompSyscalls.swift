import CLibSeccomp

/// System call names as libseccomp knows them, resolved for the
/// architecture nsrun was built for. A table lookup inside libseccomp: no
/// system call, no kernel query, so it is safe anywhere (unit tests too).
public enum SeccompSyscalls {
    /// What a name stands for here.
    public enum Resolution: Equatable, Sendable {
        /// A system call of this architecture, with its number.
        case number(Int32)
        /// A system call libseccomp knows, but not one this architecture
        /// has (`socketcall` on x86_64): there is nothing to filter.
        case notOnThisArchitecture
        /// Not a system call name at all (a typo): always refused.
        case unknown
    }

    /// seccomp_syscall_resolve_name: a number ≥ 0 for this architecture's
    /// calls, a negative pseudo number (__PNR_*) for calls of other
    /// architectures, __NR_SCMP_ERROR (-1) for unknown names. Names are
    /// exact (lower case, as in `man 2 syscalls`).
    public static func resolve(_ name: String) -> Resolution {
        if name.isEmpty || name.utf8.contains(0) { return .unknown }
        let n = seccomp_syscall_resolve_name(name)
        if n >= 0 { return .number(n) }
        return n == __NR_SCMP_ERROR ? .unknown : .notOnThisArchitecture
    }

    /// The architecture the filter is built for (the native one), as
    /// uname -m spells it.
    public static var architecture: String {
        #if arch(x86_64)
        return "x86_64"
        #elseif arch(arm64)
        return "aarch64"
        #elseif arch(i386)
        return "i386"
        #elseif arch(arm)
        return "arm"
        #elseif arch(powerpc64le)
        return "ppc64le"
        #elseif arch(s390x)
        return "s390x"
        #elseif arch(riscv64)
        return "riscv64"
        #else
        return "native"
        #endif
    }
}
