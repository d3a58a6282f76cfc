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
public struct IdMap: Equatable, Sendable {
    public let entries: [IdMapEntry]

    /// UID_GID_MAP_MAX_EXTENTS.
    public static let maximumLines = 340
    /// One past the largest id a range may reach: start + count ≤ this.
    public static let idLimit: Int64 = 4_294_967_295

    /// Validates ranges given as integers (the list form), numbered from 1
    /// in messages.
    public init(ranges: [(inside: Int64, outside: Int64, count: Int64)], pageSize: Int = 4096) throws(UsageError) {
        if ranges.isEmpty { throw UsageError("the map is empty") }
        if ranges.count > IdMap.maximumLines {
            throw UsageError("the map has \(ranges.count) lines; the kernel takes at most \(IdMap.maximumLines)")
        }
        var entries: [IdMapEntry] = []
        entries.reserveCapacity(ranges.count)
        for (i, r) in ranges.enumerated() {
            let line = "line \(i + 1)"
            for (name, v) in [("inside", r.inside), ("outside", r.outside), ("count", r.count)] where v < 0 {
                throw UsageError("\(line): \(name) is negative (\(v))")
            }
            if r.count == 0 { throw UsageError("\(line): count is 0") }
            if r.count > IdMap.idLimit { throw UsageError("\(line): count \(r.count) out of range 1..\(IdMap.idLimit)") }
            for (name, start) in [("inside", r.inside), ("outside", r.outside)] {
                if start >= IdMap.idLimit { throw UsageError("\(line): \(name) \(start) out of range 0..\(IdMap.idLimit - 1)") }
                // Both are below 2^32 here: the sum cannot overflow.
                if start + r.count > IdMap.idLimit {
                    throw UsageError("\(line): \(name) range \(start)+\(r.count) goes beyond the largest id \(IdMap.idLimit - 1)")
                }
            }
            entries.append(IdMapEntry(inside: UInt32(r.inside), outside: UInt32(r.outside), count: UInt32(r.count)))
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
        let size = text.utf8.count
        if size >= pageSize {
            throw UsageError("the map is \(size) bytes; the kernel takes less than \(pageSize)")
        }
    }

    /// Parses and validates the kernel's text form: one `inside outside
    /// count` per line, fields separated by spaces or tabs, lines by "\n",
    /// a final newline optional (as the kernel reads it). Refused: an empty
    /// line before the end, a missing or extra field, a field that is not a
    /// plain decimal number ("0x10", "+1", "-1", "1e3").
    public init(parsing text: String, pageSize: Int = 4096) throws(UsageError) {
        var body = Substring(text)
        while let last = body.last, last == "\n" || last == " " || last == "\t" { body = body.dropLast() }
        if body.isEmpty { throw UsageError("the map is empty") }
        var ranges: [(inside: Int64, outside: Int64, count: Int64)] = []
        for (i, raw) in body.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = "line \(i + 1)"
            let fields = raw.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if fields.isEmpty { throw UsageError("\(line) is empty") }
            guard fields.count == 3 else {
                throw UsageError("\(line): expected \"inside outside count\", got \"\(raw)\"")
            }
            var values: [Int64] = []
            for f in fields {
                let digits = f.first == "-" ? f.dropFirst() : f
                guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else {
                    throw UsageError("\(line): \"\(f)\" is not a decimal id")
                }
                if f.first == "-" { throw UsageError("\(line): \"\(f)\" is negative") }
                // No id or count has more than 10 digits (2^32-1).
                guard digits.count <= 10 else { throw UsageError("\(line): \"\(f)\" is beyond the largest id") }
                values.append(Int64(digits)!)
            }
            ranges.append((values[0], values[1], values[2]))
        }
        try self.init(ranges: ranges, pageSize: pageSize)
    }

    /// The text written to the kernel: one "inside outside count\n" per entry.
    public var text: String {
        entries.map { "\($0.inside) \($0.outside) \($0.count)\n" }.joined()
    }

    static func overlap(_ a: UInt32, _ n: UInt32, _ b: UInt32, _ m: UInt32) -> Bool {
        let aEnd = UInt64(a) + UInt64(n), bEnd = UInt64(b) + UInt64(m)
        return UInt64(a) < bEnd && UInt64(b) < aEnd
    }

    static func show(_ start: UInt32, _ count: UInt32) -> String {
        "\(start)..\(UInt64(start) + UInt64(count) - 1)"
    }
}
