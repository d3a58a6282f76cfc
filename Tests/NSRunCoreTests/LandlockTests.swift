import Testing
import Glibc
@testable import NSRunCore

/// Landlock's access-right tables, per-ABI plans and the messages of
/// landlock{} (pure logic). Restricting is tested through the built binary
/// (Tests/NSRunTests/lua/test_landlock.lua): it cannot be undone.

@Test func landlockRightsHaveTheKernelsValues() {
    // include/uapi/linux/landlock.h
    let expected: [(LandlockAccess, UInt64)] = [
        (.execute, 1 << 0), (.writeFile, 1 << 1), (.readFile, 1 << 2), (.readDir, 1 << 3),
        (.removeDir, 1 << 4), (.removeFile, 1 << 5), (.makeChar, 1 << 6), (.makeDir, 1 << 7),
        (.makeReg, 1 << 8), (.makeSock, 1 << 9), (.makeFifo, 1 << 10), (.makeBlock, 1 << 11),
        (.makeSym, 1 << 12), (.refer, 1 << 13), (.truncate, 1 << 14), (.ioctlDev, 1 << 15),
    ]
    for (right, value) in expected { #expect(right.rawValue == value) }
    #expect(LandlockAccess.all.rawValue == 0xffff)
    #expect(LandlockAccess.named.count == 16)
    #expect(Set(LandlockAccess.named.map(\.name)).count == 16, "names are unique")
    #expect(LandlockAccess.fileRights.rawValue == (1 << 0) | (1 << 1) | (1 << 2) | (1 << 14) | (1 << 15))
}

@Test func landlockSupportedRightsPerABI() {
    let abi1 = LandlockAccess(rawValue: (1 << 13) - 1)
    #expect(LandlockAccess.supported(abi: 0).isEmpty)
    #expect(LandlockAccess.supported(abi: 1) == abi1)
    #expect(LandlockAccess.supported(abi: 2) == abi1.union(.refer))
    #expect(LandlockAccess.supported(abi: 3) == abi1.union([.refer, .truncate]))
    #expect(LandlockAccess.supported(abi: 4) == LandlockAccess.supported(abi: 3), "ABI 4 adds network rights only")
    #expect(LandlockAccess.supported(abi: 5) == LandlockAccess.all)
    #expect(LandlockAccess.supported(abi: 6) == LandlockAccess.all, "ABI 6 adds scopes only")
    #expect(LandlockAccess.supported(abi: 7) == LandlockAccess.all)
    #expect(LandlockAccess.supported(abi: 99) == LandlockAccess.all, "a later ABI handles all nsrun knows")
}

@Test func landlockTreesGrant() {
    #expect(LandlockTree.ro.grant == [.readFile, .readDir])
    #expect(LandlockTree.exec.grant == [.execute, .readFile, .readDir])
    #expect(LandlockTree.rw.grant == LandlockAccess.all.subtracting(.execute))
    #expect(LandlockTree.rw.grant.isSuperset(of: LandlockTree.ro.grant))
    #expect(LandlockTree.rw.grant.isSuperset(of: [.writeFile, .makeReg, .removeFile, .refer, .truncate, .ioctlDev]))
    #expect(!LandlockTree.rw.grant.contains(.execute), "rw does not imply exec")
}

@Test func landlockPlanHandlesWhatTheABIHasAndNamesTheRest() {
    let p1 = LandlockPlan(abi: 1)
    #expect(p1.handled == LandlockAccess.supported(abi: 1))
    #expect(p1.unrestricted == [.truncate, .ioctlDev], "refer is denied outright below ABI 2, not unrestricted")
    #expect(LandlockPlan(abi: 2).unrestricted == [.truncate, .ioctlDev])
    #expect(LandlockPlan(abi: 3).unrestricted == [.ioctlDev])
    #expect(LandlockPlan(abi: 4).unrestricted == [.ioctlDev])
    for abi in 5...8 {
        #expect(LandlockPlan(abi: abi).unrestricted.isEmpty)
        #expect(LandlockPlan(abi: abi).shortfall == nil)
        #expect(LandlockPlan(abi: abi).handled == LandlockAccess.all)
    }
    #expect(LandlockPlan(abi: 2).shortfall == "ABI 2 cannot restrict truncate, ioctl_dev")
    #expect(LandlockPlan(abi: 3).shortfall == "ABI 3 cannot restrict ioctl_dev")
}

@Test func landlockRuleRightsAreHandledAndFitTheFileType() {
    let p7 = LandlockPlan(abi: 7)
    #expect(p7.allowed(.ro, directory: true) == [.readFile, .readDir])
    #expect(p7.allowed(.ro, directory: false) == [.readFile], "read_dir is EINVAL on a file")
    #expect(p7.allowed(.exec, directory: false) == [.execute, .readFile])
    #expect(p7.allowed(.rw, directory: false) == [.writeFile, .readFile, .truncate, .ioctlDev])
    #expect(p7.allowed(.rw, directory: true) == LandlockTree.rw.grant)
    let p1 = LandlockPlan(abi: 1)
    for tree in LandlockTree.allCases {
        for dir in [true, false] {
            #expect(p1.handled.isSuperset(of: p1.allowed(tree, directory: dir)), "a rule never grants an unhandled right (EINVAL)")
            #expect(!p1.allowed(tree, directory: dir).isEmpty, "never an empty rule (ENOMSG)")
        }
    }
    #expect(!p1.allowed(.rw, directory: true).contains(.refer))
    #expect(LandlockPlan(abi: 2).allowed(.rw, directory: true).contains(.refer))
}

@Test func landlockMessages() {
    #expect(LandlockAccess([.readFile, .readDir]).description == "read_file|read_dir")
    #expect(LandlockAccess().description == "none")
    #expect(LandlockOutcome.applied(abi: 7).note == nil)
    #expect(LandlockOutcome.partial(LandlockPlan(abi: 2)).note == "landlock ABI 2 cannot restrict truncate, ioctl_dev")
    #expect(LandlockOutcome.unavailable(errno: ENOSYS).note == "landlock unavailable: nothing restricted (Function not implemented)")
    #expect(landlockShortfallError(LandlockPlan(abi: 6)) == nil)
    let refusal = landlockShortfallError(LandlockPlan(abi: 3))
    #expect(refusal?.errno == EOPNOTSUPP)
    #expect(refusal?.message == "landlock: ABI 3 cannot restrict ioctl_dev (best_effort = true applies the rest): Operation not supported")
    #expect(landlockUnavailable(errno: ENOSYS, operation: "landlock").message
        == "landlock: Landlock is not supported by this kernel (not built in): Function not implemented")
    #expect(landlockUnavailable(errno: EOPNOTSUPP, operation: "landlock_abi").message.hasPrefix(
        "landlock_abi: Landlock is not supported by this kernel (not enabled at boot"))
}

@Test func landlockPolicyListsPathsInTreeOrder() {
    var p = LandlockPolicy()
    p.exec = ["/usr"]; p.rw = ["/tmp"]; p.ro = ["/etc", "/srv"]
    #expect(p.paths.map(\.0) == [.ro, .ro, .rw, .exec])
    #expect(p.paths.map(\.1) == ["/etc", "/srv", "/tmp", "/usr"])
}

/// The ABI query restricts nothing, so it may run in process.
@Test func landlockABIQuery() {
    do {
        let abi = try landlockABI()
        #expect(abi >= 1)
    } catch {
        #expect(error.errno == ENOSYS || error.errno == EOPNOTSUPP)
        #expect(error.message.hasPrefix("landlock_abi: Landlock is not supported by this kernel"))
    }
}

/// A missing path is refused before any ruleset exists; the fds are
/// O_PATH, close-on-exec, and know a directory from a file. (That every fd
/// is closed is checked single-threaded, in test_landlock.lua: the test
/// runner's other threads open fds concurrently.)
@Test func landlockTreesOpenEveryPathOrFail() throws {
    #expect(throws: SysError(errno: ENOENT, operation: "landlock", object: "/nonexistent/nsrun")) {
        _ = try LandlockTrees([(.ro, "/"), (.rw, "/nonexistent/nsrun")])
    }
    #expect(throws: SysError(errno: ENOTDIR, operation: "landlock", object: "/proc/self/exe/x")) {
        _ = try LandlockTrees([(.ro, "/proc/self/exe/x")])
    }
    let trees = try LandlockTrees([(.ro, "/"), (.exec, "/proc/self/exe")])
    #expect(trees.entries.map(\.isDirectory) == [true, false])
    #expect(trees.entries.map(\.tree) == [.ro, .exec])
    for e in trees.entries {
        #expect(fcntl(e.fd, F_GETFD) & FD_CLOEXEC != 0)
        #expect(fcntl(e.fd, F_GETFL) & OpenFlags.path != 0)
    }
}
