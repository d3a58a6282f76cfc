/// One line of a uid_map or gid_map: `count` ids starting at `inside` in
/// the target's user namespace stand for the ids starting at `outside` in
/// the namespace of the process that writes the map.
public struct IdMapEntry: Equatable, Sendable {
    public let inside: UInt32
    public let outside: UInt32
    public let count: UInt32

    public init(inside: UInt32, outside: UInt32, count: UInt32) {
        self.inside = inside
        self.outside = outside
        self.count = count
    }
}

/// A validated uid_map / gid_map, refused before anything is written when
/// the kernel would refuse it (kernel/user_namespace.c, map_write):
///
/// - between 1 and 340 lines (UID_GID_MAP_MAX_EXTENTS);
/// - each count ≥ 1; each field a decimal integer, not negative;
/// - each range inside 0 ... 2^32-2, i.e. start + count ≤ 2^32-1
///   ((uid_t)-1 is no id), for both the inside and the outside start;
/// - no two inside ranges overlap, no two outside ranges overlap;
/// - the text written is shorter than a page (the kernel takes one page).
///
/// Pure logic: no syscall. Errors are `UsageError`s whose reason names the
/// line ("line 2: count is 0").
///
/// Kept as the text written to the kernel, and checked in a scratch buffer:
/// `clone{uid_map = ...}` makes one on every sandbox, and a Swift array of
/// entries, Character predicates, tuple arrays or `joined()` each cost a
/// runtime type built from its mangled name, or a conformance lookup, and
/// cold pages on their first use (`perf record -e page-faults`; ARCHITECTURE
/// §2.5).
public struct IdMap: Equatable, Sendable {
    /// The text written to the kernel: one "inside outside count\n" per
    /// entry, numbers in decimal without leading zeros.
    public let text: String

    /// UID_GID_MAP_MAX_EXTENTS.
    public static let maximumLines = 340
    /// One past the largest id a range may reach: start + count ≤ this.
    public static let idLimit: Int64 = 4_294_967_295

    /// The entries, read back from `text`.
    public var entries: [IdMapEntry] {
        var out: [IdMapEntry] = []
        var inside: UInt32 = 0, outside: UInt32 = 0, n: UInt32 = 0, k = 0
        for c in text.utf8 {
            guard c == UInt8(ascii: " ") || c == IdMap.newline else {
                n = n * 10 + UInt32(c - UInt8(ascii: "0"))
                continue
            }
            switch k {
            case 0: inside = n
            case 1: outside = n
            default: out.append(IdMapEntry(inside: inside, outside: outside, count: n))
            }
            k = c == IdMap.newline ? 0 : k + 1
            n = 0
        }
        return out
    }

    /// Checks one range given as integers (the list form's entries, and
    /// each parsed line): none negative, count ≥ 1, both ranges below
    /// 2^32-1. `line` numbers it in messages, from 1.
    public static func entry(inside: Int64, outside: Int64, count: Int64, line: Int) throws(UsageError) -> IdMapEntry {
        if inside < 0 { throw UsageError("line \(line): inside is negative (\(inside))") }
        if outside < 0 { throw UsageError("line \(line): outside is negative (\(outside))") }
        if count < 0 { throw UsageError("line \(line): count is negative (\(count))") }
        if count == 0 { throw UsageError("line \(line): count is 0") }
        if count > idLimit { throw UsageError("line \(line): count \(count) out of range 1..\(idLimit)") }
        try checkStart(inside, count, "inside", line: line)
        try checkStart(outside, count, "outside", line: line)
        return IdMapEntry(inside: UInt32(inside), outside: UInt32(outside), count: UInt32(count))
    }

    static func checkStart(_ start: Int64, _ count: Int64, _ name: StaticString, line: Int) throws(UsageError) {
        if start >= idLimit { throw UsageError("line \(line): \(name) \(start) out of range 0..\(idLimit - 1)") }
        // Both are below 2^32 here: the sum cannot overflow.
        if start + count > idLimit {
            throw UsageError("line \(line): \(name) range \(start)+\(count) goes beyond the largest id \(idLimit - 1)")
        }
    }

    /// Validates a whole map of entries checked by `entry`: 1 to 340 of
    /// them, no overlapping inside or outside ranges, text under a page.
    public init(entries: UnsafeBufferPointer<IdMapEntry>, pageSize: Int = 4096) throws(UsageError) {
        if entries.isEmpty { throw UsageError("the map is empty") }
        if entries.count > IdMap.maximumLines {
            throw UsageError("the map has \(entries.count) lines; the kernel takes at most \(IdMap.maximumLines)")
        }
        for j in 0..<entries.count {
            for i in 0..<j {
                let a = entries[i], b = entries[j]
                if IdMap.overlap(a.inside, a.count, b.inside, b.count) {
                    throw UsageError("line \(j + 1): inside range \(IdMap.show(b.inside, b.count)) overlaps line \(i + 1)'s \(IdMap.show(a.inside, a.count))")
                }
                if IdMap.overlap(a.outside, a.count, b.outside, b.count) {
                    throw UsageError("line \(j + 1): outside range \(IdMap.show(b.outside, b.count)) overlaps line \(i + 1)'s \(IdMap.show(a.outside, a.count))")
                }
            }
        }
        var size = 0
        for e in entries { size += IdMap.digits(e.inside) + IdMap.digits(e.outside) + IdMap.digits(e.count) + 3 }
        if size >= pageSize {
            throw UsageError("the map is \(size) bytes; the kernel takes less than \(pageSize)")
        }
        text = String(unsafeUninitializedCapacity: size) { out in
            var at = 0
            for e in entries {
                IdMap.putDecimal(out, &at, e.inside)
                out[at] = UInt8(ascii: " "); at += 1
                IdMap.putDecimal(out, &at, e.outside)
                out[at] = UInt8(ascii: " "); at += 1
                IdMap.putDecimal(out, &at, e.count)
                out[at] = IdMap.newline; at += 1
            }
            return at
        }
    }

    /// `init(entries:)` for an array of entries.
    public init(entries: [IdMapEntry], pageSize: Int = 4096) throws(UsageError) {
        let buffer = UnsafeMutableBufferPointer<IdMapEntry>.allocate(capacity: entries.count)
        defer { buffer.deallocate() }
        _ = buffer.initialize(from: entries)
        try self.init(entries: UnsafeBufferPointer(buffer), pageSize: pageSize)
    }

    /// Parses and validates the kernel's text form: one `inside outside
    /// count` per line, fields separated by spaces or tabs, lines by "\n",
    /// a final newline optional (as the kernel reads it). Refused: an empty
    /// line before the end, a missing or extra field, a field that is not a
    /// plain decimal number ("0x10", "+1", "-1", "1e3", a non-ASCII digit).
    public init(parsing text: String, pageSize: Int = 4096) throws(UsageError) {
        let u = text.utf8
        var end = u.endIndex
        while end > u.startIndex {
            let c = u[u.index(before: end)]
            guard IdMap.isBlank(c) || c == IdMap.newline else { break }
            end = u.index(before: end)
        }
        if end == u.startIndex { throw UsageError("the map is empty") }
        var lines = 1
        for c in u[u.startIndex..<end] where c == IdMap.newline { lines += 1 }
        let buffer = UnsafeMutableBufferPointer<IdMapEntry>.allocate(capacity: lines)
        defer { buffer.deallocate() }
        var line = 0, lineStart = u.startIndex
        while line < lines {
            var lineEnd = lineStart
            while lineEnd < end && u[lineEnd] != IdMap.newline { lineEnd = u.index(after: lineEnd) }
            buffer[line] = try IdMap.parseLine(u[lineStart..<lineEnd], line: line + 1)
            line += 1
            if lineEnd < end { lineStart = u.index(after: lineEnd) }
        }
        try self.init(entries: UnsafeBufferPointer(buffer), pageSize: pageSize)
    }

    /// One line: three decimal fields. The fields are counted before any is
    /// read, so a line with a wrong number of fields is reported as such.
    static func parseLine(_ b: Substring.UTF8View, line: Int) throws(UsageError) -> IdMapEntry {
        var fields = 0, i = b.startIndex
        var starts = (i, i, i), ends = (i, i, i)
        while true {
            while i < b.endIndex && isBlank(b[i]) { i = b.index(after: i) }
            if i == b.endIndex { break }
            let start = i
            while i < b.endIndex && !isBlank(b[i]) { i = b.index(after: i) }
            switch fields {
            case 0: starts.0 = start; ends.0 = i
            case 1: starts.1 = start; ends.1 = i
            case 2: starts.2 = start; ends.2 = i
            default: break
            }
            fields += 1
        }
        if fields == 0 { throw UsageError("line \(line) is empty") }
        if fields != 3 {
            throw UsageError("line \(line): expected \"inside outside count\", got \"\(String(Substring(b)))\"")
        }
        return try entry(inside: try field(b[starts.0..<ends.0], line: line),
                         outside: try field(b[starts.1..<ends.1], line: line),
                         count: try field(b[starts.2..<ends.2], line: line), line: line)
    }

    /// One field (not empty): a plain decimal number of at most 10 digits.
    static func field(_ f: Substring.UTF8View, line: Int) throws(UsageError) -> Int64 {
        let negative = f.first == UInt8(ascii: "-")
        let digits = negative ? f.dropFirst() : f
        var value: Int64 = 0, n = 0
        for c in digits {
            let d = c &- UInt8(ascii: "0")
            if d > 9 { throw UsageError("line \(line): \"\(String(Substring(f)))\" is not a decimal id") }
            if n < 10 { value = value * 10 + Int64(d) }
            n += 1
        }
        if n == 0 { throw UsageError("line \(line): \"\(String(Substring(f)))\" is not a decimal id") }
        if negative { throw UsageError("line \(line): \"\(String(Substring(f)))\" is negative") }
        // No id or count has more than 10 digits (2^32-1).
        if n > 10 { throw UsageError("line \(line): \"\(String(Substring(f)))\" is beyond the largest id") }
        return value
    }

    static let newline = UInt8(ascii: "\n")

    static func isBlank(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }

    /// Writes the decimal `v` at out[at...], advancing `at`.
    static func putDecimal(_ out: UnsafeMutableBufferPointer<UInt8>, _ at: inout Int, _ v: UInt32) {
        var v = v, divisor: UInt32 = 1
        while v / divisor >= 10 { divisor *= 10 }
        repeat {
            out[at] = UInt8(ascii: "0") + UInt8(v / divisor)
            at += 1
            v %= divisor
            divisor /= 10
        } while divisor > 0
    }

    static func digits(_ v: UInt32) -> Int {
        var v = v, n = 1
        while v >= 10 { v /= 10; n += 1 }
        return n
    }

    static func overlap(_ a: UInt32, _ n: UInt32, _ b: UInt32, _ m: UInt32) -> Bool {
        let aEnd = UInt64(a) + UInt64(n), bEnd = UInt64(b) + UInt64(m)
        return UInt64(a) < bEnd && UInt64(b) < aEnd
    }

    static func show(_ start: UInt32, _ count: UInt32) -> String {
        "\(start)..\(UInt64(start) + UInt64(count) - 1)"
    }
}
