import Testing
import Glibc
@testable import NSRunCore

/// The pure parts of ns.cgroup: hierarchy discovery from mountinfo and
/// /proc/self/cgroup texts, names, friendly limit values, file formats.
/// Nothing here touches the system.
@Suite struct CgroupTests {
    // This machine's layout (hybrid): v1 controllers, cgroup2 at /sys/fs/cgroup/unified.
    static let hybridMountinfo = """
    31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
    32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
    35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
    39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
    40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
    41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
    """
    static let hybridCgroup = """
    9:name=systemd:/
    8:pids:/jobs/7
    4:memory:/process_api/2906
    1:cpu:/
    0::/
    """

    @Test func aHybridHostHasCgroup2AtUnifiedAndPidsOnV1() throws {
        let h = try CgroupHierarchy.parse(mountinfo: Self.hybridMountinfo, procCgroup: Self.hybridCgroup).get()
        #expect(h.v2Mount == "/sys/fs/cgroup/unified")
        #expect(h.ownV2 == "/sys/fs/cgroup/unified")
        #expect(h.v1Controllers == ["cpu", "memory", "pids"], "name=systemd is no controller")
        #expect(h.ownV1Pids == "/sys/fs/cgroup/pids/jobs/7")
    }

    @Test func aPureV2HostHasItsOwnCgroupBelowTheMount() throws {
        let mi = "25 20 0:23 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n"
        let h = try CgroupHierarchy.parse(mountinfo: mi, procCgroup: "0::/user.slice/user-0.slice/session-3.scope\n").get()
        #expect(h.v2Mount == "/sys/fs/cgroup")
        #expect(h.ownV2 == "/sys/fs/cgroup/user.slice/user-0.slice/session-3.scope")
        #expect(h.v1Controllers.isEmpty)
        #expect(h.ownV1Pids == nil)
    }

    @Test func aMountOfASubtreeMapsPathsBelowItsRoot() {
        // A container that sees only /lxc/c1 of the hierarchy, mounted at /sys/fs/cgroup.
        #expect(CgroupHierarchy.directory(mountPoint: "/sys/fs/cgroup", root: "/lxc/c1", path: "/lxc/c1/app") == "/sys/fs/cgroup/app")
        #expect(CgroupHierarchy.directory(mountPoint: "/sys/fs/cgroup", root: "/lxc/c1", path: "/lxc/c1") == "/sys/fs/cgroup")
        #expect(CgroupHierarchy.directory(mountPoint: "/sys/fs/cgroup", root: "/lxc/c1", path: "/lxc/c10") == nil, "a sibling with a common prefix is not below")
        #expect(CgroupHierarchy.directory(mountPoint: "/sys/fs/cgroup", root: "/", path: "/") == "/sys/fs/cgroup")
        #expect(CgroupHierarchy.directory(mountPoint: "/", root: "/", path: "/a") == "/a")
    }

    @Test func theLastMountOnAPointWinsAndEscapesAreDecoded() {
        let mi = """
        41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
        50 41 0:50 / /sys/fs/cgroup/unified rw - tmpfs tmpfs rw
        51 31 0:38 /a\\040b /mnt/with\\040space rw - cgroup2 cgroup2 rw
        """
        let m = CgroupHierarchy.mounts(mountinfo: mi)
        #expect(m.count == 1, "the cgroup2 at unified is covered by a tmpfs")
        #expect(m.first?.mountPoint == "/mnt/with space")
        #expect(m.first?.root == "/a b")
    }

    @Test func coMountedPidsIsNotUsedForV1Limits() throws {
        // pids mounted together with memory: writing there would write under memory.
        let mi = """
        39 31 0:36 / /sys/fs/cgroup/memory,pids rw - cgroup cgroup rw,memory,pids
        41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw
        """
        let h = try CgroupHierarchy.parse(mountinfo: mi, procCgroup: "3:memory,pids:/\n0::/\n").get()
        #expect(h.ownV1Pids == nil)
        #expect(h.v1Controllers == ["memory", "pids"])
    }

    @Test func missingCgroup2IsAReason() {
        let mi = "39 31 0:36 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids\n"
        #expect(throws: UsageError("no cgroup2 hierarchy is mounted")) {
            try CgroupHierarchy.parse(mountinfo: mi, procCgroup: "0::/\n").get()
        }
        #expect(throws: UsageError("/proc/self/cgroup has no cgroup2 line (0::/path)")) {
            try CgroupHierarchy.parse(mountinfo: Self.hybridMountinfo, procCgroup: "8:pids:/\n").get()
        }
        let sub = "41 31 0:38 /other /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n"
        #expect(throws: UsageError("the caller's cgroup /mine is not visible through any cgroup2 mount")) {
            try CgroupHierarchy.parse(mountinfo: sub, procCgroup: "0::/mine\n").get()
        }
    }

    @Test func procCgroupLinesKeepColonsInPaths() {
        let m = CgroupHierarchy.memberships(procCgroup: "0::/a:b\n5:cpu,cpuacct:/x\nbroken\n")
        #expect(m == [.init(id: 0, controllers: [], path: "/a:b"), .init(id: 5, controllers: ["cpu", "cpuacct"], path: "/x")])
    }

    @Test func namesAreSinglePathComponents() {
        #expect(CgroupValues.nameRefusal("sandbox-1") == nil)
        #expect(CgroupValues.nameRefusal("") == "cgroup name is empty")
        #expect(CgroupValues.nameRefusal("a/b") == "cgroup name 'a/b' must be a single path component (no '/')")
        #expect(CgroupValues.nameRefusal("..") == "cgroup name '..' is not allowed")
        #expect(CgroupValues.nameRefusal(".") == "cgroup name '.' is not allowed")
        #expect(CgroupValues.nameRefusal("a\0b") == "cgroup name contains a NUL byte")
        #expect(CgroupValues.nameRefusal("a\nb") == "cgroup name contains a newline")
        #expect(CgroupValues.nameRefusal(String(repeating: "x", count: 256)) == "cgroup name is longer than 255 bytes")
        #expect(CgroupValues.keyRefusal("../cgroup.procs") == "cgroup file name '../cgroup.procs' must be a single path component (no '/')")
        #expect(CgroupValues.keyRefusal("pids.max") == nil)
    }

    @Test func memorySizesTakeBinarySuffixes() throws {
        #expect(try CgroupValues.memory("256M") == "268435456")
        #expect(try CgroupValues.memory("1G") == "1073741824")
        #expect(try CgroupValues.memory("1g") == "1073741824")
        #expect(try CgroupValues.memory("512K") == "524288")
        #expect(try CgroupValues.memory("2T") == "2199023255552")
        #expect(try CgroupValues.memory("4096") == "4096")
        #expect(try CgroupValues.memory("max") == "max")
        #expect(try CgroupValues.memory(bytes: 1 << 20) == "1048576")
        for bad in ["256MB", "1.5G", "-1", "", "M", "max ", "0x10", "１M"] {
            #expect(throws: UsageError("memory size '\(bad)' is not a byte count, a count with K, M, G or T, or \"max\"")) {
                try CgroupValues.memory(bad)
            }
        }
        #expect(throws: UsageError("memory size '9999999999T' is too large")) { try CgroupValues.memory("9999999999T") }
        #expect(throws: UsageError("memory size -1 is negative")) { try CgroupValues.memory(bytes: -1) }
    }

    @Test func cpuSharesBecomeQuotaAndPeriod() throws {
        #expect(try CgroupValues.cpu("50%") == "50000 100000")
        #expect(try CgroupValues.cpu("100%") == "100000 100000")
        #expect(try CgroupValues.cpu("250%") == "250000 100000")
        #expect(try CgroupValues.cpu("12.5%") == "12500 100000")
        #expect(try CgroupValues.cpu("1%") == "1000 100000")
        #expect(try CgroupValues.cpu("max") == "max 100000")
        for bad in ["50", "%", "50.%", ".5%", "1.2345%", "-5%", "5 %", "x%"] {
            #expect(throws: UsageError("cpu share '\(bad)' is not a percentage such as \"50%\" or \"max\"")) {
                try CgroupValues.cpu(bad)
            }
        }
        #expect(throws: UsageError("cpu share '0.5%' is below 1% (the kernel's smallest quota is 1 ms per 100 ms)")) {
            try CgroupValues.cpu("0.5%")
        }
        #expect(throws: UsageError("cpu share '100001%' is above 100000%")) { try CgroupValues.cpu("100001%") }
    }

    @Test func pidsLimitsAreCountsOrMax() throws {
        #expect(try CgroupValues.pids(64) == "64")
        #expect(try CgroupValues.pids(0) == "0")
        #expect(try CgroupValues.pids("max") == "max")
        #expect(throws: UsageError("pids limit -1 is negative")) { try CgroupValues.pids(-1) }
        #expect(throws: UsageError("pids limit '64' is neither an integer nor \"max\"")) { try CgroupValues.pids("64") }
    }

    @Test func fileFormatsParse() {
        let ev = CgroupValues.keyedIntegers("populated 1\nfrozen 0\n")
        #expect(ev.map(\.0) == ["populated", "frozen"] && ev.map(\.1) == [1, 0])
        #expect(CgroupValues.keyedIntegers("max 3\nbad line here\nx y\n").count == 1)
        #expect(CgroupValues.pidList("12\n345\n") == [12, 345])
        #expect(CgroupValues.pidList("") == [])
        #expect(CgroupValues.controllers("cpu io memory pids\n") == ["cpu", "io", "memory", "pids"])
        #expect(CgroupValues.controllers("\n") == [])
        #expect(CgroupValues.strippingNewline("max\n") == "max")
        #expect(CgroupValues.strippingNewline("a\nb\n") == "a\nb")
    }

    /// The fstatfs checks behind every cgroup write. Opens only: nothing is
    /// created or written here.
    @Test func aDirectoryThatIsNotCgroupfsIsRefusedWithEXDEV() throws {
        let dir = "/tmp/nsrun-cgroupfs-\(getpid())"
        #expect(mkdir(dir, 0o700) == 0)
        defer { rmdir(dir) }
        #expect(throws: SysError(errno: EXDEV, operation: "t", object: dir + " (not cgroup2)")) {
            try CgroupFS.openDirectory(dir, kind: .v2, operation: "t")
        }
        #expect(throws: SysError(errno: EXDEV, operation: "t", object: dir + " (not cgroup v1)")) {
            try CgroupFS.openDirectory(dir, kind: .v1, operation: "t")
        }
        #expect(throws: SysError(errno: ENOENT, operation: "t", object: dir + "/nope")) {
            try CgroupFS.openDirectory(dir + "/nope", kind: .v2, operation: "t")
        }
    }

    @Test func theCgroup2MountIsCgroup2AndNotV1() throws {
        let mountinfo = try CgroupHierarchy.readProc("self/mountinfo", operation: "t")
        guard let v2 = CgroupHierarchy.mounts(mountinfo: mountinfo).first(where: { $0.fstype == "cgroup2" }) else { return }
        let fd = try CgroupFS.openDirectory(v2.mountPoint, kind: .v2, operation: "t")
        #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0, "close-on-exec")
        close(fd)
        #expect(throws: SysError(errno: EXDEV, operation: "t", object: v2.mountPoint + " (not cgroup v1)")) {
            try CgroupFS.openDirectory(v2.mountPoint, kind: .v1, operation: "t")
        }
    }

    @Test func parentDirectoryOfAPath() {
        #expect(Cgroup.parentDirectory(of: "/sys/fs/cgroup/pids/x") == "/sys/fs/cgroup/pids")
        #expect(Cgroup.parentDirectory(of: "/x") == "/")
    }
}

/// Found by libFuzzer: checks on Characters missed a "/" or "\n" inside a
/// grapheme cluster, and a short mountinfo line was read past its end.
@Test func cgroupNamesAreCheckedAsBytesAndShortLinesSkipped() {
    #expect(CgroupValues.nameRefusal("../\u{301}x") != nil)
    #expect(CgroupValues.nameRefusal("2opp\r\n") != nil)
    #expect(CgroupValues.keyRefusal("a/\u{301}") != nil)
    #expect(CgroupHierarchy.mounts(mountinfo: "1 2 0:1 / /sys/fs/cgroup rw - cgroup2 \n").isEmpty)
}
