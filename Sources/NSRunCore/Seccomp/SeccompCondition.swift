/// A comparison on one system call argument, as a rule's `args` entry
/// `{index, op, value}` or `{index, "&=", mask, value}`. Pure logic.
///
/// The filter sees each argument as the full 64-bit register, unsigned.
/// Negative Lua integers are their two's complement bit patterns (-1 is
/// 0xffffffffffffffff), and `<`, `>` compare unsigned. An argument the
/// kernel takes as 32 bits (an fd, an ioctl request, int flags) is still
/// seen with its upper 32 bits, which the kernel then ignores: `==` on it
/// can be bypassed by setting them (CVE-2019-10063, flatpak's TIOCSTI
/// filter). Compare such an argument masked: `{1, "&=", 0xffffffff, TIOCSTI}`.
public struct SeccompCondition: Hashable, Sendable, CustomStringConvertible {
    public enum Operator: String, CaseIterable, Sendable {
        case equal = "==", notEqual = "!=", less = "<", lessOrEqual = "<="
        case greater = ">", greaterOrEqual = ">=", maskedEqual = "&="

        /// "==, !=, <, <=, >, >=, &=" for messages.
        public static let spellings = allCases.map(\.rawValue).joined(separator: ", ")

        /// libseccomp's enum scmp_compare.
        var libseccompValue: UInt32 {
            switch self {
            case .notEqual: return 1
            case .less: return 2
            case .lessOrEqual: return 3
            case .equal: return 4
            case .greaterOrEqual: return 5
            case .greater: return 6
            case .maskedEqual: return 7
            }
        }
    }

    /// Argument index, 0...5.
    public let index: Int
    public let op: Operator
    /// The value compared against (for `&=`, after masking).
    public let value: UInt64
    /// The mask for `&=`; all ones otherwise.
    public let mask: UInt64

    /// The highest argument index a system call has on Linux.
    public static let maximumIndex: Int64 = 5

    public init(index: Int, op: Operator, value: UInt64, mask: UInt64 = .max) {
        self.index = index
        self.op = op
        self.value = value
        self.mask = mask
    }

    /// Validates `{index, op, operands...}` as a recipe wrote it. Reasons are
    /// bare (the caller prefixes where the entry is).
    public init(index: Int64, op text: String, operands: [Int64]) throws(UsageError) {
        guard let op = Operator(rawValue: text) else {
            throw UsageError("unknown operator '\(text)' (expected \(Operator.spellings))")
        }
        guard (0...SeccompCondition.maximumIndex).contains(index) else {
            throw UsageError("argument index \(index) out of range 0..\(SeccompCondition.maximumIndex)")
        }
        if op == .maskedEqual {
            guard operands.count == 2 else {
                throw UsageError("'&=' takes a mask and a value: {index, \"&=\", mask, value}, got \(operands.count) value\(operands.count == 1 ? "" : "s")")
            }
            let mask = UInt64(bitPattern: operands[0]), value = UInt64(bitPattern: operands[1])
            // libseccomp would mask the value silently, changing what matches.
            guard value & ~mask == 0 else {
                throw UsageError("value \(SeccompCondition.hex(value)) has bits outside the mask \(SeccompCondition.hex(mask, always: true)); the rule could never match as written")
            }
            self.init(index: Int(index), op: op, value: value, mask: mask)
        } else {
            guard operands.count == 1 else {
                throw UsageError("'\(text)' takes one value: {index, \"\(text)\", value}, got \(operands.count) values")
            }
            self.init(index: Int(index), op: op, value: UInt64(bitPattern: operands[0]))
        }
    }

    /// `arg1 == 0x5412`, `arg1 & 0xffffffff == 0x5412`.
    public var description: String {
        op == .maskedEqual
            ? "arg\(index) & \(SeccompCondition.hex(mask, always: true)) == \(SeccompCondition.hex(value))"
            : "arg\(index) \(op.rawValue) \(SeccompCondition.hex(value))"
    }

    /// Decimal below 256, hexadecimal from there (flags, requests); masks
    /// `always` in hexadecimal.
    static func hex(_ v: UInt64, always: Bool = false) -> String {
        v < 256 && !always ? String(v) : "0x" + String(v, radix: 16)
    }
}
