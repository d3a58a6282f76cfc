import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// close_range(2) over [first, last]. With `cloexec`, the fds are not closed
/// but marked close-on-exec (CLOSE_RANGE_CLOEXEC, Linux 5.11): what a
/// sandbox does before its exec so that only stdio and the fds it passes on
/// purpose reach the program — including fds nsrun itself inherited without
/// O_CLOEXEC from whoever started it (runc CVE-2024-21626).
public func closeRange(first: UInt32, last: UInt32, cloexec: Bool) throws(SysError) {
    if nsrun_sys_close_range(first, last, cloexec ? 1 << 2 : 0) < 0 {
        throw SysError.last("close_range", "\(first)..\(last == UInt32.max ? "max" : String(last))")
    }
}
