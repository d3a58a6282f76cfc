#if canImport(Glibc)
import Glibc
#endif

/// A validated `drop_capabilities` request and the steps it takes. Pure:
/// `dropCapabilities` reads the process's state and runs the plan.
///
/// Design (runc CVE-2022-29162): a capability that is kept stays in the
/// bounding and permitted sets as it was, and is effective when permitted;
/// every other one leaves all five sets. Inheritable and ambient end up empty, even for kept
/// capabilities, unless `ambient` names some: those become inheritable and
/// ambient, so that a program exec'd by a non-root user (or in a user
/// namespace without a root mapping) gets them. Ambient capabilities must
/// be kept.
public struct CapabilityDrop: Equatable, Sendable {
    /// Capabilities to keep (bit n for capability n).
    public let keep: UInt64
    /// Capabilities to make inheritable and ambient: a subset of `keep`.
    public let ambient: UInt64
    /// Whether the bounding set is reduced too (drop_capabilities' `bounding
    /// = false` leaves it as it is: reduced already, as a child's after
    /// clone's `bounding_set`, or kept on purpose for a later exec).
    public var bounding = true

    /// Which kept capabilities become ambient.
    public enum Ambient: Equatable, Sendable {
        case none
        case allKept
        case named([String])
    }

    /// Validates a request by names (`Capabilities.number(named:)`). Throws a
    /// UsageError for an unknown name, or an ambient name that is not kept.
    public init(keeping names: [String], ambient: Ambient = .none) throws(UsageError) {
        let keep = try Capabilities.mask(named: names)
        switch ambient {
        case .none: try self.init(keep: keep, ambient: 0)
        case .allKept: try self.init(keep: keep, ambient: keep)
        case .named(let list):
            for name in list {
                guard let n = Capabilities.number(named: name) else { throw UsageError("unknown capability '\(name)'") }
                if keep & (1 << UInt64(n)) == 0 {
                    throw UsageError("ambient capability '\(name)' is not kept (ambient must be a subset of keep)")
                }
            }
            try self.init(keep: keep, ambient: try Capabilities.mask(named: list))
        }
    }

    public init(keep: UInt64, ambient: UInt64) throws(UsageError) {
        if ambient & ~keep != 0 {
            throw UsageError("ambient capability '\(Capabilities.names(in: ambient & ~keep)[0])' is not kept (ambient must be a subset of keep)")
        }
        self.keep = keep
        self.ambient = ambient
    }

    /// What to do to a process in state `current` on a kernel whose last
    /// capability is `last`, in this order:
    ///
    /// 0. when there are bounding capabilities to drop and CAP_SETPCAP is
    ///    permitted but not effective (after a setresuid under keepcaps):
    ///    capset(`raiseSetpcap`) makes it effective;
    /// 1. PR_CAPBSET_DROP each of `boundingDrops` (needs CAP_SETPCAP in the
    ///    effective set, which step 3 may remove: so bounding goes first);
    /// 2. PR_CAP_AMBIENT_CLEAR_ALL;
    /// 3. capset(`effective`, `permitted`, `inheritable`): a kept capability
    ///    that is permitted is effective;
    /// 4. PR_CAP_AMBIENT_RAISE each of `ambientRaises` (the kernel requires
    ///    them in permitted and inheritable, hence after step 3).
    ///
    /// Sets of capabilities are masks (bit n: capability n), not arrays: the
    /// plan is made in every sandbox's program process, and an array type
    /// (or an optional tuple) has its metadata built at run time on first use.
    public struct Plan: Equatable, Sendable {
        /// Effective, permitted, inheritable for step 0, or nil.
        public var raiseSetpcap: CapsetValues?
        public var boundingDrops: UInt64
        public var effective: UInt64
        public var permitted: UInt64
        public var inheritable: UInt64
        public var ambientRaises: UInt64
    }

    /// The three sets capset(2) takes.
    public struct CapsetValues: Equatable, Sendable {
        public var effective: UInt64
        public var permitted: UInt64
        public var inheritable: UInt64
    }

    /// The plan, or, when the kernel would refuse a step, that refusal
    /// (EPERM) before anything is changed:
    /// - bounding capabilities to drop and CAP_SETPCAP neither effective nor
    ///   permitted (after setresuid from root to another uid without
    ///   keepcaps): "drop_capabilities bounding set (needs setpcap): Operation not permitted";
    /// - an ambient capability not in both permitted and bounding (it could
    ///   not be made inheritable and ambient):
    ///   "drop_capabilities ambient net_bind_service (not permitted): …".
    public func plan(current: CapabilitySets, last: Int) throws(SysError) -> Plan {
        let upTo = min(last, Capabilities.lastRepresentable)
        let kernel = upTo >= 63 ? UInt64.max : (UInt64(1) << UInt64(max(upTo, 0) + 1)) - 1
        let drops = bounding ? current.bounding & ~keep & kernel : 0
        let setpcap = UInt64(1) << UInt64(Capabilities.setpcap)
        var raise: CapsetValues? = nil
        if drops != 0 && current.effective & setpcap == 0 {
            guard current.permitted & setpcap != 0 else {
                throw SysError(errno: EPERM, operation: "drop_capabilities", object: "bounding set (needs setpcap)")
            }
            raise = CapsetValues(effective: current.effective | setpcap, permitted: current.permitted,
                                 inheritable: current.inheritable)
        }
        let missing = ambient & ~(current.permitted & current.bounding)
        if missing != 0 {
            throw SysError(errno: EPERM, operation: "drop_capabilities",
                           object: "ambient \(Capabilities.names(in: missing).joined(separator: ",")) (not permitted)")
        }
        return Plan(raiseSetpcap: raise, boundingDrops: drops, effective: current.permitted & keep,
                    permitted: current.permitted & keep, inheritable: ambient, ambientRaises: ambient)
    }
}
