import Testing
import Glibc
@testable import NSRunCore

/// The seed's values (lxc/lxc src/lxc/process_utils.h), bit for bit.
@Test func cloneFlagValuesMatchTheSeed() {
    let seed: [String: UInt64] = [
        "CLONE_VM": 0x100, "CLONE_FS": 0x200, "CLONE_FILES": 0x400, "CLONE_SIGHAND": 0x800,
        "CLONE_PIDFD": 0x1000, "CLONE_PTRACE": 0x2000, "CLONE_VFORK": 0x4000, "CLONE_PARENT": 0x8000,
        "CLONE_THREAD": 0x10000, "CLONE_NEWNS": 0x20000, "CLONE_SYSVSEM": 0x40000, "CLONE_SETTLS": 0x80000,
        "CLONE_PARENT_SETTID": 0x100000, "CLONE_CHILD_CLEARTID": 0x200000, "CLONE_DETACHED": 0x400000,
        "CLONE_UNTRACED": 0x800000, "CLONE_CHILD_SETTID": 0x1000000, "CLONE_NEWCGROUP": 0x2000000,
        "CLONE_NEWUTS": 0x4000000, "CLONE_NEWIPC": 0x8000000, "CLONE_NEWUSER": 0x10000000,
        "CLONE_NEWPID": 0x20000000, "CLONE_NEWNET": 0x40000000, "CLONE_IO": 0x80000000,
        "CLONE_CLEAR_SIGHAND": 0x100000000, "CLONE_INTO_CGROUP": 0x200000000, "CLONE_NEWTIME": 0x80,
    ]
    #expect(CloneFlags.named.count == seed.count)
    for f in CloneFlags.named {
        #expect(seed[f.name] == f.flag.rawValue, "\(f.name)")
    }
    #expect(CloneFlags.csignal == 0xff)
    #expect(P_PIDFD == 3)
}

@Test func flagDescriptionNamesEveryBit() {
    #expect(CloneFlags([.newPID, .newUTS]).description == "CLONE_NEWUTS|CLONE_NEWPID")
    #expect(CloneFlags(rawValue: 0).description == "0")
    #expect(CloneFlags(rawValue: 0x4_0000_0000).description == "0x400000000")
}

/// Every combination DESIGN.md 4 and the kernel refuse, for each entry point.
@Test(arguments: [
    (CloneFlags.vm, CloneKind.callback, "CLONE_VM needs CLONE_VFORK"),
    ([.vm, .vfork, .thread, .sighand], .callback, "CLONE_THREAD is refused"),
    ([.vm, .vfork, .sighand], .callback, "CLONE_SIGHAND is refused"),
    (.settls, .callback, "CLONE_SETTLS is refused"),
    (.parentSettid, .callback, "CLONE_PARENT_SETTID is refused"),
    (.childSettid, .callback, "CLONE_CHILD_SETTID is refused"),
    (.childCleartid, .callback, "CLONE_CHILD_CLEARTID is refused"),
    (CloneFlags(rawValue: 17), .callback, "signal bits 0x11"),
    (CloneFlags(rawValue: 0x4_0000_0000), .callback, "unknown clone flag bits 0x400000000"),
    (.vm, .raw, "CLONE_VM is refused by raw_clone"),
    ([.vm, .vfork], .raw, "CLONE_VM is refused by raw_clone"),
    (.settls, .raw, "CLONE_SETTLS is refused"),
    (.parentSettid, .raw, "CLONE_PARENT_SETTID is refused"),
    (.childSettid, .raw, "CLONE_CHILD_SETTID is refused"),
    (.childCleartid, .raw, "CLONE_CHILD_CLEARTID is refused"),
    (CloneFlags(rawValue: UInt64(SIGCHLD)), .raw, "signal bits 0x11"),
    // The kernel's own EINVAL combinations, refused on every kernel.
    (.thread, .raw, "CLONE_THREAD needs CLONE_SIGHAND"),
    ([.thread, .sighand], .raw, "CLONE_SIGHAND needs CLONE_VM"),
    (.sighand, .raw, "CLONE_SIGHAND needs CLONE_VM"),
    ([.newPID, .thread, .sighand, .vm, .vfork], .callback, "CLONE_THREAD is refused"),
    ([.newUser, .fs], .raw, "CLONE_NEWUSER cannot be combined with CLONE_FS"),
    ([.newUser, .fs], .callback, "CLONE_NEWUSER cannot be combined with CLONE_FS"),
    ([.newNS, .fs], .raw, "CLONE_NEWNS cannot be combined with CLONE_FS"),
    ([.newIPC, .sysvsem], .callback, "CLONE_NEWIPC cannot be combined with CLONE_SYSVSEM"),
    ([.clearSighand, .sighand], .raw, "CLONE_SIGHAND needs CLONE_VM"),
    (.detached, .callback, "CLONE_DETACHED is refused"),
    ([.vm, .vfork, .newTime], .callback, "CLONE_NEWTIME needs clone3"),
    ([.vm, .vfork, .clearSighand], .callback, "CLONE_CLEAR_SIGHAND needs clone3"),
] as [(CloneFlags, CloneKind, String)])
func refusedCombinations(flags: CloneFlags, kind: CloneKind, reason: String) {
    let why = CloneFlags.refusal(flags, for: kind)
    #expect(why?.contains(reason) == true, "got \(why ?? "nil")")
}

/// The kernel's EINVAL combinations, each proven on its own: the public entry
/// points may refuse some of them earlier for another reason.
@Test(arguments: [
    (CloneFlags.thread, "CLONE_THREAD needs CLONE_SIGHAND"),
    (.sighand, "CLONE_SIGHAND needs CLONE_VM"),
    ([.newPID, .thread, .sighand, .vm], "CLONE_NEWPID cannot be combined with CLONE_THREAD"),
    ([.newUser, .fs], "CLONE_NEWUSER cannot be combined with CLONE_FS"),
    ([.newNS, .fs], "CLONE_NEWNS cannot be combined with CLONE_FS"),
    ([.newIPC, .sysvsem], "CLONE_NEWIPC cannot be combined with CLONE_SYSVSEM"),
    ([.clearSighand, .sighand, .vm], "CLONE_CLEAR_SIGHAND cannot be combined with CLONE_SIGHAND"),
] as [(CloneFlags, String)])
func kernelCombinations(flags: CloneFlags, reason: String) {
    #expect(CloneFlags.kernelRefusal(flags) == reason)
}

@Test func kernelRulesAcceptOrdinarySets() {
    #expect(CloneFlags.kernelRefusal([.newPID, .newNS, .newUser, .newIPC, .newNet, .newUTS]) == nil)
    #expect(CloneFlags.kernelRefusal([.thread, .sighand, .vm]) == nil)
}

@Test(arguments: [
    (CloneFlags(), CloneKind.raw), ([.newPID, .newNS, .newUTS, .newIPC], .raw),
    ([.newPID, .newNS, .newUTS, .newIPC, .newNet, .newUser, .newCgroup, .newTime], .callback),
    ([.vm, .vfork], .callback), ([.vm, .vfork, .newPID, .newNS], .callback),
    (.parent, .raw), (.vfork, .callback), (.pidfd, .raw), (.clearSighand, .raw),
    ([.files, .io, .untraced, .ptrace], .callback),
] as [(CloneFlags, CloneKind)])
func acceptedCombinations(flags: CloneFlags, kind: CloneKind) {
    #expect(CloneFlags.refusal(flags, for: kind) == nil)
}
