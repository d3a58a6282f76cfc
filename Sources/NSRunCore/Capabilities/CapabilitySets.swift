/// The five capability sets of a process, bit n for capability n
/// (`Capabilities.all`): what `/proc/PID/status` shows as CapBnd, CapEff,
/// CapPrm, CapInh and CapAmb.
public struct CapabilitySets: Equatable, Sendable {
    public var bounding: UInt64
    public var effective: UInt64
    public var permitted: UInt64
    public var inheritable: UInt64
    public var ambient: UInt64

    public init(bounding: UInt64, effective: UInt64, permitted: UInt64, inheritable: UInt64, ambient: UInt64) {
        self.bounding = bounding
        self.effective = effective
        self.permitted = permitted
        self.inheritable = inheritable
        self.ambient = ambient
    }

    /// The sets by their Lua names, in a fixed order.
    public var named: [(name: String, mask: UInt64)] {
        [("ambient", ambient), ("bounding", bounding), ("effective", effective),
         ("inheritable", inheritable), ("permitted", permitted)]
    }

    /// Parses the text of /proc/PID/status: the hexadecimal `CapInh:`,
    /// `CapPrm:`, `CapEff:`, `CapBnd:` and `CapAmb:` lines. Pure. Nil when
    /// a line is missing or is not 1 to 16 hex digits (CapAmb is missing
    /// before Linux 4.3 and reads as empty then).
    public init?(procStatus text: String) {
        var found: [Substring: UInt64] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("Cap") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = line[..<colon]
            let value = line[line.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            guard (1...16).contains(value.count), let v = UInt64(value, radix: 16) else { return nil }
            found[key] = v
        }
        guard let bnd = found["CapBnd"], let eff = found["CapEff"], let prm = found["CapPrm"],
              let inh = found["CapInh"] else { return nil }
        self.init(bounding: bnd, effective: eff, permitted: prm, inheritable: inh, ambient: found["CapAmb"] ?? 0)
    }
}
