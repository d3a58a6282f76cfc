#if canImport(Glibc)
import Glibc
#endif
import CNSRunSys

/// The kernel's Landlock ABI version (1 = Linux 5.13, 2 = 5.19, 3 = 6.2,
/// 4 = 6.7, 5 = 6.10, 6 = 6.12, 7 = 6.15). Throws `landlockUnavailable`'s
/// error (ENOSYS: not built in; EOPNOTSUPP: built in but not enabled at
/// boot) for `operation`. Restricts nothing.
public func landlockABI(_ operation: String = "landlock_abi") throws(SysError) -> Int {
    let v = nsrun_landlock_abi_version()
    if v < 0 { throw landlockUnavailable(errno: Glibc.errno, operation: operation) }
    return Int(v)
}

/// "landlock: Landlock is not supported by this kernel (not built in):
/// Function not implemented" for ENOSYS, "(not enabled at boot, see lsm=)"
/// for EOPNOTSUPP; any other errno as "OPERATION: strerror".
public func landlockUnavailable(errno: Int32, operation: String) -> SysError {
    switch errno {
    case ENOSYS: return SysError(errno: errno, operation: "\(operation): Landlock is not supported by this kernel (not built in)")
    case EOPNOTSUPP: return SysError(errno: errno, operation: "\(operation): Landlock is not supported by this kernel (not enabled at boot, see the lsm= parameter)")
    default: return SysError(errno: errno, operation: operation)
    }
}

/// What `landlock{}` is asked to do.
public struct LandlockPolicy: Equatable, Sendable {
    public var ro: [String] = []
    public var rw: [String] = []
    public var exec: [String] = []
    /// Apply what the kernel supports instead of failing (see `restrictFilesystem`).
    public var bestEffort = false
    public init() {}

    /// Every path with its tree, in the order ro, rw, exec.
    public var paths: [(LandlockTree, String)] {
        ro.map { (.ro, $0) } + rw.map { (.rw, $0) } + exec.map { (.exec, $0) }
    }
}

/// How `restrictFilesystem` ended without an error.
public enum LandlockOutcome: Equatable, Sendable {
    /// Every right nsrun knows is restricted.
    case applied(abi: Int)
    /// Best effort on an older ABI: restricted, except `plan.unrestricted`.
    case partial(LandlockPlan)
    /// Best effort without Landlock (ENOSYS, EOPNOTSUPP): nothing restricted,
    /// no_new_privs not set.
    case unavailable(errno: Int32)

    /// nil for `applied`; otherwise the note a best-effort call returns:
    /// "landlock ABI 2 cannot restrict truncate, ioctl_dev",
    /// "landlock unavailable: nothing restricted (Function not implemented)".
    public var note: String? {
        switch self {
        case .applied: return nil
        case .partial(let plan): return plan.shortfall.map { "landlock " + $0 }
        case .unavailable(let errno): return "landlock unavailable: nothing restricted (\(SysError.describe(errno)))"
        }
    }
}

/// The refusal of a strict (not best-effort) `landlock{}` on an ABI that
/// cannot restrict everything, or nil when it can: EOPNOTSUPP,
/// "landlock: ABI 2 cannot restrict truncate, ioctl_dev (best_effort = true
/// applies the rest): Operation not supported".
public func landlockShortfallError(_ plan: LandlockPlan) -> SysError? {
    guard let text = plan.shortfall else { return nil }
    return SysError(errno: EOPNOTSUPP, operation: "landlock: \(text) (best_effort = true applies the rest)")
}

/// Confines the calling process, and every process it starts later, to
/// `policy`'s trees: beneath an `ro` path files can be read and directories
/// listed; beneath `rw` also written, created, removed, renamed, truncated
/// and ioctl'd (devices); beneath `exec` executed and read. Every other
/// filesystem access Landlock handles is denied (EACCES), everywhere.
///
/// Steps, in order; a failure at any step before the last two leaves the
/// process exactly as it was:
/// 1. every path is opened (O_PATH, following symlinks): `"landlock PATH: ..."`;
/// 2. the ABI is queried: without Landlock, `landlockUnavailable`'s error, or
///    with `bestEffort` `.unavailable` (nothing restricted, no_new_privs not set);
/// 3. on an ABI that cannot restrict every right (`LandlockPlan.unrestricted`:
///    truncate below 3, ioctl_dev below 5), `landlockShortfallError`, or with
///    `bestEffort` the rest is applied and `.partial` says what was not;
/// 4. the ruleset is created and a rule added per path;
/// 5. no_new_privs is set (always, root included: restrict_self needs it
///    without CAP_SYS_ADMIN, and it cannot be undone);
/// 6. landlock_restrict_self.
public func restrictFilesystem(_ policy: LandlockPolicy) throws(SysError) -> LandlockOutcome {
    let trees = try LandlockTrees(policy.paths)
    let abi: Int
    do throws(SysError) { abi = try landlockABI("landlock") } catch {
        if policy.bestEffort, error.errno == ENOSYS || error.errno == EOPNOTSUPP { return .unavailable(errno: error.errno) }
        throw error
    }
    let plan = LandlockPlan(abi: abi)
    if !policy.bestEffort, let refusal = landlockShortfallError(plan) { throw refusal }
    let ruleset = try LandlockRuleset(plan: plan)
    for entry in trees.entries { try ruleset.add(entry) }
    try ruleset.restrictSelf()
    return plan.unrestricted.isEmpty ? .applied(abi: abi) : .partial(plan)
}
