import Testing
import Glibc
@testable import NSRunCore

/// The argument block is the kernel's struct clone_args: eleven u64 fields.
@Test func cloneArgsLayoutIsTheKernels() {
    #expect(MemoryLayout<CloneArgs>.size == CloneArgsSize.ver2)
    #expect(MemoryLayout<CloneArgs>.alignment == 8)
    let offsets: [(PartialKeyPath<CloneArgs>, Int)] = [
        (\.flags, 0), (\.pidfd, 8), (\.child_tid, 16), (\.parent_tid, 24), (\.exit_signal, 32),
        (\.stack, 40), (\.stack_size, 48), (\.tls, 56), (\.set_tid, 64), (\.set_tid_size, 72), (\.cgroup, 80),
    ]
    for (path, offset) in offsets {
        #expect(MemoryLayout<CloneArgs>.offset(of: path) == offset)
    }
    // Each version ends where the next field begins.
    #expect(MemoryLayout<CloneArgs>.offset(of: \.set_tid) == CloneArgsSize.ver0)
    #expect(MemoryLayout<CloneArgs>.offset(of: \.cgroup) == CloneArgsSize.ver1)
    #expect((CloneArgsSize.ver0, CloneArgsSize.ver1, CloneArgsSize.ver2) == (64, 80, 88))
}

@Test func requestBuildsTheBlockAsTheSeedDoes() {
    var slot: Int32 = -1
    let plain = CloneRequest(flags: .newPID).args(pidfdSlot: &slot)
    #expect(plain.flags == CloneFlags([.newPID, .pidfd]).rawValue)
    #expect(plain.exit_signal == UInt64(SIGCHLD))
    #expect(plain.pidfd == UInt64(UInt(bitPattern: withUnsafeMutablePointer(to: &slot) { $0 })))
    #expect(CloneArgsSize.needed(for: plain) == CloneArgsSize.ver0)

    // On CLONE_PARENT the child inherits the caller's exit signal: clone3 gets 0.
    #expect(CloneRequest(flags: .parent).args(pidfdSlot: &slot).exit_signal == 0)
    #expect(CloneRequest(flags: [], exitSignal: SIGUSR1).args(pidfdSlot: &slot).exit_signal == UInt64(SIGUSR1))

    let cg = CloneRequest(flags: [], cgroupFD: 7).args(pidfdSlot: &slot)
    #expect(cg.flags & CloneFlags.intoCgroup.rawValue != 0)
    #expect(cg.cgroup == 7)
    #expect(CloneArgsSize.needed(for: cg) == CloneArgsSize.ver2)
}

@Test func exitSignalWithCloneParentIsRefused() {
    #expect(CloneRequest(flags: .parent, exitSignal: SIGCHLD).refusal(for: .raw)?.contains("CLONE_PARENT") == true)
    #expect(CloneRequest(flags: .parent, exitSignal: 0).refusal(for: .raw) == nil)
    #expect(CloneRequest(flags: .parent).refusal(for: .callback) == nil)
    #expect(CloneRequest(flags: [], exitSignal: SIGUSR1).refusal(for: .raw) == nil)
}

@Test func usageErrorsComeBeforeAnySyscall() {
    // Refused flags never reach the kernel: no child exists afterwards.
    #expect(throws: CloneError.usage(UsageError("CLONE_VM is refused by raw_clone: the child would share the caller's stack"))) {
        try rawClone(CloneRequest(flags: .vm))
    }
    #expect(throws: CloneError.self) { try cloneCallback(CloneRequest(flags: .vm)) { 0 } }
    #expect(throws: CloneError.self) {
        try cloneVMExec(CloneRequest(flags: .vfork), path: "/bin/true", argv: ["true"], env: [])
    }
}
