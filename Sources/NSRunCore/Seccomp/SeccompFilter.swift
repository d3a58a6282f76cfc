import CLibSeccomp
#if canImport(Glibc)
import Glibc
#endif

/// Builds a validated `SeccompPolicy` into a BPF filter with libseccomp, and
/// installs it on the calling process or writes it to a file. libseccomp is
/// only touched here, when a recipe calls a seccomp function: start-up
/// never pays for it.
///
/// How the filter is built:
/// - for this architecture only (`SeccompSyscalls.architecture`); a call
///   made through another ABI (i386's int 0x80, x32) kills the process
///   (`badArchitectureAction`), so no deny list can be bypassed that way, and
///   a 32-bit program cannot run under an nsrun filter;
/// - rules are added exactly as written (`seccomp_rule_add_exact_array`:
///   libseccomp may not rewrite them); rules whose effect is not `.filtered`
///   are left out;
/// - libseccomp reports the kernel's own errno (SCMP_FLTATR_API_SYSRAWRC),
///   as a negative return value, turned into a `SysError`.
///
/// Installing (seccomp_load) sets no_new_privs on the caller first, even as
/// root with CAP_SYS_ADMIN (libseccomp's default, kept on purpose, as bwrap
/// does): a filter must not confuse a setuid program into misbehaving with
/// privileges (the sendmail capability bug), and nothing under the filter
/// can gain privileges through exec. no_new_privs and the filter stay for
/// the caller and everything it starts or execs; filters stack, and the
/// strictest action wins. No TSYNC: nsrun is single-threaded (DESIGN.md
/// 2.1), so the filter covers the whole process.
public enum SeccompFilter {
    /// What a call through another ABI gets.
    public static let badArchitectureAction = SeccompAction.killProcess

    /// A libseccomp filter context for `policy`; release it with seccomp_release.
    static func build(_ policy: SeccompPolicy) throws(SysError) -> scmp_filter_ctx {
        guard let ctx = seccomp_init(policy.defaultAction.libseccompValue) else {
            // seccomp_init gives no reason: an action this kernel lacks, or no memory.
            throw SysError(errno: EINVAL, operation: "seccomp_init", object: "default \(policy.defaultAction)")
        }
        do throws(SysError) {
            try set(ctx, SCMP_FLTATR_API_SYSRAWRC, 1, "API_SYSRAWRC")
            try set(ctx, SCMP_FLTATR_CTL_NNP, 1, "CTL_NNP")
            try set(ctx, SCMP_FLTATR_CTL_TSYNC, 0, "CTL_TSYNC")
            try set(ctx, SCMP_FLTATR_ACT_BADARCH, badArchitectureAction.libseccompValue, "ACT_BADARCH")
            for rule in policy.filteredRules {
                guard let number = rule.number else { continue }
                let args = rule.conditions.map { c in
                    c.op == .maskedEqual
                        ? scmp_arg_cmp(arg: UInt32(c.index), op: scmp_compare(c.op.libseccompValue), datum_a: c.mask, datum_b: c.value)
                        : scmp_arg_cmp(arg: UInt32(c.index), op: scmp_compare(c.op.libseccompValue), datum_a: c.value, datum_b: 0)
                }
                let rc = args.withUnsafeBufferPointer { buf in
                    seccomp_rule_add_exact_array(ctx, rule.action.libseccompValue, number, UInt32(buf.count), buf.baseAddress)
                }
                if rc < 0 {
                    throw SysError(errno: -rc, operation: "seccomp_rule_add", object: "\(rule.origin ?? "clone3 rule") \(rule.syscall)")
                }
            }
        } catch {
            seccomp_release(ctx)
            throw error
        }
        return ctx
    }

    private static func set(_ ctx: scmp_filter_ctx, _ attr: scmp_filter_attr, _ value: UInt32, _ name: String) throws(SysError) {
        let rc = seccomp_attr_set(ctx, attr, value)
        if rc < 0 { throw SysError(errno: -rc, operation: "seccomp_attr_set", object: name) }
    }

    /// Installs the filter on the calling process (and sets no_new_privs).
    /// Errors: ENOMEM when the process's filters together would exceed the
    /// kernel's limit (32768 instructions, each filter counting 4 more);
    /// EINVAL for a program over 4096 instructions or an action the kernel
    /// lacks; EACCES without no_new_privs or CAP_SYS_ADMIN (not with NNP set).
    /// libseccomp sets no_new_privs right before loading: it may be set even
    /// when loading fails.
    public static func install(_ policy: SeccompPolicy) throws(SysError) {
        let ctx = try build(policy)
        defer { seccomp_release(ctx) }
        let rc = seccomp_load(ctx)
        if rc < 0 { throw SysError(errno: -rc, operation: "seccomp_load") }
    }

    /// Writes the BPF program (an array of 8-byte struct sock_filter, host
    /// byte order) to `path`, opened O_WRONLY|O_CREAT|O_TRUNC|O_CLOEXEC with
    /// mode 0644 before the umask. The program is built before the file is
    /// opened, so a failure to build leaves no file; a failed write may
    /// leave a partial one.
    public static func export(_ policy: SeccompPolicy, to path: String) throws(SysError) {
        let ctx = try build(policy)
        defer { seccomp_release(ctx) }
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 { throw SysError.last("seccomp_export", path) }
        let rc = seccomp_export_bpf(ctx, fd)
        if rc < 0 {
            close(fd)
            throw SysError(errno: -rc, operation: "seccomp_export", object: path)
        }
        if close(fd) < 0, errno != EINTR { throw SysError.last("seccomp_export", path) }
    }
}
