import Testing
import Glibc
@testable import NSRunCore

/// The hint logic (`Hints`), pure: which failures get a hint, and its words.
/// Test_hints.lua provokes each failure for real and checks the message.
@Suite struct HintTests {
    static let epermUserns = "check kernel.unprivileged_userns_clone; a chroot, an unmapped uid/gid or seccomp also refuse it"

    @Test func epermOnANewUserNamespaceNamesTheKnobs() {
        for flags: CloneFlags in [.newUser, [.newUser, .newNS], [.newUser, .vm, .vfork]] {
            #expect(Hints.hint(errno: EPERM, context: .namespaces(flags)) == Self.epermUserns)
        }
        #expect(Hints.hint(errno: EPERM, context: .namespaces(.newUser), host: HostFacts(appArmorUsernsRestriction: true))
                == "check kernel.unprivileged_userns_clone and kernel.apparmor_restrict_unprivileged_userns; "
                    + "a chroot, an unmapped uid/gid or seccomp also refuse it")
    }

    @Test func theHostIsOnlyAskedForTheUserNamespaceCase() {
        var asked = 0
        func host() -> HostFacts { asked += 1; return HostFacts() }
        _ = Hints.hint(errno: ENOSPC, context: .namespaces(.newUser), host: host())
        _ = Hints.hint(errno: EPERM, context: .namespaces(.newUTS), host: host())
        _ = Hints.hint(errno: EBUSY, context: .pivotRoot, host: host())
        #expect(asked == 0)
        _ = Hints.hint(errno: EPERM, context: .namespaces(.newUser), host: host())
        #expect(asked == 1)
    }

    @Test func enospcNamesTheLimitOfEveryNamespaceAskedFor() {
        #expect(Hints.hint(errno: ENOSPC, context: .namespaces(.newUTS)) == "check /proc/sys/user/max_uts_namespaces")
        #expect(Hints.hint(errno: ENOSPC, context: .namespaces([.newUTS, .newIPC, .newNet, .pidfd]))
                == "check /proc/sys/user/max_ipc_namespaces, max_net_namespaces and max_uts_namespaces")
        #expect(Hints.hint(errno: ENOSPC, context: .namespaces([.newNS, .newCgroup, .newTime]))
                == "check /proc/sys/user/max_cgroup_namespaces, max_mnt_namespaces and max_time_namespaces")
        #expect(Hints.hint(errno: ENOSPC, context: .namespaces(.newUser))
                == "check /proc/sys/user/max_user_namespaces; user namespaces nest at most 32 deep")
        #expect(Hints.hint(errno: ENOSPC, context: .namespaces([.newPID, .newUser, .newUTS]))
                == "check /proc/sys/user/max_pid_namespaces, max_user_namespaces and max_uts_namespaces; "
                    + "pid and user namespaces nest at most 32 deep")
    }

    @Test func mountHints() {
        #expect(Hints.hint(errno: ENOSPC, context: .mountAttach)
                == "the mount namespace is full: check fs.mount-max, /proc/sys/fs/mount-max")
        #expect(Hints.hint(errno: ENOSPC, context: .detachedMount)
                == "a detached mount is a mount namespace too: check /proc/sys/user/max_mnt_namespaces")
        #expect(Hints.hint(errno: EBUSY, context: .pivotRoot)
                == "the new root must be a mount point other than the current root: bind it onto itself first")
    }

    @Test(arguments: [
        (EPERM, HintContext.namespaces(.newUTS)),          // no CAP_SYS_ADMIN: not a user-namespace matter
        (EPERM, HintContext.namespaces([.pidfd, .vfork])),
        (ENOSPC, HintContext.namespaces([.pidfd, .files])), // no namespace asked for
        (EINVAL, HintContext.namespaces(.newUser)),
        (EUSERS, HintContext.namespaces(.newUser)),
        (EPERM, HintContext.mountAttach),
        (EBUSY, HintContext.mountAttach),
        (EPERM, HintContext.detachedMount),
        (EINVAL, HintContext.pivotRoot),
        (ENOSPC, HintContext.pivotRoot),
    ])
    func otherFailuresHaveNoHint(errno: Int32, context: HintContext) {
        #expect(Hints.hint(errno: errno, context: context) == nil)
    }

    @Test func theHintEndsTheMessageInParentheses() {
        let e = SysError(errno: EPERM, operation: "clone3", object: "CLONE_PIDFD|CLONE_NEWUSER")
        #expect(e.hint == nil)
        let h = e.withHint("check this")
        #expect(h.message == "clone3 CLONE_PIDFD|CLONE_NEWUSER: Operation not permitted (check this)")
        #expect(h.errno == EPERM && h.operation == "clone3" && h.object == e.object)
        #expect(h.withHint(nil) == e)
        #expect(SysError(errno: EBUSY, operation: "pivot_root").withHint("x").message == "pivot_root: Device or resource busy (x)")
        // hinted leaves an error without a hint as it is.
        #expect(SysError(errno: ENOENT, operation: "pivot_root", object: "/x").hinted(.pivotRoot)
                == SysError(errno: ENOENT, operation: "pivot_root", object: "/x"))
        #expect(SysError(errno: EBUSY, operation: "pivot_root", object: "/").hinted(.pivotRoot).hint
                == Hints.hint(errno: EBUSY, context: .pivotRoot))
    }

    // MARK: missing cgroup controllers

    static let hybridV1 = ["cpu": "/sys/fs/cgroup/cpu", "cpuacct": "/sys/fs/cgroup/cpuacct",
                           "memory": "/sys/fs/cgroup/memory", "pids": "/sys/fs/cgroup/pids"]

    @Test func aControllerOnlyOnV1SaysWhereItIsAndWhatV2Has() {
        #expect(Hints.missingController("memory", parent: "/sys/fs/cgroup/unified", v2Mount: "/sys/fs/cgroup/unified",
                                        v2Root: ["hugetlb"], v1MountPoints: Self.hybridV1)
                == "memory is on cgroup v1 at /sys/fs/cgroup/memory, which nsrun does not write to; "
                    + "cgroup v2 at /sys/fs/cgroup/unified has only hugetlb")
        #expect(Hints.missingController("cpu", parent: "/u", v2Mount: "/u", v2Root: ["pids", "hugetlb", "io"],
                                        v1MountPoints: ["cpu": "/sys/fs/cgroup/cpu,cpuacct"])
                == "cpu is on cgroup v1 at /sys/fs/cgroup/cpu,cpuacct, which nsrun does not write to; "
                    + "cgroup v2 at /u has hugetlb, io and pids")
        #expect(Hints.missingController("cpu", parent: "/u", v2Mount: "/u", v2Root: [], v1MountPoints: Self.hybridV1)
                == "cpu is on cgroup v1 at /sys/fs/cgroup/cpu, which nsrun does not write to; cgroup v2 at /u has no controllers")
        #expect(Hints.missingController("cpu", parent: "/u", v2Mount: "/u", v2Root: nil, v1MountPoints: Self.hybridV1)
                == "cpu is on cgroup v1 at /sys/fs/cgroup/cpu, which nsrun does not write to; cgroup v2 is at /u")
    }

    @Test func aControllerInV2RootButNotDelegatedSaysSo() {
        #expect(Hints.missingController("memory", parent: "/sys/fs/cgroup/a", v2Mount: "/sys/fs/cgroup",
                                        v2Root: ["cpu", "memory", "pids"], v1MountPoints: [:])
                == "memory is in cgroup v2 at /sys/fs/cgroup but not enabled down to /sys/fs/cgroup/a: "
                    + "write +memory to cgroup.subtree_control above it")
    }

    @Test func aControllerNowhereListsWhatTheHostHas() {
        #expect(Hints.missingController("rdma", parent: "/sys/fs/cgroup/unified", v2Mount: "/sys/fs/cgroup/unified",
                                        v2Root: ["hugetlb"], v1MountPoints: Self.hybridV1)
                == "the host has no rdma controller: cgroup v2 at /sys/fs/cgroup/unified has only hugetlb; "
                    + "cgroup v1 under /sys/fs/cgroup has cpu, cpuacct, memory and pids")
        #expect(Hints.missingController("rdma", parent: "/c", v2Mount: "/c", v2Root: ["cpu", "io"], v1MountPoints: [:])
                == "the host has no rdma controller: cgroup v2 at /c has cpu and io")
        #expect(Hints.missingController("rdma", parent: "/c", v2Mount: "/c", v2Root: ["io"],
                                        v1MountPoints: ["memory": "/mem", "pids": "/opt/pids"])
                == "the host has no rdma controller: cgroup v2 at /c has only io; cgroup v1 has memory at /mem and pids at /opt/pids")
    }

    @Test func theHierarchyRecordsWhereEachV1ControllerIsMounted() throws {
        let mi = """
        31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
        32 31 0:29 / /sys/fs/cgroup/cpu,cpuacct rw,relatime - cgroup cgroup rw,cpu,cpuacct
        35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
        40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,xattr,name=systemd
        41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
        """
        let h = try CgroupHierarchy.parse(mountinfo: mi, procCgroup: "0::/\n").get()
        #expect(h.v1MountPoints == ["cpu": "/sys/fs/cgroup/cpu,cpuacct", "cpuacct": "/sys/fs/cgroup/cpu,cpuacct",
                                    "memory": "/sys/fs/cgroup/memory"])
    }
}
