import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// A network namespace named by an fd, as the kernel's IFLA_NET_NS_FD needs
/// it: an nsfs file of a network namespace.
///
/// `netnsFD(of:)` accepts either form a recipe holds:
/// - a network namespace file (`/proc/PID/ns/net`, nsfs): used as it is;
/// - a pidfd: the network namespace of that process, taken race-free with
///   the PIDFD_GET_NET_NAMESPACE ioctl (Linux 6.11+). On older kernels (the
///   ioctl answers ENOTTY, or pidfds are anonymous inodes before 6.9) it
///   opens `/proc/PID/ns/net` of the pidfd's pid (from
///   /proc/self/fdinfo) and then checks through the pidfd that the process
///   is still alive, so a recycled pid is never used.
/// Any other fd is passed on, and the kernel refuses it with EINVAL.
///
/// The result is close-on-exec. The caller must `release()` it (which
/// closes it when `owned`, i.e. opened here).
struct NetnsFD {
    let fd: Int32
    let owned: Bool

    func release() { if owned { close(fd) } }
}

/// f_type of nsfs (network and other namespace files).
let NSFS_MAGIC: UInt = 0x6e73_6673
/// f_type of pidfs, where pidfds live since Linux 6.9.
let PIDFS_MAGIC: UInt = 0x5049_4446
/// f_type of anonymous inodes, where pidfds lived before Linux 6.9.
let ANON_INODE_FS_MAGIC: UInt = 0x0904_1934
/// _IO(PIDFS_IOCTL_MAGIC 0xFF, 4) from linux/pidfd.h (6.11+).
let PIDFD_GET_NET_NAMESPACE: UInt = 0xFF04

/// Errors (operation and object from the caller): EBADF `fd` is not open;
/// ESRCH the pidfd's process has exited; EACCES/EPERM no ptrace-read access
/// to that process; ENOENT/EACCES from /proc on the old-kernel path.
func netnsFD(of fd: Int32, _ operation: String, _ object: String) throws(SysError) -> NetnsFD {
    var type: Int64 = 0
    if nsrun_sys_fstatfs_type(fd, &type) < 0 { throw SysError.last(operation, object) }
    switch UInt(truncatingIfNeeded: type) {
    case NSFS_MAGIC:
        return NetnsFD(fd: fd, owned: false)
    case PIDFS_MAGIC:
        let ns = ioctl(fd, PIDFD_GET_NET_NAMESPACE)
        if ns >= 0 { return NetnsFD(fd: ns, owned: true) }
        let e = Glibc.errno
        guard e == ENOTTY || e == EINVAL else { throw SysError(errno: e, operation: operation, object: object) }
        return try netnsFDThroughProc(pidfd: fd, operation, object)
    case ANON_INODE_FS_MAGIC:
        if pidOfPidfd(fd) == nil { return NetnsFD(fd: fd, owned: false) }
        return try netnsFDThroughProc(pidfd: fd, operation, object)
    default:
        return NetnsFD(fd: fd, owned: false)
    }
}

/// The old-kernel path: /proc/PID/ns/net of the pidfd's pid, then a
/// liveness probe through the pidfd (signal 0): if the process exited
/// meanwhile, its pid may name another process, so ESRCH.
func netnsFDThroughProc(pidfd: Int32, _ operation: String, _ object: String) throws(SysError) -> NetnsFD {
    guard let pid = pidOfPidfd(pidfd), pid > 0 else {
        throw SysError(errno: ESRCH, operation: operation, object: object)
    }
    let ns = open("/proc/\(pid)/ns/net", O_RDONLY | O_CLOEXEC)
    if ns < 0 {
        let e = Glibc.errno
        throw SysError(errno: e == ENOENT ? ESRCH : e, operation: operation, object: object)
    }
    if nsrun_sys_pidfd_send_signal(pidfd, 0, 0) < 0 {
        let e = Glibc.errno
        close(ns)
        throw SysError(errno: e, operation: operation, object: object)
    }
    return NetnsFD(fd: ns, owned: true)
}

/// The "Pid:" line of /proc/self/fdinfo/FD, which only pidfds have: the
/// pid (-1 once the process is reaped), or nil if `fd` is no pidfd.
func pidOfPidfd(_ fd: Int32) -> Int32? {
    let info = open("/proc/self/fdinfo/\(fd)", O_RDONLY | O_CLOEXEC)
    if info < 0 { return nil }
    defer { close(info) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    var used = 0
    while used < buffer.count {
        let n = buffer.withUnsafeMutableBytes { read(info, $0.baseAddress! + used, $0.count - used) }
        if n < 0 && Glibc.errno == EINTR { continue }
        if n <= 0 { break }
        used += n
    }
    return parsePidfdInfo(buffer.prefix(used))
}

/// The value of a "Pid:" line in fdinfo text.
func parsePidfdInfo(_ text: ArraySlice<UInt8>) -> Int32? {
    for line in text.split(separator: UInt8(ascii: "\n")) {
        let s = String(decoding: line, as: UTF8.self)
        guard s.hasPrefix("Pid:") else { continue }
        return Int32(s.dropFirst(4).trimmingPrefix(while: { $0 == " " || $0 == "\t" }))
    }
    return nil
}
