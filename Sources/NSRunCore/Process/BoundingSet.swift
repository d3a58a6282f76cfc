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
    do throws(SysError) {
        // With CAP_SETPCAP effective the set is not read: any drop is allowed.
        let sets = try currentCapabilities(readingAmbient: false, fullBoundingIfSetpcap: true)
        if sets.effective & (1 << UInt64(Capabilities.setpcap)) != 0 || sets.bounding & ~keep == 0 { return nil }
        return SysError(errno: EPERM, operation: "clone", object: "bounding_set (PR_CAPBSET_DROP needs CAP_SETPCAP effective)")
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
