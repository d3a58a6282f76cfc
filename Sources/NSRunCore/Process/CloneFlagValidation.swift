/// Which clone entry point a flag set is meant for; each refuses a different set.
public enum CloneKind: Sendable {
    /// `clone(flags, fn)`: fork semantics with a callback, or, with
    /// CLONE_VM|CLONE_VFORK, an exec on a separate stack.
    case callback
    /// `raw_clone(flags)`: fork semantics, returns twice.
    case raw
}

extension CloneFlags {
    /// Refuses flag sets nsrun never passes to the kernel, whatever the kernel
    /// version: the ones that break the process model (a child sharing the
    /// caller's stack, threads, TLS and tid pointers that would scribble on
    /// memory the caller does not own), signal bits in the flags word (the exit
    /// signal is its own argument), unknown bits, and the combinations the
    /// kernel itself answers with EINVAL — checked here so every kernel gives
    /// the same clear reason.
    ///
    /// Returns the reason in words, naming the flags, or nil when the set is
    /// acceptable. Pure logic: no syscall.
    public static func refusal(_ flags: CloneFlags, for kind: CloneKind) -> String? {
        let unknown = flags.rawValue & ~(known.rawValue | csignal)
        if unknown != 0 {
            return "unknown clone flag bits 0x" + String(unknown, radix: 16)
        }
        let signalBits = flags.rawValue & csignal & ~CloneFlags.newTime.rawValue
        if signalBits != 0 {
            return "signal bits 0x" + String(signalBits, radix: 16)
                + " in flags: pass the exit signal as exit_signal"
        }
        switch kind {
        case .raw:
            // As the seed's lxc_raw_clone: without a stack of its own, a child
            // sharing memory would run on the parent's stack.
            if flags.contains(.vm) { return "CLONE_VM is refused by raw_clone: the child would share the caller's stack" }
        case .callback:
            if flags.contains(.vm) && !flags.contains(.vfork) { return "CLONE_VM needs CLONE_VFORK" }
        }
        // Tested one by one, not from a table of tuples (kernelRefusal says why).
        if flags.contains(.settls) { return "CLONE_SETTLS is refused: a new TLS would corrupt the caller's thread state" }
        if flags.contains(.parentSettid) { return "CLONE_PARENT_SETTID is refused: nsrun does not pass tid pointers" }
        if flags.contains(.childSettid) { return "CLONE_CHILD_SETTID is refused: nsrun does not pass tid pointers" }
        if flags.contains(.childCleartid) { return "CLONE_CHILD_CLEARTID is refused: nsrun does not pass tid pointers" }
        if kind == .callback {
            if flags.contains(.thread) { return "CLONE_THREAD is refused: nsrun creates processes, not threads" }
            if flags.contains(.sighand) { return "CLONE_SIGHAND is refused: the child would share the caller's signal handlers" }
        }
        if let why = kernelRefusal(flags) { return why }
        // nsrun always asks for a pidfd, which clone3 refuses beside
        // CLONE_DETACHED; the flag has been ignored since Linux 2.6.2 anyway.
        if flags.contains(.detached) { return "CLONE_DETACHED is refused: it is ignored by clone and rejected by clone3" }
        if kind == .callback && flags.contains(.vm) && !CloneFlags.needClone3.isDisjoint(with: flags) {
            return "\(flags.intersection(.needClone3).description) needs clone3, and the CLONE_VM|CLONE_VFORK path uses the legacy clone"
        }
        return nil
    }

    /// The combinations the kernel itself answers with EINVAL (kernel/fork.c
    /// copy_process and clone3_args_valid), so nsrun refuses them up front on
    /// every kernel, with a reason instead of a bare EINVAL. Pure logic.
    public static func kernelRefusal(_ flags: CloneFlags) -> String? {
        // Straight-line tests, not tables: an array of tuples has its element
        // metadata built from a mangled name at run time, and this runs on
        // every clone (callgrind).
        func both(_ a: CloneFlags, _ b: CloneFlags) -> Bool { flags.contains(a) && flags.contains(b) }
        if flags.contains(.thread) && !flags.contains(.sighand) { return "CLONE_THREAD needs CLONE_SIGHAND" }
        if flags.contains(.sighand) && !flags.contains(.vm) { return "CLONE_SIGHAND needs CLONE_VM" }
        if both(.newPID, .thread) { return "CLONE_NEWPID cannot be combined with CLONE_THREAD" }
        if both(.newUser, .thread) { return "CLONE_NEWUSER cannot be combined with CLONE_THREAD" }
        if both(.newUser, .fs) { return "CLONE_NEWUSER cannot be combined with CLONE_FS" }
        if both(.newNS, .fs) { return "CLONE_NEWNS cannot be combined with CLONE_FS" }
        if both(.newIPC, .sysvsem) { return "CLONE_NEWIPC cannot be combined with CLONE_SYSVSEM" }
        if both(.clearSighand, .sighand) { return "CLONE_CLEAR_SIGHAND cannot be combined with CLONE_SIGHAND" }
        if both(.pidfd, .thread) { return "CLONE_PIDFD cannot be combined with CLONE_THREAD" }
        if both(.pidfd, .detached) { return "CLONE_PIDFD cannot be combined with CLONE_DETACHED" }
        if both(.pidfd, .parentSettid) { return "CLONE_PIDFD cannot be combined with CLONE_PARENT_SETTID" }
        return nil
    }
}
