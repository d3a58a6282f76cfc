/// An IPv4 address, parsed strictly from dotted-quad text: exactly four
/// decimal fields 0–255, no leading zeros (inet_aton would read "010" as
/// octal 8), no spaces, no shorthand such as "10.1".
public struct IPv4Address: Equatable, Sendable, CustomStringConvertible {
    /// Network byte order: octets[0] is the first field.
    public let octets: [UInt8]

    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        octets = [a, b, c, d]
    }

    /// nil unless `text` is exactly "A.B.C.D".
    public init?(parsing text: String) {
        let fields = text.utf8.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard fields.count == 4 else { return nil }
        var out: [UInt8] = []
        for field in fields {
            guard let v = IPv4Address.decimal(field, maximum: 255) else { return nil }
            out.append(UInt8(v))
        }
        octets = out
    }

    public var description: String { octets.map { String($0) }.joined(separator: ".") }

    /// The address as a 32-bit number, first octet most significant.
    public var value: UInt32 { octets.reduce(UInt32(0)) { $0 << 8 | UInt32($1) } }

    /// A decimal field of 1–3 digits, no leading zero unless it is "0",
    /// at most `maximum`.
    static func decimal(_ digits: Substring.UTF8View, maximum: Int) -> Int? {
        guard (1...3).contains(digits.count) else { return nil }
        if digits.count > 1 && digits.first == UInt8(ascii: "0") { return nil }
        var v = 0
        for d in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(d) else { return nil }
            v = v * 10 + Int(d - UInt8(ascii: "0"))
        }
        return v <= maximum ? v : nil
    }
}

/// An interface address with its prefix length: "A.B.C.D/len", len 0–32.
/// Without "/len" the prefix is 32, as with `ip address add`.
public struct IPv4Prefix: Equatable, Sendable, CustomStringConvertible {
    public let address: IPv4Address
    public let length: Int

    public init(_ address: IPv4Address, length: Int) {
        precondition((0...32).contains(length), "IPv4 prefix length out of range")
        self.address = address
        self.length = length
    }

    /// Parses "A.B.C.D/len" (or "A.B.C.D", /32). Throws the reason for a
    /// malformed address or prefix length.
    public init(parsing text: String) throws(UsageError) {
        let parts = text.utf8.split(separator: UInt8(ascii: "/"), maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPv4Address(parsing: String(Substring(parts[0]))) else {
            if text.contains(":") { throw UsageError("'\(text)' is not an IPv4 address (IPv6 is not supported)") }
            throw UsageError("'\(text)' is not an IPv4 address A.B.C.D/len")
        }
        var length = 32
        if parts.count == 2 {
            guard let n = IPv4Address.decimal(parts[1], maximum: 32) else {
                throw UsageError("'\(text)': prefix length must be 0..32")
            }
            length = n
        }
        self.init(address, length: length)
    }

    public var description: String { "\(address)/\(length)" }
}
