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
/// The text is read and written as bytes, with no tuples and no Character
/// work: `clone{uid_map = ...}` runs this on every sandbox, and Swift's
/// Unicode properties, `joined()` and tuple arrays each cost a runtime type
/// lookup and cold pages on their first use (about 17 page faults per
/// process, `perf record -e page-faults`).
public struct IdMap: Equatable, Sendable {
    public let entries: [IdMapEntry]

    /// UID_GID_MAP_MAX_EXTENTS.
    public static let maximumLines = 340
    /// One past the largest id a range may reach: start + count ≤ this.
    public static let idLimit: Int64 = 4_294_967_295

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
    public init(entries: [IdMapEntry], pageSize: Int = 4096) throws(UsageError) {
        if entries.isEmpty { throw UsageError("the map is empty") }
        if entries.count > IdMap.maximumLines {
            throw UsageError("the map has \(entries.count) lines; the kernel takes at most \(IdMap.maximumLines)")
        }
        for j in entries.indices {
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
        self.entries = entries
        var size = 0
        for e in entries { size += IdMap.digits(e.inside) + IdMap.digits(e.outside) + IdMap.digits(e.count) + 3 }
        if size >= pageSize {
            throw UsageError("the map is \(size) bytes; the kernel takes less than \(pageSize)")
        }
    }

    /// Parses and validates the kernel's text form: one `inside outside
    /// count` per line, fields separated by spaces or tabs, lines by "\n",
    /// a final newline optional (as the kernel reads it). Refused: an empty
    /// line before the end, a missing or extra field, a field that is not a
    /// plain decimal number ("0x10", "+1", "-1", "1e3", a non-ASCII digit).
    public init(parsing text: String, pageSize: Int = 4096) throws(UsageError) {
        let bytes = Array(text.utf8)
        var end = bytes.count
        while end > 0, IdMap.isBlank(bytes[end - 1]) || bytes[end - 1] == IdMap.newline { end -= 1 }
        if end == 0 { throw UsageError("the map is empty") }
        var entries: [IdMapEntry] = []
        var line = 0, lineStart = 0
        while lineStart <= end {
            line += 1
            var lineEnd = lineStart
            while lineEnd < end && bytes[lineEnd] != IdMap.newline { lineEnd += 1 }
            entries.append(try IdMap.parseLine(bytes, lineStart, lineEnd, line: line))
            lineStart = lineEnd + 1
        }
        try self.init(entries: entries, pageSize: pageSize)
    }

    /// One line, bytes[from..<to]: three decimal fields. The fields are
    /// counted before any is read, so a line with a wrong number of fields
    /// is reported as such.
    static func parseLine(_ b: [UInt8], _ from: Int, _ to: Int, line: Int) throws(UsageError) -> IdMapEntry {
        var fields = 0, i = from
        var starts: (Int, Int, Int) = (0, 0, 0), ends: (Int, Int, Int) = (0, 0, 0)
        while true {
            while i < to && isBlank(b[i]) { i += 1 }
            if i == to { break }
            let start = i
            while i < to && !isBlank(b[i]) { i += 1 }
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
            throw UsageError("line \(line): expected \"inside outside count\", got \"\(text(b, from, to))\"")
        }
        return try entry(inside: try field(b, starts.0, ends.0, line: line),
                         outside: try field(b, starts.1, ends.1, line: line),
                         count: try field(b, starts.2, ends.2, line: line), line: line)
    }

    /// One field, bytes[from..<to] (not empty): a plain decimal number of
    /// at most 10 digits.
    static func field(_ b: [UInt8], _ from: Int, _ to: Int, line: Int) throws(UsageError) -> Int64 {
        let negative = b[from] == UInt8(ascii: "-")
        let first = negative ? from + 1 : from
        var value: Int64 = 0
        for k in first..<to {
            let d = b[k] &- UInt8(ascii: "0")
            if d > 9 { throw UsageError("line \(line): \"\(text(b, from, to))\" is not a decimal id") }
            if k - first < 10 { value = value * 10 + Int64(d) }
        }
        if first == to { throw UsageError("line \(line): \"\(text(b, from, to))\" is not a decimal id") }
        if negative { throw UsageError("line \(line): \"\(text(b, from, to))\" is negative") }
        // No id or count has more than 10 digits (2^32-1).
        if to - first > 10 { throw UsageError("line \(line): \"\(text(b, from, to))\" is beyond the largest id") }
        return value
    }

    static let newline = UInt8(ascii: "\n")

    static func isBlank(_ c: UInt8) -> Bool { c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") }

    /// bytes[from..<to] for a message.
    static func text(_ b: [UInt8], _ from: Int, _ to: Int) -> String {
        String(decoding: b[from..<to], as: UTF8.self)
    }

    /// The bytes written to the kernel: one "inside outside count\n" per
    /// entry.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(entries.count * 12)
        for e in entries {
            IdMap.appendDecimal(&out, e.inside)
            out.append(UInt8(ascii: " "))
            IdMap.appendDecimal(&out, e.outside)
            out.append(UInt8(ascii: " "))
            IdMap.appendDecimal(&out, e.count)
            out.append(IdMap.newline)
        }
        return out
    }

    /// `bytes` as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    static func appendDecimal(_ out: inout [UInt8], _ v: UInt32) {
        var v = v, divisor: UInt32 = 1
        while v / divisor >= 10 { divisor *= 10 }
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(v / divisor))
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
