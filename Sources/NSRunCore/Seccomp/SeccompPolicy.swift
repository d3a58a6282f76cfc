#if canImport(Glibc)
import Glibc
#endif

/// A seccomp policy as a recipe wrote it: strings and integers only, types
/// already checked by the caller (the Lua layer), meaning not yet checked.
/// `SeccompPolicy(_:)` validates it.
public struct SeccompPolicySpec: Equatable, Sendable {
    /// One `args` entry: `{index, op, value}` or `{index, "&=", mask, value}`.
    public struct Arg: Equatable, Sendable {
        public var index: Int64
        public var op: String
        public var operands: [Int64]
        public init(index: Int64, op: String, operands: [Int64]) {
            self.index = index
            self.op = op
            self.operands = operands
        }
    }

    /// One `rules` entry: `{"name", action = "...", args = {...}}`.
    public struct Rule: Equatable, Sendable {
        public var syscall: String?
        public var action: String?
        public var args: [Arg]
        public init(syscall: String?, action: String?, args: [Arg] = []) {
            self.syscall = syscall
            self.action = action
            self.args = args
        }
    }

    public var defaultAction: String?
    public var rules: [Rule]?
    public var deny: [String]?
    public var allow: [String]?

    public init(defaultAction: String? = nil, rules: [Rule]? = nil, deny: [String]? = nil, allow: [String]? = nil) {
        self.defaultAction = defaultAction
        self.rules = rules
        self.deny = deny
        self.allow = allow
    }
}

/// One rule of a validated policy: a system call, its number here, the
/// action, the conditions (all must hold), where it came from, and whether
/// it becomes part of the filter.
public struct SeccompRule: Equatable, Sendable {
    public enum Effect: Equatable, Sendable {
        /// In the filter.
        case filtered
        /// Its action is the default's: it would change nothing (libseccomp
        /// refuses such a rule), so it is left out.
        case sameAsDefault
        /// The name is a system call of another architecture: nothing to filter.
        case notOnThisArchitecture
    }

    /// `rules[2]`, `deny[1]`, `allow[3]`; nil for the rule nsrun adds for clone3.
    public let origin: String?
    public let syscall: String
    /// nil when not a system call on this architecture.
    public let number: Int32?
    public let action: SeccompAction
    /// The action the recipe asked for, when nsrun changed it (clone3 only).
    public let requested: SeccompAction?
    public let conditions: [SeccompCondition]
    public let effect: Effect
}

/// A validated seccomp policy: what `ns.seccomp`, `seccomp_explain` and
/// `seccomp_export` act on. Pure logic apart from the name lookups in
/// libseccomp's tables (no system call). Every check is made here, before
/// anything is built or installed.
///
/// Forms:
/// - `{default = ACTION, rules = {{"name", action = ACTION, args = {...}}, ...}}`;
///   `default` is `allow` when absent.
/// - `{deny = {names}}`: default `allow`, each name `errno:EPERM`.
/// - `{allow = {names}}`: default `errno:EPERM` (as Docker's and firejail's
///   allow lists: a program meets an error it can report, rather than dying),
///   each name `allow`.
/// The short forms take `default` (to override the implied one) and `rules`
/// too; `deny` and `allow` do not combine.
///
/// Refused (a `UsageError` whose reason starts with where: `rules[2]: unknown
/// syscall 'ptrce'`): an empty policy; an unknown syscall name (a typo must
/// never weaken a policy, firejail #2931); a missing or unknown action; a
/// condition with an unknown operator, an index outside 0..5, the wrong
/// number of values, a masked value with bits outside its mask; two
/// conditions on one argument in a rule (libseccomp refuses them); a second
/// rule for a call that already has one without conditions, or one with the
/// same conditions (libseccomp would silently keep one of them); conditions
/// on clone3 (its arguments are in memory, which a filter cannot read).
///
/// clone3: when the policy does not let clone3 run (an explicit rule, or a
/// default that denies it), its action becomes `errno:ENOSYS`, whatever the
/// recipe said. glibc (2.34+) then falls back to clone, which the filter can
/// inspect; with EPERM, thread creation and posix_spawn would fail (moby#42680).
public struct SeccompPolicy: Equatable, Sendable {
    public let defaultAction: SeccompAction
    /// In policy order: the `deny`/`allow` names, then `rules`, then the
    /// rule nsrun adds for clone3 when the default denies it.
    public let rules: [SeccompRule]

    /// The rules that are part of the filter.
    public var filteredRules: [SeccompRule] { rules.filter { $0.effect == .filtered } }

    public init(_ spec: SeccompPolicySpec,
                resolve: (String) -> SeccompSyscalls.Resolution = SeccompSyscalls.resolve) throws(UsageError) {
        if spec.deny != nil && spec.allow != nil {
            throw UsageError("deny and allow do not combine (write default and rules instead)")
        }
        if spec.defaultAction == nil && spec.rules == nil && spec.deny == nil && spec.allow == nil {
            throw UsageError("the policy is empty (give default, rules, deny or allow)")
        }
        let defaultAction: SeccompAction
        if let text = spec.defaultAction {
            do throws(UsageError) { defaultAction = try SeccompAction(parsing: text) }
            catch { throw UsageError("default: " + error.reason) }
        } else {
            defaultAction = spec.allow != nil ? .errno(EPERM) : .allow
        }

        // (origin, name, action, conditions), in policy order.
        var entries: [(String, String, SeccompAction, [SeccompCondition])] = []
        for (k, name) in (spec.deny ?? []).enumerated() { entries.append(("deny[\(k + 1)]", name, .errno(EPERM), [])) }
        for (k, name) in (spec.allow ?? []).enumerated() { entries.append(("allow[\(k + 1)]", name, .allow, [])) }
        for (k, rule) in (spec.rules ?? []).enumerated() {
            let origin = "rules[\(k + 1)]"
            guard let name = rule.syscall else {
                throw UsageError("\(origin): the syscall name is missing ({\"name\", action = ...})")
            }
            guard let actionText = rule.action else { throw UsageError("\(origin): missing action") }
            let action: SeccompAction
            do throws(UsageError) { action = try SeccompAction(parsing: actionText) }
            catch { throw UsageError("\(origin): " + error.reason) }
            var conditions: [SeccompCondition] = []
            for (j, arg) in rule.args.enumerated() {
                let c: SeccompCondition
                do throws(UsageError) { c = try SeccompCondition(index: arg.index, op: arg.op, operands: arg.operands) }
                catch { throw UsageError("\(origin).args[\(j + 1)]: " + error.reason) }
                if conditions.contains(where: { $0.index == c.index }) {
                    throw UsageError("\(origin).args[\(j + 1)]: argument \(c.index) is compared twice in one rule (libseccomp takes one comparison per argument; write two rules)")
                }
                conditions.append(c)
            }
            entries.append((origin, name, action, conditions))
        }

        var rules: [SeccompRule] = []
        // Per call: where its unconditional rule is, and its condition sets.
        var unconditional: [String: String] = [:]
        var conditional: [String: [(Set<SeccompCondition>, String)]] = [:]
        for (origin, name, action, conditions) in entries {
            let number: Int32?
            switch resolve(name) {
            case .unknown: throw UsageError("\(origin): unknown syscall '\(name)'")
            case .notOnThisArchitecture: number = nil
            case .number(let n): number = n
            }
            if name == "clone3" && !conditions.isEmpty {
                throw UsageError("\(origin): clone3's arguments are in memory, which a filter cannot read: give clone3 a rule without args")
            }
            let key = number.map { "#\($0)" } ?? name
            if let first = unconditional[key] {
                throw UsageError(conditions.isEmpty
                    ? "\(origin): a second rule for '\(name)' (first at \(first)); a call takes one action"
                    : "\(origin): '\(name)' already has a rule without args at \(first), which decides every call")
            }
            if conditions.isEmpty {
                if let first = conditional[key]?.first {
                    throw UsageError("\(origin): '\(name)' already has a rule with args at \(first.1); a rule without args would override it")
                }
                unconditional[key] = origin
            } else {
                let set = Set(conditions)
                if let same = conditional[key]?.first(where: { $0.0 == set }) {
                    throw UsageError("\(origin): the same conditions as \(same.1) for '\(name)'")
                }
                conditional[key, default: []].append((set, origin))
            }
            rules.append(SeccompRule(origin: origin, syscall: name, number: number, action: action, requested: nil,
                                     conditions: conditions, effect: .filtered))
        }

        // clone3 denied → ENOSYS, so that glibc falls back to clone.
        let enosys = SeccompAction.errno(ENOSYS)
        if let i = rules.firstIndex(where: { $0.syscall == "clone3" }) {
            let r = rules[i]
            if !r.action.letsTheCallRun && r.action != enosys {
                rules[i] = SeccompRule(origin: r.origin, syscall: r.syscall, number: r.number, action: enosys,
                                       requested: r.action, conditions: [], effect: .filtered)
            }
        } else if !defaultAction.letsTheCallRun && defaultAction != enosys, case .number(let n) = resolve("clone3") {
            rules.append(SeccompRule(origin: nil, syscall: "clone3", number: n, action: enosys, requested: defaultAction,
                                     conditions: [], effect: .filtered))
        }

        self.defaultAction = defaultAction
        self.rules = rules.map { r in
            let effect: SeccompRule.Effect = r.number == nil ? .notOnThisArchitecture
                : r.action == defaultAction ? .sameAsDefault : .filtered
            return SeccompRule(origin: r.origin, syscall: r.syscall, number: r.number, action: r.action,
                               requested: r.requested, conditions: r.conditions, effect: effect)
        }
    }
}
