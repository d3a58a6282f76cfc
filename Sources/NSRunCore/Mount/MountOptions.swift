/// mount(8)'s option words for the flags a recipe can give as a list
/// (`{"bind", "rec", "ro"}`): each maps to MS_* bits. Pure logic.
public enum MountOptionNames {
    public static let table: [String: UInt] = {
        var t: [String: UInt] = [:]
        for f in MountFlags.named {
            t[String(f.name.dropFirst(3)).lowercased()] = UInt(f.value)  // "MS_NOSUID" → "nosuid"
        }
        let rec: UInt = 16384
        t["ro"] = 1; t["rw"] = 0; t["sync"] = 16
        t["rbind"] = 4096 | rec
        t["rprivate"] = (1 << 18) | rec; t["rslave"] = (1 << 19) | rec
        t["rshared"] = (1 << 20) | rec; t["runbindable"] = (1 << 17) | rec
        return t
    }()

    /// The MS_* bits for a list of option words (case-insensitive), or the
    /// first unknown word.
    public static func flags(_ words: [String]) -> Result<UInt, UnknownOption> {
        var flags: UInt = 0
        for w in words {
            guard let bits = table[w.lowercased()] else { return .failure(UnknownOption(word: w)) }
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
