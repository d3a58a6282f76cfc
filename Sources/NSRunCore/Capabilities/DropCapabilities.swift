import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// Drops every capability not in `drop.keep` from the caller's bounding,
/// effective, permitted, inheritable and ambient sets, including those the
/// kernel has and nsrun has no name for (up to `lastCapability()`), and
/// makes `drop.ambient` inheritable and ambient (see `CapabilityDrop`).
///
/// It reads only what the plan needs: with CAP_SETPCAP effective (and no
/// ambient asked) not the bounding set while it still holds the lowest
/// capability to drop, and once that one is gone only the bits of the
/// capabilities to drop; never the ambient set
/// (`currentCapabilities(readingAmbient:fullBoundingIfSetpcap:probe:dropping:last:)`).
///
/// With `drop.bounding` false the bounding set is left as it is, and with
/// no ambient capability asked it is not even read: capget, then
/// PR_CAP_AMBIENT_CLEAR_ALL and capset.
///
/// Order (`CapabilityDrop.plan`): bounding drops while CAP_SETPCAP is still
/// effective (raised from permitted first if need be), then
/// PR_CAP_AMBIENT_CLEAR_ALL, then capset, then the ambient raises. Affects
/// the calling thread only; nsrun has one.
///
/// To change to a non-root uid and keep capabilities (ambient ones, for a
/// program exec'd by that uid), call `setKeepCaps(true)` before setresuid:
/// the permitted set survives the change, and this function can still
/// reduce the bounding set afterwards.
///
/// Errors, as "drop_capabilities <step>: <strerror>":
/// - EPERM before anything changes: bounding capabilities to drop without
///   CAP_SETPCAP effective or permitted ("bounding set (needs setpcap)"), or an ambient capability
///   the caller does not have ("ambient X (not permitted)");
/// - a step's own errno ("PR_CAPBSET_DROP sys_admin", "capset",
///   "PR_CAP_AMBIENT_RAISE net_bind_service", …). Then the earlier steps
///   have happened: the sets were only ever reduced.
public func dropCapabilities(_ drop: CapabilityDrop) throws(SysError) {
    if !drop.bounding && drop.ambient == 0 {
        // The bounding set left as it is and no ambient capability to check
        // against it: capget is all the plan needs (no prctl reads).
        var eff: UInt64 = 0, prm: UInt64 = 0, inh: UInt64 = 0
        if nsrun_sys_capget(0, &eff, &prm, &inh) < 0 { throw SysError.last("capabilities", "capget") }
        let current = CapabilitySets(bounding: 0, effective: eff, permitted: prm, inheritable: inh, ambient: 0)
        try apply(drop.plan(current: current, last: Capabilities.lastRepresentable))
        return
    }
    let last = try lastCapability()
    // Ambient capabilities asked for must be checked against the real
    // bounding set (the plan refuses them before anything changes).
    // The lowest capability to drop: whether the bounding set still holds
    // it tells a full set from one emptied already.
    let probe = (~drop.keep).trailingZeroBitCount
    let current = try currentCapabilities(readingAmbient: false, fullBoundingIfSetpcap: drop.ambient == 0,
                                          probe: probe, dropping: ~drop.keep, last: last)
    try apply(drop.plan(current: current, last: last))
}

/// Runs a drop plan, in `CapabilityDrop.Plan`'s order.
private func apply(_ plan: CapabilityDrop.Plan) throws(SysError) {
    if let r = plan.raiseSetpcap, nsrun_sys_capset(r.effective, r.permitted, r.inheritable) < 0 {
        throw SysError.last("drop_capabilities", "capset (raise setpcap)")
    }
    var drops = plan.boundingDrops
    while drops != 0 {
        let n = drops.trailingZeroBitCount
        drops &= drops - 1
        if nsrun_sys_prctl(PR_CAPBSET_DROP, UInt(n), 0, 0, 0) < 0 {
            let e = errno; throw SysError(errno: e, operation: "drop_capabilities", object: "PR_CAPBSET_DROP \(Capabilities.name(of: n))")
        }
    }
    if nsrun_sys_prctl(PR_CAP_AMBIENT, UInt(PR_CAP_AMBIENT_CLEAR_ALL), 0, 0, 0) < 0 {
        throw SysError.last("drop_capabilities", "PR_CAP_AMBIENT_CLEAR_ALL")
    }
    if nsrun_sys_capset(plan.effective, plan.permitted, plan.inheritable) < 0 {
        throw SysError.last("drop_capabilities", "capset")
    }
    var raises = plan.ambientRaises
    while raises != 0 {
        let n = raises.trailingZeroBitCount
        raises &= raises - 1
        if nsrun_sys_prctl(PR_CAP_AMBIENT, UInt(PR_CAP_AMBIENT_RAISE), UInt(n), 0, 0) < 0 {
            let e = errno; throw SysError(errno: e, operation: "drop_capabilities", object: "PR_CAP_AMBIENT_RAISE \(Capabilities.name(of: n))")
        }
    }
}
