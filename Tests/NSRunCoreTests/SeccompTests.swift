import Testing
import Glibc
import CLibSeccomp
@testable import NSRunCore

// Pure logic of seccomp policies: actions, operators, conditions, name
// resolution in libseccomp's tables, validation, the clone3 rule and the
// explain text. Nothing here builds or loads a filter (the test runner must
// stay unfiltered); that is tested through the built nsrun
// (Tests/NSRunTests/lua/test_seccomp.lua).

@Suite struct SeccompActionTests {
    @Test(arguments: [
        ("allow", SeccompAction.allow, "allow"),
        ("log", .log, "log"),
        ("trap", .trap, "trap"),
        ("kill", .killProcess, "kill_process"),
        ("kill_process", .killProcess, "kill_process"),
        ("kill_thread", .killThread, "kill_thread"),
        ("errno", .errno(EPERM), "errno:EPERM"),
        ("errno:EACCES", .errno(EACCES), "errno:EACCES"),
        ("errno:ENOSYS", .errno(ENOSYS), "errno:ENOSYS"),
        ("errno:13", .errno(EACCES), "errno:EACCES"),
        ("errno:97", .errno(97), "errno:97"),      // EAFNOSUPPORT: not in ns.errno, shown as a number
        ("errno:4095", .errno(4095), "errno:4095"),
    ])
    func parsesAndNames(_ text: String, _ action: SeccompAction, _ canonical: String) throws {
        #expect(try SeccompAction(parsing: text) == action)
        #expect(action.description == canonical)
        #expect(try SeccompAction(parsing: canonical) == action, "the canonical text parses back")
    }

    @Test(arguments: [
        ("deny", "unknown action 'deny' (expected allow, log, errno, errno:NAME, trap, kill, kill_process, kill_thread)"),
        ("ALLOW", "unknown action 'ALLOW' (expected allow, log, errno, errno:NAME, trap, kill, kill_process, kill_thread)"),
        ("", "unknown action '' (expected allow, log, errno, errno:NAME, trap, kill, kill_process, kill_thread)"),
        ("errno:", "unknown errno name '' in 'errno:' (a name of ns.errno, such as EPERM, or a number)"),
        ("errno:eperm", "unknown errno name 'eperm' in 'errno:eperm' (a name of ns.errno, such as EPERM, or a number)"),
        ("errno:-1", "unknown errno name '-1' in 'errno:-1' (a name of ns.errno, such as EPERM, or a number)"),
        ("errno:0", "errno 0 in 'errno:0' out of range 1..4095"),
        ("errno:4096", "errno 4096 in 'errno:4096' out of range 1..4095"),
        ("errno:99999999999", "errno 99999999999 in 'errno:99999999999' out of range 1..4095"),
    ])
    func refuses(_ text: String, _ reason: String) {
        #expect(throws: UsageError(reason)) { try SeccompAction(parsing: text) }
    }

    @Test func libseccompValuesAreTheHeadersMacros() {
        #expect(SeccompAction.allow.libseccompValue == SCMP_ACT_ALLOW)
        #expect(SeccompAction.log.libseccompValue == SCMP_ACT_LOG)
        #expect(SeccompAction.trap.libseccompValue == SCMP_ACT_TRAP)
        #expect(SeccompAction.killProcess.libseccompValue == SCMP_ACT_KILL_PROCESS)
        #expect(SeccompAction.killThread.libseccompValue == SCMP_ACT_KILL_THREAD)
        // SCMP_ACT_ERRNO(x) = 0x00050000 | (x & 0xffff)
        #expect(SeccompAction.errno(EACCES).libseccompValue == 0x0005_0000 | UInt32(EACCES))
    }

    @Test func onlyAllowAndLogLetTheCallRun() {
        #expect(SeccompAction.allow.letsTheCallRun && SeccompAction.log.letsTheCallRun)
        for a in [SeccompAction.trap, .killProcess, .killThread, .errno(EPERM)] { #expect(!a.letsTheCallRun, "\(a)") }
    }
}

@Suite struct SeccompConditionTests {
    @Test func operatorsAreLibseccompsCompareValues() {
        typealias Op = SeccompCondition.Operator
        #expect(Op.notEqual.libseccompValue == SCMP_CMP_NE.rawValue)
        #expect(Op.less.libseccompValue == SCMP_CMP_LT.rawValue)
        #expect(Op.lessOrEqual.libseccompValue == SCMP_CMP_LE.rawValue)
        #expect(Op.equal.libseccompValue == SCMP_CMP_EQ.rawValue)
        #expect(Op.greaterOrEqual.libseccompValue == SCMP_CMP_GE.rawValue)
        #expect(Op.greater.libseccompValue == SCMP_CMP_GT.rawValue)
        #expect(Op.maskedEqual.libseccompValue == SCMP_CMP_MASKED_EQ.rawValue)
        #expect(Op.spellings == "==, !=, <, <=, >, >=, &=")
    }

    @Test func parsesEachOperator() throws {
        for op in SeccompCondition.Operator.allCases where op != .maskedEqual {
            let c = try SeccompCondition(index: 2, op: op.rawValue, operands: [0x5412])
            #expect(c == SeccompCondition(index: 2, op: op, value: 0x5412, mask: .max))
            #expect(c.description == "arg2 \(op.rawValue) 0x5412")
        }
        let m = try SeccompCondition(index: 1, op: "&=", operands: [0xffff_ffff, 0x5412])
        #expect(m == SeccompCondition(index: 1, op: .maskedEqual, value: 0x5412, mask: 0xffff_ffff))
        #expect(m.description == "arg1 & 0xffffffff == 0x5412")
        #expect(try SeccompCondition(index: 0, op: "&=", operands: [7, 7]).description == "arg0 & 0x7 == 7")
    }

    @Test func negativeValuesAreTheirBitPatterns() throws {
        let c = try SeccompCondition(index: 0, op: "==", operands: [-1])
        #expect(c.value == UInt64.max)
        #expect(c.description == "arg0 == 0xffffffffffffffff")
        #expect(try SeccompCondition(index: 5, op: "<", operands: [Int64.min]).value == 1 << 63)
    }

    @Test(arguments: [
        (Int64(6), "==", [Int64(1)], "argument index 6 out of range 0..5"),
        (-1, "==", [1], "argument index -1 out of range 0..5"),
        (7, "==", [1], "argument index 7 out of range 0..5"),
        (0, "=~", [1], "unknown operator '=~' (expected ==, !=, <, <=, >, >=, &=)"),
        (0, "=", [1], "unknown operator '=' (expected ==, !=, <, <=, >, >=, &=)"),
        (0, "", [1], "unknown operator '' (expected ==, !=, <, <=, >, >=, &=)"),
        (0, "==", [1, 2], "'==' takes one value: {index, \"==\", value}, got 2 values"),
        (0, "<", [], "'<' takes one value: {index, \"<\", value}, got 0 values"),
        (0, "&=", [1], "'&=' takes a mask and a value: {index, \"&=\", mask, value}, got 1 value"),
        (0, "&=", [1, 2, 3], "'&=' takes a mask and a value: {index, \"&=\", mask, value}, got 3 values"),
        (0, "&=", [0xff, 0x100], "value 0x100 has bits outside the mask 0xff; the rule could never match as written"),
        (0, "&=", [0, 1], "value 1 has bits outside the mask 0x0; the rule could never match as written"),
    ])
    func refuses(_ index: Int64, _ op: String, _ operands: [Int64], _ reason: String) {
        #expect(throws: UsageError(reason)) { try SeccompCondition(index: index, op: op, operands: operands) }
    }
}

@Suite struct SeccompSyscallTests {
    @Test func resolvesThisArchitecturesNames() {
        #expect(SeccompSyscalls.resolve("mkdir") == .number(Int32(__NR_mkdir)))
        #expect(SeccompSyscalls.resolve("ptrace") == .number(Int32(__NR_ptrace)))
        #expect(SeccompSyscalls.resolve("ioctl") == .number(Int32(__NR_ioctl)))
        #expect(SeccompSyscalls.resolve("clone3") == .number(Int32(__NR_clone3)))
    }

    @Test func typosAndOtherSpellingsAreUnknown() {
        for name in ["ptrce", "PTRACE", "Mkdir", "mkdir ", "", "83", "__NR_mkdir", "mk\0dir"] {
            #expect(SeccompSyscalls.resolve(name) == .unknown, "\(name)")
        }
    }

    #if arch(x86_64)
    @Test func otherArchitecturesCallsAreKnownButAbsent() {
        #expect(SeccompSyscalls.resolve("socketcall") == .notOnThisArchitecture)
        #expect(SeccompSyscalls.architecture == "x86_64")
    }
    #endif
}

@Suite struct SeccompPolicyTests {
    let mkdir = Int32(__NR_mkdir), clone3 = Int32(__NR_clone3)

    @Test func denyFormDefaultsToAllowAndEPERM() throws {
        let p = try SeccompPolicy(SeccompPolicySpec(deny: ["mkdir", "ptrace"]))
        #expect(p.defaultAction == .allow)
        #expect(p.rules.map(\.syscall) == ["mkdir", "ptrace"])
        #expect(p.rules.map(\.origin) == ["deny[1]", "deny[2]"])
        #expect(p.rules.allSatisfy { $0.action == .errno(EPERM) && $0.effect == .filtered && $0.conditions.isEmpty })
        #expect(p.rules[0].number == mkdir)
    }

    @Test func allowFormDefaultsToEPERMAndAddsClone3AsENOSYS() throws {
        let p = try SeccompPolicy(SeccompPolicySpec(allow: ["read", "write"]))
        #expect(p.defaultAction == .errno(EPERM))
        #expect(p.rules.map(\.syscall) == ["read", "write", "clone3"])
        let c = p.rules[2]
        #expect(c.origin == nil && c.number == clone3 && c.action == .errno(ENOSYS) && c.requested == .errno(EPERM))
        #expect(c.effect == .filtered)
    }

    @Test func aDefaultOverridesTheShortFormsOwn() throws {
        let p = try SeccompPolicy(SeccompPolicySpec(defaultAction: "kill", allow: ["read"]))
        #expect(p.defaultAction == .killProcess)
        #expect(p.rules.last?.syscall == "clone3" && p.rules.last?.requested == .killProcess)
    }

    @Test func aDeniedClone3BecomesENOSYSWhateverTheRuleSaid() throws {
        for action in ["errno", "errno:EACCES", "kill", "kill_thread", "trap"] {
            let p = try SeccompPolicy(SeccompPolicySpec(rules: [.init(syscall: "clone3", action: action)]))
            #expect(p.rules.count == 1)
            #expect(p.rules[0].action == .errno(ENOSYS), "\(action)")
            #expect(p.rules[0].requested == (try SeccompAction(parsing: action)))
            #expect(p.rules[0].origin == "rules[1]")
        }
        let same = try SeccompPolicy(SeccompPolicySpec(rules: [.init(syscall: "clone3", action: "errno:ENOSYS")]))
        #expect(same.rules[0].requested == nil, "already ENOSYS: nothing changed")
    }

    @Test func clone3IsLeftAloneWhenThePolicyLetsItRun() throws {
        #expect(try SeccompPolicy(SeccompPolicySpec(deny: ["mkdir"])).rules.map(\.syscall) == ["mkdir"])
        #expect(try SeccompPolicy(SeccompPolicySpec(defaultAction: "log", deny: ["mkdir"])).rules.count == 1)
        let allowed = try SeccompPolicy(SeccompPolicySpec(allow: ["clone3"]))
        #expect(allowed.rules.count == 1 && allowed.rules[0].action == .allow)
        let logged = try SeccompPolicy(SeccompPolicySpec(defaultAction: "kill", rules: [.init(syscall: "clone3", action: "log")]))
        #expect(logged.rules.count == 1 && logged.rules[0].action == .log)
        // A default of ENOSYS already says it.
        #expect(try SeccompPolicy(SeccompPolicySpec(defaultAction: "errno:ENOSYS", rules: [])).rules.isEmpty)
    }

    @Test func rulesLikeTheDefaultAndOtherArchitecturesCallsAreLeftOut() throws {
        let p = try SeccompPolicy(SeccompPolicySpec(rules: [
            .init(syscall: "getpid", action: "allow"),
            .init(syscall: "mkdir", action: "errno"),
        ]))
        #expect(p.rules.map(\.effect) == [.sameAsDefault, .filtered])
        #expect(p.filteredRules.map(\.syscall) == ["mkdir"])
        let q = try SeccompPolicy(SeccompPolicySpec(deny: ["gone"]), resolve: { _ in .notOnThisArchitecture })
        #expect(q.rules.map(\.effect) == [.notOnThisArchitecture])
        #expect(q.rules[0].number == nil && q.filteredRules.isEmpty)
    }

    @Test func conditionalRulesForOneCallMayCoexist() throws {
        let p = try SeccompPolicy(SeccompPolicySpec(defaultAction: "errno", rules: [
            .init(syscall: "ioctl", action: "allow", args: [.init(index: 1, op: "==", operands: [0x541B])]),
            .init(syscall: "ioctl", action: "allow", args: [.init(index: 1, op: "==", operands: [0x5401])]),
            .init(syscall: "ioctl", action: "kill", args: [.init(index: 1, op: "&=", operands: [0xffff_ffff, 0x5412]),
                                                           .init(index: 0, op: ">", operands: [2])]),
        ]))
        #expect(p.filteredRules.count == 4)    // three, and clone3 → ENOSYS
        #expect(p.rules[2].conditions.map(\.index) == [1, 0], "conditions stay in the order written")
    }

    @Test(arguments: [
        (SeccompPolicySpec(), "the policy is empty (give default, rules, deny or allow)"),
        (SeccompPolicySpec(deny: ["mkdir"], allow: ["read"]), "deny and allow do not combine (write default and rules instead)"),
        (SeccompPolicySpec(defaultAction: "deny"),
         "default: unknown action 'deny' (expected allow, log, errno, errno:NAME, trap, kill, kill_process, kill_thread)"),
        (SeccompPolicySpec(rules: [.init(syscall: "mkdir", action: "errno"), .init(syscall: "ptrce", action: "errno")]),
         "rules[2]: unknown syscall 'ptrce'"),
        (SeccompPolicySpec(deny: ["mkdir", "ptrce"]), "deny[2]: unknown syscall 'ptrce'"),
        (SeccompPolicySpec(allow: ["Read"]), "allow[1]: unknown syscall 'Read'"),
        (SeccompPolicySpec(rules: [.init(syscall: nil, action: "errno")]),
         "rules[1]: the syscall name is missing ({\"name\", action = ...})"),
        (SeccompPolicySpec(rules: [.init(syscall: "mkdir", action: nil)]), "rules[1]: missing action"),
        (SeccompPolicySpec(rules: [.init(syscall: "mkdir", action: "errno:EFOO")]),
         "rules[1]: unknown errno name 'EFOO' in 'errno:EFOO' (a name of ns.errno, such as EPERM, or a number)"),
        (SeccompPolicySpec(rules: [.init(syscall: "ioctl", action: "errno", args: [.init(index: 7, op: "==", operands: [1])])]),
         "rules[1].args[1]: argument index 7 out of range 0..5"),
        (SeccompPolicySpec(rules: [.init(syscall: "ioctl", action: "errno", args: [
            .init(index: 0, op: "==", operands: [1]), .init(index: 1, op: "~", operands: [1])])]),
         "rules[1].args[2]: unknown operator '~' (expected ==, !=, <, <=, >, >=, &=)"),
        (SeccompPolicySpec(rules: [.init(syscall: "ioctl", action: "errno", args: [
            .init(index: 1, op: ">=", operands: [1]), .init(index: 1, op: "<=", operands: [3])])]),
         "rules[1].args[2]: argument 1 is compared twice in one rule (libseccomp takes one comparison per argument; write two rules)"),
        (SeccompPolicySpec(rules: [.init(syscall: "clone3", action: "errno", args: [.init(index: 0, op: "==", operands: [0])])]),
         "rules[1]: clone3's arguments are in memory, which a filter cannot read: give clone3 a rule without args"),
        (SeccompPolicySpec(deny: ["mkdir", "mkdir"]), "deny[2]: a second rule for 'mkdir' (first at deny[1]); a call takes one action"),
        (SeccompPolicySpec(rules: [.init(syscall: "mkdir", action: "allow")], deny: ["mkdir"]),
         "rules[1]: a second rule for 'mkdir' (first at deny[1]); a call takes one action"),
        (SeccompPolicySpec(rules: [.init(syscall: "ioctl", action: "errno", args: [.init(index: 1, op: "==", operands: [1])])],
                           deny: ["ioctl"]),
         "rules[1]: 'ioctl' already has a rule without args at deny[1], which decides every call"),
        (SeccompPolicySpec(rules: [.init(syscall: "ioctl", action: "errno", args: [.init(index: 1, op: "==", operands: [1])]),
                                   .init(syscall: "ioctl", action: "errno")]),
         "rules[2]: 'ioctl' already has a rule with args at rules[1]; a rule without args would override it"),
        (SeccompPolicySpec(rules: [
            .init(syscall: "ioctl", action: "errno", args: [.init(index: 1, op: "==", operands: [1]), .init(index: 0, op: "<", operands: [3])]),
            .init(syscall: "ioctl", action: "trap", args: [.init(index: 0, op: "<", operands: [3]), .init(index: 1, op: "==", operands: [1])])]),
         "rules[2]: the same conditions as rules[1] for 'ioctl'"),
    ])
    func refuses(_ spec: SeccompPolicySpec, _ reason: String) {
        #expect(throws: UsageError(reason)) { try SeccompPolicy(spec) }
    }

    @Test func theFirstProblemInPolicyOrderIsReported() {
        // deny entries come first, then rules, each in order.
        let spec = SeccompPolicySpec(rules: [.init(syscall: "nope1", action: "errno")], deny: ["nope2"])
        #expect(throws: UsageError("deny[1]: unknown syscall 'nope2'")) { try SeccompPolicy(spec) }
    }
}

@Suite struct SeccompExplainTests {
    @Test func oneLinePerRuleAfterTheDefault() throws {
        let p = try SeccompPolicy(SeccompPolicySpec(
            rules: [
                .init(syscall: "ioctl", action: "errno", args: [.init(index: 1, op: "&=", operands: [0xffff_ffff, 0x5412])]),
                .init(syscall: "getpid", action: "allow"),
                .init(syscall: "clone3", action: "errno:EACCES"),
            ],
            deny: ["mkdir"]))
        let arch = SeccompSyscalls.architecture
        #expect(SeccompExplain.text(p) == """
            default allow
            arch \(arch) (calls of other ABIs: kill_process)
            mkdir \(__NR_mkdir) errno:EPERM (deny[1])
            ioctl \(__NR_ioctl) errno:EPERM if arg1 & 0xffffffff == 0x5412 (rules[1])
            getpid \(__NR_getpid) allow (rules[2]; same as the default: no rule)
            clone3 \(__NR_clone3) errno:ENOSYS (rules[3] asked errno:EACCES; a denied clone3 gets ENOSYS so glibc falls back to clone)

            """)
    }

    @Test func theAddedClone3RuleAndAbsentCallsAreExplained() throws {
        let p = try SeccompPolicy(SeccompPolicySpec(defaultAction: "kill", allow: ["read", "gone"]),
                                  resolve: { $0 == "gone" ? .notOnThisArchitecture : SeccompSyscalls.resolve($0) })
        let lines = SeccompExplain.text(p).split(separator: "\n").map(String.init)
        #expect(lines.first == "default kill_process")
        #expect(lines[3] == "gone - allow (allow[2]; not a syscall on \(SeccompSyscalls.architecture): no rule)")
        #expect(lines.last == "clone3 \(__NR_clone3) errno:ENOSYS (added: the default kill_process denies clone3; a denied clone3 gets ENOSYS so glibc falls back to clone)")
    }

    @Test func conditionsAreJoinedWithAnd() throws {
        let p = try SeccompPolicy(SeccompPolicySpec(rules: [.init(syscall: "dup3", action: "errno:EACCES", args: [
            .init(index: 0, op: "==", operands: [5]), .init(index: 1, op: ">=", operands: [60])])]))
        #expect(SeccompExplain.text(p).hasSuffix("dup3 \(__NR_dup3) errno:EACCES if arg0 == 5 && arg1 >= 60 (rules[1])\n"))
    }
}
