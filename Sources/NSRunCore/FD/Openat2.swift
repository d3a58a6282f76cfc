import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// openat2(2) that retries the two answers which mean "ask again":
///
/// - EINTR, a signal arrived during the lookup;
/// - EAGAIN, which the kernel gives under RESOLVE_IN_ROOT or RESOLVE_BENEATH
///   when a `..` was resolved while *any* rename or mount happened on the
///   system (it checks the global rename_lock and mount_lock sequence
///   counts, and cannot vouch for the result). On a busy machine — parallel
///   containers being set up — a tight loop can lose that race many times
///   in a row, so after a few immediate tries it yields, then sleeps from
///   50 µs doubling to 2 ms, for at most about a second in all.
///
/// Returns the fd, or -1 with errno set to the last answer (EAGAIN only
/// when the system stayed that busy for the whole second).
func openat2Retrying(_ dirfd: Int32, _ path: String, flags: UInt64, mode: UInt64 = 0, resolve: UInt64) -> Int32 {
    var delay: Int = 50_000 // ns
    var slept = 0
    var attempt = 0
    while true {
        let fd = nsrun_sys_openat2(dirfd, path, flags, mode, resolve)
        if fd >= 0 { return fd }
        let err = errno
        if err == EINTR { continue }
        if err != EAGAIN || slept >= 1_000_000_000 { errno = err; return -1 }
        attempt += 1
        if attempt <= 8 { continue }
        if attempt <= 16 { sched_yield(); continue }
        var ts = timespec(tv_sec: 0, tv_nsec: delay)
        nanosleep(&ts, nil)
        slept += delay
        delay = min(delay * 2, 2_000_000)
    }
}
