import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// The kernel's CAP_LAST_CAP (what /proc/sys/kernel/cap_last_cap says),
/// found without /proc, which a sandbox may not have: PR_CAPBSET_READ
/// answers EINVAL for a number above it. Probes up from
/// `Capabilities.lastKnown` (normally two prctl calls), or down when the
/// kernel is older than nsrun's table. At most
/// `Capabilities.lastRepresentable` (63). Fails only if prctl fails
/// otherwise than with EINVAL, as "capabilities PR_CAPBSET_READ N: …".
public func lastCapability() throws(SysError) -> Int {
    var n = Capabilities.lastKnown
    if try boundingHas(n, probing: true) != nil {
        while n < Capabilities.lastRepresentable, try boundingHas(n + 1, probing: true) != nil { n += 1 }
    } else {
        while n > 0, try boundingHas(n, probing: true) == nil { n -= 1 }
    }
    return n
}

/// PR_CAPBSET_READ of capability `n`: whether the caller's bounding set
/// holds it. With `probing`, nil for a number the kernel does not know
/// (EINVAL); otherwise EINVAL is an error like any other.
func boundingHas(_ n: Int, probing: Bool = false) throws(SysError) -> Bool? {
    let r = nsrun_sys_prctl(PR_CAPBSET_READ, UInt(n), 0, 0, 0)
    if r < 0 {
        let e = errno
        if probing && e == EINVAL { return nil }
        throw SysError(errno: e, operation: "capabilities", object: "PR_CAPBSET_READ \(Capabilities.name(of: n))")
    }
    return r == 1
}
