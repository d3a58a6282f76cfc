import Testing
import Glibc
@testable import NSRunCore

/// Resource limit names (as prlimit(1)), values and the soft <= hard rule:
/// pure logic, no limit is changed here.
@Suite struct RlimitTests {
    @Test func theNamesAreThoseOfPrlimit() {
        #expect(ResourceLimits.all.map(\.name) == ["as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
                                                   "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending",
                                                   "stack"])
        #expect(Set(ResourceLimits.all.map(\.resource)).count == 16, "distinct resources")
        #expect(ResourceLimits.all.allSatisfy { (0..<16).contains($0.resource) }, "RLIMIT_NLIMITS is 16")
    }

    @Test(arguments: [("nofile", 7), ("NOFILE", 7), ("RLIMIT_NOFILE", 7), ("rlimit_nproc", 6), ("as", 9),
                      ("cpu", 0), ("fsize", 1), ("data", 2), ("stack", 3), ("core", 4), ("rss", 5),
                      ("memlock", 8), ("locks", 10), ("sigpending", 11), ("msgqueue", 12), ("nice", 13),
                      ("rtprio", 14), ("rttime", 15)])
    func namesMapToThisArchitecturesNumbers(_ name: String, _ number: Int32) {
        // x86_64 and aarch64 share the generic numbers.
        #expect(ResourceLimits.resource(named: name) == number)
        #expect(ResourceLimits.resource(named: name) == ResourceLimits.resource(named: name.uppercased()))
    }

    @Test func theGlibcConstantsAgree() {
        #expect(ResourceLimits.resource(named: "nofile") == Int32(RLIMIT_NOFILE.rawValue))
        #expect(ResourceLimits.resource(named: "nproc") == Int32(__RLIMIT_NPROC.rawValue))
        #expect(ResourceLimits.resource(named: "as") == Int32(RLIMIT_AS.rawValue))
        #expect(ResourceLimits.name(of: Int32(RLIMIT_NOFILE.rawValue)) == "nofile")
        #expect(ResourceLimits.name(of: 99) == nil)
    }

    @Test(arguments: ["", "nofiles", "rlimit_", "ofile", "RLIMIT", "no file", "7"])
    func unknownNames(_ name: String) {
        #expect(ResourceLimits.resource(named: name) == nil)
    }

    @Test func onlyTheWordUnlimitedIsAValueString() {
        #expect(ResourceLimit.value(named: "unlimited") == ResourceLimit.unlimited)
        for text in ["Unlimited", "UNLIMITED", "infinity", "16", "", " unlimited", "-1"] {
            #expect(ResourceLimit.value(named: text) == nil, "\(text)")
        }
        #expect(ResourceLimit.value(0) == 0)
        #expect(ResourceLimit.value(Int64.max) == UInt64(Int64.max))
        #expect(ResourceLimit.value(-1) == nil)
        #expect(ResourceLimit.unlimited == UInt64.max, "RLIM_INFINITY")
    }

    @Test func softAboveHardIsRefused() throws {
        #expect(throws: UsageError("soft limit 32 is above the hard limit 16")) { try ResourceLimit(soft: 32, hard: 16) }
        #expect(throws: UsageError("soft limit unlimited is above the hard limit 16")) {
            try ResourceLimit(soft: ResourceLimit.unlimited, hard: 16)
        }
        #expect(try ResourceLimit(soft: 16, hard: 16).description == "16:16")
        #expect(try ResourceLimit(soft: 0, hard: ResourceLimit.unlimited).description == "0:unlimited")
        #expect(try ResourceLimit(soft: ResourceLimit.unlimited, hard: ResourceLimit.unlimited).description == "unlimited:unlimited")
    }
}
