/// The pure parts of cgroup handling: which names are acceptable, the
/// friendly limit values ("256M", "50%") turned into what the interface
/// files take, and the files' own formats parsed. No system call here;
/// everything is unit-tested in process (CgroupTests).
public enum CgroupValues {
    /// Why `name` cannot be a cgroup directory created below a parent, or
    /// nil. A name is one path component: not empty, at most 255 bytes, no
    /// '/', not "." or "..", no NUL, and no newline (the kernel refuses it,
    /// since it would make /proc/PID/cgroup unparsable).
    public static func nameRefusal(_ name: String) -> String? {
        componentRefusal(name, what: "cgroup name")
    }

    /// Why `key` cannot name an interface file of a cgroup directory
    /// ("pids.max", "cgroup.procs"), or nil: the same rule as a name, so a
    /// key can never reach outside the cgroup's own directory.
    public static func keyRefusal(_ key: String) -> String? {
        componentRefusal(key, what: "cgroup file name")
    }

    static func componentRefusal(_ s: String, what: String) -> String? {
        if s.isEmpty { return "\(what) is empty" }
        if s.utf8.contains(0) { return "\(what) contains a NUL byte" }
        // Bytes, not Characters: "/" followed by a combining mark, or "\r\n",
        // is one Character that contains() would not match.
        if s.utf8.contains(UInt8(ascii: "/")) { return "\(what) '\(s)' must be a single path component (no '/')" }
        if s == "." || s == ".." { return "\(what) '\(s)' is not allowed" }
        if s.utf8.contains(UInt8(ascii: "\n")) { return "\(what) contains a newline" }
        if s.utf8.count > 255 { return "\(what) is longer than 255 bytes" }
        return nil
    }

    /// A memory size for memory.max: "max", a byte count ("1048576"), or a
    /// count with a binary suffix K, M, G or T (either case: "256M" is
    /// 268435456). Throws the reason for anything else ("256MB", "1.5G",
    /// "-1", an overflow).
    public static func memory(_ text: String) throws(UsageError) -> String {
        if text == "max" { return "max" }
        var digits = Substring(text)
        var multiplier: Int64 = 1
        if let last = text.last, let shift = ["k": 10, "m": 20, "g": 30, "t": 40][last.lowercased()] {
            multiplier = Int64(1) << shift
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let n = Int64(digits) else {
            throw UsageError("memory size '\(text)' is not a byte count, a count with K, M, G or T, or \"max\"")
        }
        let (bytes, overflow) = n.multipliedReportingOverflow(by: multiplier)
        if overflow { throw UsageError("memory size '\(text)' is too large") }
        return String(bytes)
    }

    /// A memory size given as a number of bytes (≥ 0).
    public static func memory(bytes: Int64) throws(UsageError) -> String {
        guard bytes >= 0 else { throw UsageError("memory size \(bytes) is negative") }
        return String(bytes)
    }

    /// pids.max: a count ≥ 0 (the kernel refuses counts above its pid limit
    /// with EINVAL).
    public static func pids(_ n: Int64) throws(UsageError) -> String {
        guard n >= 0 else { throw UsageError("pids limit \(n) is negative") }
        return String(n)
    }

    /// pids.max from a string: only "max" (a number must be a Lua integer).
    public static func pids(_ text: String) throws(UsageError) -> String {
        guard text == "max" else { throw UsageError("pids limit '\(text)' is neither an integer nor \"max\"") }
        return "max"
    }

    /// The period nsrun writes to cpu.max, in microseconds (the kernel's
    /// default, 100 ms).
    public static let cpuPeriod = 100_000

    /// cpu.max from a share of one CPU: "50%" is "50000 100000" (50 ms of
    /// every 100 ms), "250%" two and a half CPUs, "12.5%" allowed (at most
    /// three decimals), "max" no limit ("max 100000"). The share must be at
    /// least 1% (the kernel's smallest quota is 1 ms) and at most 100000%.
    public static func cpu(_ text: String) throws(UsageError) -> String {
        if text == "max" { return "max \(cpuPeriod)" }
        let bad = UsageError("cpu share '\(text)' is not a percentage such as \"50%\" or \"max\"")
        guard text.hasSuffix("%") else { throw bad }
        let number = text.dropLast()
        let parts = number.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.count <= 7,
              whole.allSatisfy({ $0.isASCII && $0.isNumber }) else { throw bad }
        var fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 3, fraction.allSatisfy({ $0.isASCII && $0.isNumber }),
              parts.count == 1 || !fraction.isEmpty else { throw bad }
        while fraction.count < 3 { fraction.append("0") }
        // 1% of a 100000 µs period is 1000 µs: quota = percent × 1000.
        guard let w = Int(whole), let f = Int(fraction) else { throw bad }
        let quota = w * 1000 + f
        guard quota >= 1000 else { throw UsageError("cpu share '\(text)' is below 1% (the kernel's smallest quota is 1 ms per 100 ms)") }
        guard quota <= 100_000 * 1000 else { throw UsageError("cpu share '\(text)' is above 100000%") }
        return "\(quota) \(cpuPeriod)"
    }

    /// "key value" lines of integers (cgroup.events, memory.events,
    /// pids.events, cpu.stat) in file order. Lines that are not a name and
    /// an integer are skipped.
    public static func keyedIntegers(_ text: String) -> [(String, Int64)] {
        var out: [(String, Int64)] = []
        for line in text.split(separator: "\n") {
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            guard f.count == 2, let v = Int64(f[1]) else { continue }
            out.append((String(f[0]), v))
        }
        return out
    }

    /// The pids of a cgroup.procs text, one per line, in file order.
    public static func pidList(_ text: String) -> [Int32] {
        text.split(separator: "\n").compactMap { Int32($0) }
    }

    /// The controller names of cgroup.controllers or cgroup.subtree_control.
    public static func controllers(_ text: String) -> Set<String> {
        Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
    }

    /// `text` without its trailing newlines (what `:get` returns).
    public static func strippingNewline(_ text: String) -> String {
        var t = Substring(text)
        while t.last == "\n" { t = t.dropLast() }
        return String(t)
    }
}
