import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// The caller's five capability sets, from the kernel directly (works
/// without /proc): capget(2) for effective, permitted and inheritable;
/// PR_CAPBSET_READ and PR_CAP_AMBIENT_IS_SET for every capability up to
/// `lastCapability()` for bounding and ambient. Errors read
/// "capabilities capget: …"; none is expected on Linux ≥ 4.3 (ambient).
public func currentCapabilities() throws(SysError) -> CapabilitySets {
    try currentCapabilities(readingAmbient: true)
}

/// `currentCapabilities()` for `dropCapabilities`, which reads less:
/// - without `readingAmbient`, ambient reads as 0: the drop empties it
///   whatever it holds (PR_CAP_AMBIENT_CLEAR_ALL) and its plan never looks
///   at it (`last + 1` prctl calls saved);
/// - with `fullBoundingIfSetpcap`, when CAP_SETPCAP is effective and the
///   bounding set still holds capability `probe` (one the caller is about
///   to drop), the set reads as every capability up to `last` (another
///   `last` calls saved): the plan then drops each one not kept, and
///   PR_CAPBSET_DROP of one already gone changes nothing, so the result is
///   the same. When `probe` is gone already (a set reduced before: by
///   clone's `bounding_set`, a nested nsrun, the caller), the set is read,
///   so that none of those drops (each a credentials copy, 1.6 µs) is made
///   again; and only the bits of `dropping` are read, the others reading as
///   present: the plan drops `bounding & ~keep` and looks at no other bit
///   without an ambient capability asked (with `keep` naming every
///   capability a host's bounding set holds, one read instead of 41).
///   Without CAP_SETPCAP effective it is read whole, since the plan needs
///   it to know whether it must raise CAP_SETPCAP or refuse.
func currentCapabilities(readingAmbient: Bool, fullBoundingIfSetpcap: Bool = false, probe: Int? = nil,
                         dropping: UInt64 = ~0, last known: Int? = nil) throws(SysError) -> CapabilitySets {
    var eff: UInt64 = 0, prm: UInt64 = 0, inh: UInt64 = 0
    if nsrun_sys_capget(0, &eff, &prm, &inh) < 0 { throw SysError.last("capabilities", "capget") }
    let last: Int
    if let known { last = known } else { last = try lastCapability() }
    var readingBounding = !(fullBoundingIfSetpcap && eff & (1 << UInt64(Capabilities.setpcap)) != 0)
    var reading: UInt64 = ~0
    if !readingBounding, let probe, probe <= last, try boundingHas(probe) == false {
        readingBounding = true
        reading = dropping
    }
    var bnd: UInt64 = 0, amb: UInt64 = 0
    for n in 0...last {
        if readingBounding {
            // A bit the plan does not look at reads as present, unread.
            let present = reading & (1 << UInt64(n)) == 0 ? true : try boundingHas(n)
            if present == true { bnd |= 1 << UInt64(n) }
        } else {
            bnd |= 1 << UInt64(n)
        }
        guard readingAmbient else { continue }
        let r = nsrun_sys_prctl(PR_CAP_AMBIENT, UInt(PR_CAP_AMBIENT_IS_SET), UInt(n), 0, 0)
        if r < 0 { let e = errno; throw SysError(errno: e, operation: "capabilities", object: "PR_CAP_AMBIENT_IS_SET \(Capabilities.name(of: n))") }
        if r == 1 { amb |= 1 << UInt64(n) }
    }
    return CapabilitySets(bounding: bnd, effective: eff, permitted: prm, inheritable: inh, ambient: amb)
}

/// The five capability sets of process `pid`, from /proc/PID/status, opened
/// through `ProcFile` (procfs checked). Fails with ENOENT for no such
/// process ("capabilities /proc/123/status: No such file or directory"),
/// EXDEV when /proc is not procfs, and EIO when the file has no Cap lines.
public func capabilities(ofProcess pid: Int32) throws(SysError) -> CapabilitySets {
    let relative = "\(pid)/status"
    let fd = try ProcFile.open(relative, flags: O_RDONLY, operation: "capabilities")
    defer { close(fd) }
    var bytes: [UInt8] = []
    while true {
        let chunk = try readFD(fd, count: 4096)
        if chunk.isEmpty { break }
        bytes += chunk
        if bytes.count > 1 << 20 { break }
    }
    guard let sets = CapabilitySets(procStatus: String(decoding: bytes, as: UTF8.self)) else {
        throw SysError(errno: EIO, operation: "capabilities", object: "/proc/\(relative) (no Cap lines)")
    }
    return sets
}
