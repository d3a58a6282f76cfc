#if canImport(Glibc)
import Glibc
#endif

/// Network interface names as the kernel accepts them (net/core/dev.c,
/// dev_valid_name): 1 to 15 bytes (IFNAMSIZ - 1), not "." or "..", and no
/// '/', ':', whitespace or NUL.
///
/// Checked before anything reaches the kernel, and never truncated: libnl
/// copies names into a 16-byte field and would silently cut a longer one,
/// which could then name a different interface.
public enum InterfaceName {
    /// IFNAMSIZ - 1.
    public static let maximumLength = 15

    /// nil when `name` is a valid interface name, else the reason it is not
    /// (for a `bad argument` message).
    public static func refusal(_ name: String) -> String? {
        let bytes = Array(name.utf8)
        if bytes.isEmpty { return "interface name is empty" }
        if bytes.count > maximumLength {
            return "interface name '\(name)' is longer than \(maximumLength) bytes"
        }
        if name == "." || name == ".." { return "'\(name)' is not an interface name" }
        for b in bytes {
            switch b {
            case 0: return "interface name contains a NUL byte"
            case UInt8(ascii: "/"), UInt8(ascii: ":"):
                return "interface name '\(name)' contains '\(Character(Unicode.Scalar(b)))'"
            case UInt8(ascii: " "), 0x09...0x0d:
                return "interface name '\(name)' contains whitespace"
            default: continue
            }
        }
        return nil
    }

    /// Throws EINVAL for a name `refusal` rejects: the core never hands such
    /// a name to libnl, even if a caller skipped the check.
    static func check(_ name: String, _ operation: String, _ object: String) throws(SysError) {
        if refusal(name) != nil { throw SysError(errno: EINVAL, operation: operation, object: object) }
    }
}
