import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// Why a child cloned with `flags` could not keep only `keep` in its
/// bounding set (clone's `bounding_set`), found before the clone so that
/// nothing is created: PR_CAPBSET_DROP needs CAP_SETPCAP in the child's user
/// namespace. A child with CLONE_NEWUSER has every capability in its new
/// namespace; any other has the caller's, and without CAP_SETPCAP it can
/// only find the capabilities gone already (the caller's bounding set is
/// then read). nil when the child can do it; otherwise EPERM, "clone
/// bounding_set (PR_CAPBSET_DROP needs CAP_SETPCAP effective)".
public func boundingSetRefusal(_ flags: CloneFlags, keep: UInt64) -> SysError? {
    if flags.contains(.newUser) { return nil }
    var eff: UInt64 = 0, prm: UInt64 = 0, inh: UInt64 = 0
    if nsrun_sys_capget(0, &eff, &prm, &inh) < 0 { return SysError.last("clone", "bounding_set (capget)") }
    if eff & (1 << UInt64(Capabilities.setpcap)) != 0 { return nil }
    do throws(SysError) {
        let last = try lastCapability()
        for n in 0...last where keep & (1 << UInt64(n)) == 0 {
            if try boundingHas(n) == true {
                return SysError(errno: EPERM, operation: "clone", object: "bounding_set (PR_CAPBSET_DROP needs CAP_SETPCAP effective)")
            }
        }
        return nil
    } catch { return error }
}

/// In a child, before its function runs: empties the bounding set but for
/// `keep` (bit n: capability n; `nsrun_sys_bounding_keep`). A drop the
/// kernel refuses ends the child: its message on stderr, status 1.
public func keepBoundingSetOrExit(_ keep: UInt64) {
    var cap: Int32 = 0
    let failed = nsrun_sys_bounding_keep(keep, &cap)
    if failed != 0 { nsrun_sys_bounding_failed(cap, failed) }
}
