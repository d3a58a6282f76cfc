import Testing
import Glibc
import CLibCap
@testable import NSRunCore

/// The capability name table, name parsing, /proc/PID/status parsing and
/// the drop plan: pure logic, no capability is changed here.
@Suite struct CapabilitiesTests {
    @Test func theTableMatchesLibcapsNamesNumberForNumber() {
        // libcap is an independent oracle: cap_to_name(10) is "cap_net_bind_service".
        for (n, name) in Capabilities.all.enumerated() {
            let text = cap_to_name(cap_value_t(n))!
            defer { cap_free(text) }
            #expect(String(cString: text) == "cap_" + name, "capability \(n)")
        }
        #expect(Set(Capabilities.all).count == Capabilities.all.count, "no duplicate names")
    }

    @Test func theTableCoversEveryCapabilityOfTheHeadersAndOfLinux618() {
        #expect(Capabilities.lastKnown == 40)
        #expect(Capabilities.lastKnown >= Int(CAP_LAST_CAP))
        #expect(Capabilities.number(named: "checkpoint_restore") == Int(CAP_CHECKPOINT_RESTORE))
        #expect(Capabilities.number(named: "sys_admin") == Int(CAP_SYS_ADMIN))
        #expect(Capabilities.number(named: "setpcap") == Capabilities.setpcap)
        #expect(Capabilities.number(named: "bpf") == Int(CAP_BPF))
        #expect(Capabilities.number(named: "chown") == 0)
    }

    @Test(arguments: ["net_bind_service", "CAP_NET_BIND_SERVICE", "cap_net_bind_service", "NET_BIND_SERVICE",
                      "Cap_Net_Bind_Service"])
    func namesAreCaseInsensitiveWithAnOptionalCapPrefix(_ name: String) {
        #expect(Capabilities.number(named: name) == 10)
    }

    @Test(arguments: ["", "cap_", "CAP", "net_bind", "net-bind-service", " net_admin", "net_admin ",
                      "capnet_admin", "cap_cap_chown", "41", "cap_41", "all"])
    func unknownNamesAreRefused(_ name: String) {
        #expect(Capabilities.number(named: name) == nil)
    }

    @Test func namesOfMasksAreSortedAndNumbersBeyondTheTableGetANumberName() {
        #expect(Capabilities.name(of: 41) == "cap_41")
        #expect(Capabilities.name(of: 21) == "sys_admin")
        let mask: UInt64 = 1 << 21 | 1 << 0 | 1 << 10 | 1 << 41
        #expect(Capabilities.names(in: mask) == ["cap_41", "chown", "net_bind_service", "sys_admin"])
        #expect(Capabilities.names(in: 0) == [])
        #expect(Capabilities.names(in: UInt64.max).count == 64)
    }

    @Test func aMaskOfNamesOrTheFirstUnknownName() throws {
        #expect(try Capabilities.mask(named: ["chown", "CAP_KILL", "chown"]) == 1 << 0 | 1 << 5)
        #expect(try Capabilities.mask(named: []) == 0)
        #expect(throws: UsageError("unknown capability 'net_bind'")) {
            try Capabilities.mask(named: ["kill", "net_bind", "nope"])
        }
    }

    static let status = """
        Name:\tnsrun
        Uid:\t0\t0\t0\t0
        CapInh:\t0000000000000400
        CapPrm:\t000001fffeffffff
        CapEff:\t000001fffeffffff
        CapBnd:\t000001ffffffffff
        CapAmb:\t0000000000000400
        NoNewPrivs:\t0
        """

    @Test func procStatusCapLinesAreParsed() throws {
        let sets = try #require(CapabilitySets(procStatus: Self.status))
        #expect(sets == CapabilitySets(bounding: 0x1ff_ffff_ffff, effective: 0x1ff_feff_ffff, permitted: 0x1ff_feff_ffff,
                                       inheritable: 0x400, ambient: 0x400))
        #expect(sets.named.map(\.name) == ["ambient", "bounding", "effective", "inheritable", "permitted"])
        // Before Linux 4.3 there is no CapAmb line: ambient is empty.
        let old = Self.status.split(separator: "\n").filter { !$0.hasPrefix("CapAmb") }.joined(separator: "\n")
        #expect(CapabilitySets(procStatus: old)?.ambient == 0)
    }

    @Test(arguments: ["CapBnd", "CapEff", "CapPrm", "CapInh"])
    func aMissingCapLineIsNoResult(_ line: String) {
        let text = Self.status.split(separator: "\n").filter { !$0.hasPrefix(line) }.joined(separator: "\n")
        #expect(CapabilitySets(procStatus: text) == nil)
    }

    @Test(arguments: ["zz", "", "00000000000000001", "-1"])
    func aBadCapValueIsNoResult(_ value: String) {
        let text = Self.status.split(separator: "\n").map { $0.hasPrefix("CapInh") ? "CapInh:\t\(value)" : String($0) }
        #expect(CapabilitySets(procStatus: text.joined(separator: "\n")) == nil)
    }

    // The drop request and plan ----------------------------------------------------------

    static let full = CapabilitySets(bounding: 1 << 41 - 1, effective: 1 << 41 - 1, permitted: 1 << 41 - 1,
                                     inheritable: 0, ambient: 0)

    @Test func ambientMustBeKept() throws {
        #expect(throws: UsageError("ambient capability 'kill' is not kept (ambient must be a subset of keep)")) {
            try CapabilityDrop(keeping: ["net_bind_service"], ambient: .named(["net_bind_service", "kill"]))
        }
        #expect(throws: UsageError("unknown capability 'nope'")) {
            try CapabilityDrop(keeping: ["net_bind_service"], ambient: .named(["nope"]))
        }
        #expect(throws: UsageError("unknown capability 'nope'")) { try CapabilityDrop(keeping: ["nope"]) }
        let all = try CapabilityDrop(keeping: ["kill", "chown"], ambient: .allKept)
        #expect(all.keep == 1 << 5 | 1 && all.ambient == all.keep)
        #expect(try CapabilityDrop(keeping: ["kill"], ambient: .named(["CAP_KILL"])).ambient == 1 << 5)
        #expect(try CapabilityDrop(keeping: ["kill"]).ambient == 0)
    }

    @Test func droppingAllClearsEverySetAndDropsEveryBoundingCapabilityOfTheKernel() throws {
        var current = Self.full
        current.inheritable = 1 << 10; current.ambient = 1 << 10
        let plan = try CapabilityDrop(keeping: []).plan(current: current, last: 40)
        #expect(plan == .init(raiseSetpcap: nil, boundingDrops: 1 << 41 - 1, effective: 0, permitted: 0, inheritable: 0,
                              ambientRaises: 0))
        #expect(Capabilities.numbers(in: plan.boundingDrops) == Array(0...40))
    }

    @Test func capabilitiesTheKernelHasAndNsrunCannotNameAreDroppedToo() throws {
        var current = Self.full
        current.bounding = 1 << 43 - 1 // a kernel with CAP_LAST_CAP 42
        let plan = try CapabilityDrop(keeping: ["net_bind_service"]).plan(current: current, last: 42)
        #expect(Capabilities.numbers(in: plan.boundingDrops) == Array(0...9) + Array(11...42))
    }

    @Test func keptPermittedCapabilitiesAreEffectiveAndInheritableIsEmptyWithoutAmbient() throws {
        var current = Self.full
        current.effective &= ~(1 << 10)       // kept, permitted, not effective: becomes effective
        current.permitted &= ~(1 << 13)       // kept, not permitted: stays out
        current.bounding &= ~(1 << 5)         // kill is already out of bounding: nothing to drop
        current.inheritable = 1 << 10 | 1 << 12
        let plan = try CapabilityDrop(keeping: ["net_bind_service", "net_admin", "kill", "net_raw"]).plan(current: current, last: 40)
        #expect(plan.effective == 1 << 10 | 1 << 12 | 1 << 5)
        #expect(plan.permitted == 1 << 10 | 1 << 12 | 1 << 5)
        #expect(plan.raiseSetpcap == nil)
        #expect(plan.inheritable == 0, "CVE-2022-29162: nothing inheritable unless asked")
        #expect(plan.ambientRaises == 0)
        let drops = Capabilities.numbers(in: plan.boundingDrops)
        #expect(!drops.contains(5) && !drops.contains(10) && !drops.contains(12))
        #expect(!drops.contains(13), "kept in bounding though not permitted")
        #expect(drops.count == 41 - 4)
    }

    @Test func ambientCapabilitiesBecomeInheritableAndAreRaisedLast() throws {
        let plan = try CapabilityDrop(keeping: ["net_bind_service", "kill"], ambient: .named(["net_bind_service"]))
            .plan(current: Self.full, last: 40)
        #expect(plan.inheritable == 1 << 10 && Capabilities.numbers(in: plan.ambientRaises) == [10])
        #expect(plan.permitted == 1 << 10 | 1 << 5)
    }

    @Test func setpcapOnlyPermittedIsRaisedBeforeTheBoundingDrops() throws {
        var current = Self.full
        current.effective = 0 // as after setresuid to a non-root uid under keepcaps
        current.inheritable = 1 << 3
        let plan = try CapabilityDrop(keeping: ["kill"]).plan(current: current, last: 40)
        #expect(plan.raiseSetpcap?.effective == 1 << 8, "setpcap only")
        #expect(plan.raiseSetpcap?.permitted == current.permitted && plan.raiseSetpcap?.inheritable == 1 << 3, "unchanged")
        #expect(plan.boundingDrops.nonzeroBitCount == 40 && plan.effective == 1 << 5 && plan.permitted == 1 << 5)
    }

    @Test func boundingDropsWithoutSetpcapAreRefusedBeforeAnythingChanges() throws {
        var current = Self.full
        current.effective = 0; current.permitted = 0 // as after setresuid to a non-root uid
        #expect(throws: SysError(errno: EPERM, operation: "drop_capabilities", object: "bounding set (needs setpcap)")) {
            try CapabilityDrop(keeping: []).plan(current: current, last: 40)
        }
        // Nothing to drop from the bounding set: no setpcap needed.
        current.bounding = 1 << 10
        #expect(try CapabilityDrop(keeping: ["net_bind_service"]).plan(current: current, last: 40).boundingDrops == 0)
    }

    @Test func ambientCapabilitiesTheCallerLacksAreRefusedBeforeAnythingChanges() {
        var current = Self.full
        current.permitted &= ~(1 << 10)
        #expect(throws: SysError(errno: EPERM, operation: "drop_capabilities", object: "ambient net_bind_service (not permitted)")) {
            try CapabilityDrop(keeping: ["net_bind_service"], ambient: .allKept).plan(current: current, last: 40)
        }
        current = Self.full
        current.bounding &= ~(1 << 10)
        #expect(throws: SysError(errno: EPERM, operation: "drop_capabilities", object: "ambient net_bind_service (not permitted)")) {
            try CapabilityDrop(keeping: ["net_bind_service"], ambient: .allKept).plan(current: current, last: 40)
        }
    }
}

/// Found by libFuzzer: Unicode case mapping turned a Kelvin sign into a "k".
@Test func capabilityNamesAreASCII() {
    #expect(Capabilities.number(named: "\u{212A}ill") == nil)
    #expect(Capabilities.number(named: "KILL") != nil)
}
