/// Matching a name a recipe wrote against a table entry: "SIGTERM", "term"
/// and "Term" for the signal table's "TERM"; "CAP_SYS_ADMIN" for
/// "sys_admin"; "RLIMIT_NOFILE" for "nofile"; the mount word "NoSuid" for
/// "MS_NOSUID". Pure logic.
///
/// Why not `lowercased()` and a dictionary: Swift's case mapping is
/// Unicode's, and its first use in a process pulls in the stdlib's Unicode
/// tables; a `[String: Int]` is built and hashed (seeded by getrandom) on
/// its first lookup. A sandbox's program process paid both before its exec:
/// `drop_capabilities({"CAP_SYS_ADMIN"})` took 230 µs against 95 µs for
/// `drop_capabilities({})`, cold (ns.clock around the call). Tables of a
/// few dozen entries are faster to walk comparing bytes.
public enum ASCIINames {
    /// Whether `name` is `entry`, or `prefix` followed by `entry`, ignoring
    /// the case of ASCII letters. A byte outside ASCII never equals one of
    /// a table entry (entries are ASCII): Unicode case mapping would make
    /// "ſ" (long s) an "s" and "\u{212A}" (Kelvin) a "k".
    public static func matches(_ name: String, _ entry: String, optionalPrefix prefix: String) -> Bool {
        let n = name.utf8, e = entry.utf8, p = prefix.utf8
        var i = n.startIndex
        if n.count == p.count + e.count {
            for b in p {
                guard folded(n[i]) == folded(b) else { return false }
                i = n.index(after: i)
            }
        } else if n.count != e.count {
            return false
        }
        for b in e {
            guard folded(n[i]) == folded(b) else { return false }
            i = n.index(after: i)
        }
        return true
    }

    /// Whether `name` is `entry` without its first `count` bytes, ignoring
    /// the case of ASCII letters: "nosuid" for the table's "MS_NOSUID".
    public static func matches(_ name: String, _ entry: String, droppingFirst count: Int) -> Bool {
        let n = name.utf8, e = entry.utf8.dropFirst(count)
        guard n.count == e.count else { return false }
        return zip(n, e).allSatisfy { folded($0) == folded($1) }
    }

    /// `b` lower-cased if it is an ASCII capital, else `b`.
    @inline(__always) static func folded(_ b: UInt8) -> UInt8 {
        b &- 0x41 < 26 ? b | 0x20 : b
    }
}
