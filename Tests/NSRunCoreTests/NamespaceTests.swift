import Testing
import Glibc
@testable import NSRunCore

/// The namespace table, as LXC's ns_info: name, /proc path, CLONE flag.
@Test func namespaceTableNamesEachKindOnce() {
    let expected: [String: UInt64] = [
        "cgroup": 0x0200_0000, "ipc": 0x0800_0000, "mnt": 0x0002_0000, "net": 0x4000_0000,
        "pid": 0x2000_0000, "time": 0x80, "user": 0x1000_0000, "uts": 0x0400_0000,
    ]
    #expect(Namespaces.all.count == expected.count)
    for kind in Namespaces.all {
        #expect(expected[kind.name] == kind.flag.rawValue, "\(kind.name)")
        #expect(kind.selfPath == "/proc/self/ns/\(kind.name)")
    }
    #expect(Namespaces.named("uts")?.flagName == "CLONE_NEWUTS")
    #expect(Namespaces.named("pid_for_children") == nil)
    #expect(Namespaces.flags.rawValue == expected.values.reduce(0, |))
}

@Test func unshareTakesNamespacesFilesFsSysvsemOnly() {
    #expect(unshareRefusal([]) == nil)
    #expect(unshareRefusal(Namespaces.flags) == nil)
    #expect(unshareRefusal([.files, .fs, .sysvsem, .newTime]) == nil)
    for flag in [CloneFlags.vm, .sighand, .thread, .vfork, .pidfd, .parent, .settls, .io, .clearSighand, .intoCgroup] {
        #expect(unshareRefusal(flag.union(.newUTS)) != nil, "\(flag.description)")
    }
    #expect(unshareRefusal(CloneFlags(rawValue: 0x11)) == "unshare does not take 0x11 (only CLONE_NEW*, CLONE_FILES, CLONE_FS, CLONE_SYSVSEM)")
    #expect(unshareRefusal([.newNet, .vm]) == "unshare does not take CLONE_VM (only CLONE_NEW*, CLONE_FILES, CLONE_FS, CLONE_SYSVSEM)")
}

@Test func setnsTakesNamespaceFlagsOnly() {
    #expect(setnsRefusal([]) == nil)
    #expect(setnsRefusal(Namespaces.flags) == nil)
    #expect(setnsRefusal([.newUTS, .files]) == "setns does not take CLONE_FILES (only CLONE_NEW* flags)")
    #expect(setnsRefusal(CloneFlags(rawValue: 1 << 40)) != nil)
}

@Test func timeOffsetsText() throws {
    #expect(NSRunCore.timeOffsetsText(monotonic: nil, boottime: nil) == nil)
    #expect(NSRunCore.timeOffsetsText(monotonic: try ClockOffset(seconds: 86400), boottime: nil) == "monotonic 86400 0\n")
    #expect(NSRunCore.timeOffsetsText(monotonic: try ClockOffset(seconds: -5, nanoseconds: 1),
                                      boottime: try ClockOffset(seconds: 7, nanoseconds: 999_999_999))
            == "monotonic -5 1\nboottime 7 999999999\n")
    #expect(throws: UsageError("nanoseconds 1000000000 out of range 0..999999999")) { try ClockOffset(seconds: 0, nanoseconds: 1_000_000_000) }
    #expect(throws: UsageError("nanoseconds -1 out of range 0..999999999")) { try ClockOffset(seconds: 0, nanoseconds: -1) }
}
