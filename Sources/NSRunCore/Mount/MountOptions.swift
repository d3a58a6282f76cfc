/// mount(8)'s option words for the flags a recipe can give as a list
/// (`{"bind", "rec", "ro"}`): each maps to MS_* bits. Pure logic.
public enum MountOptionNames {
    /// mount(8)'s words that are not an MS_* name without its prefix.
    public static let shorthands: [NamedConstant] = [
        .init("ro", 1), .init("rw", 0), .init("sync", 16), .init("rbind", 4096 | 16384),
        .init("rprivate", (1 << 18) | 16384), .init("rslave", (1 << 19) | 16384),
        .init("rshared", (1 << 20) | 16384), .init("runbindable", (1 << 17) | 16384),
    ]

    /// The MS_* bits of one word: a shorthand, or an MS_* name without
    /// "MS_" ("nosuid" for MS_NOSUID), in any ASCII case (`ASCIINames`: no
    /// Unicode case mapping and no dictionary built on the first use, which
    /// cost a first `ns.mount` with a word list 110-140 µs). nil if unknown.
    public static func bits(_ word: String) -> UInt? {
        if let s = shorthands.first(where: { ASCIINames.matches(word, $0.name, optionalPrefix: "") }) {
            return UInt(s.value)
        }
        if let f = MountFlags.named.first(where: { ASCIINames.matches(word, $0.name, droppingFirst: 3) }) {
            return UInt(f.value)
        }
        return nil
    }

    /// The MS_* bits for a list of option words (case-insensitive), or the
    /// first unknown word.
    public static func flags(_ words: [String]) -> Result<UInt, UnknownOption> {
        var flags: UInt = 0
        for w in words {
            guard let bits = bits(w) else { return .failure(UnknownOption(word: w)) }
            flags |= bits
        }
        return .success(flags)
    }

    public struct UnknownOption: Error, Equatable { public let word: String }

    /// Splits "size=16m,mode=1777,noatime" into (key, value) pairs; a word
    /// without '=' has a nil value.
    public static func splitData(_ data: String) -> [(String, String?)] {
        data.split(separator: ",", omittingEmptySubsequences: true).map { part in
            if let eq = part.firstIndex(of: "=") {
                return (String(part[..<eq]), String(part[part.index(after: eq)...]))
            }
            return (String(part), nil)
        }
    }
}
