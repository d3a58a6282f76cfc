#if canImport(Glibc)
import Glibc
#endif

/// Unblocks every signal in the calling thread.
///
/// A blocked mask survives fork and exec, so one inherited by accident (a
/// test runner or a service manager spawning nsrun from a thread that blocks
/// signals) would reach every sandboxed program, which then could not be
/// stopped with SIGTERM. nsrun starts from an empty mask, as process
/// supervisors do. Ignored dispositions are left alone on purpose: `nohup
/// nsrun …` must keep SIGHUP ignored for the whole tree.
public func unblockAllSignals() {
    var empty = sigset_t()
    sigemptyset(&empty)
    sigprocmask(SIG_SETMASK, &empty, nil)
}
