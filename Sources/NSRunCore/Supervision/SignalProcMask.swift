import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// How `changeSignalMask` changes the caller's blocked signals, by the name
/// a recipe gives it: "block" adds the set, "unblock" removes it, "set"
/// replaces the mask with exactly the set.
public enum SignalMaskChange: String, CaseIterable, Sendable {
    case block, unblock, set

    /// The value `nsrun_sys_sigmask` takes.
    var code: Int32 {
        switch self {
        case .block: Int32(NSRUN_SIGMASK_BLOCK)
        case .unblock: Int32(NSRUN_SIGMASK_UNBLOCK)
        case .set: Int32(NSRUN_SIGMASK_SET)
        }
    }
}

/// sigprocmask(2) of the caller (nsrun has one thread): blocks, unblocks or
/// sets the signals of `set`, and returns the mask as it was before.
///
/// A blocked signal stays pending instead of taking its action; it is read
/// from a signalfd, or acted on when unblocked. The mask is inherited by
/// every clone child and **survives execve**: a child that is to run a
/// program with the default signal behaviour must unblock (or `.set` to
/// empty) what its parent blocked, before the exec. Pending signals are
/// inherited across exec too, but not by a new child (it starts with none).
///
/// SIGKILL and SIGSTOP can never be blocked (`SignalSet` refuses them).
/// The only errno is EINVAL, which `SignalSet` and `SignalMaskChange`
/// already rule out: "sigprocmask block SIGUSR1: Invalid argument".
@discardableResult
public func changeSignalMask(_ how: SignalMaskChange, _ set: SignalSet) throws(SysError) -> SignalSet {
    var old: UInt64 = 0
    if nsrun_sys_sigmask(how.code, set.bits, &old) < 0 {
        throw SysError.last("sigprocmask", "\(how.rawValue) \(set)")
    }
    return SignalSet(bits: old)
}
