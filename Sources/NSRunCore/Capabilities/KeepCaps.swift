import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// prctl(PR_SET_KEEPCAPS): with `on`, a later change of every uid from 0 to
/// non-zero (setresuid) keeps the permitted set (effective and ambient are
/// still cleared), so that `dropCapabilities` can then shape the sets for
/// the new uid. The flag is cleared by execve, and a process that changes
/// uids without it loses all its capabilities. EPERM when the flag is
/// locked (SECBIT_KEEP_CAPS_LOCKED): "set_keepcaps on: Operation not permitted".
public func setKeepCaps(_ on: Bool) throws(SysError) {
    if nsrun_sys_prctl(PR_SET_KEEPCAPS, on ? 1 : 0, 0, 0, 0) < 0 { throw SysError.last("set_keepcaps", on ? "on" : "off") }
}
