import Testing
@testable import NSRunCore

/// uid_map / gid_map parsing and validation: what the kernel's map_write
/// would refuse is refused here, before anything is written.
@Suite struct IdMapTests {
    /// The list form as IdentityModule builds it: each entry checked, then
    /// the whole map.
    func listMap(_ ranges: [(Int64, Int64, Int64)], pageSize: Int = 4096) throws(UsageError) -> IdMap {
        var entries: [IdMapEntry] = []
        for (i, r) in ranges.enumerated() {
            entries.append(try IdMap.entry(inside: r.0, outside: r.1, count: r.2, line: i + 1))
        }
        return try IdMap(entries: entries, pageSize: pageSize)
    }

    @Test func listFormIsRenderedAsTheKernelsText() throws {
        let map = try listMap([(0, 100000, 65536), (65536, 300000, 10)])
        #expect(map.entries == [IdMapEntry(inside: 0, outside: 100000, count: 65536),
                                IdMapEntry(inside: 65536, outside: 300000, count: 10)])
        #expect(map.text == "0 100000 65536\n65536 300000 10\n")
    }

    @Test func textFormAcceptsWhatTheKernelReads() throws {
        #expect(try IdMap(parsing: "0 100000 65536").text == "0 100000 65536\n")
        #expect(try IdMap(parsing: "0 100000 65536\n").text == "0 100000 65536\n")
        #expect(try IdMap(parsing: "  0\t100000   1 \n1 200000 2\n\n").text == "0 100000 1\n1 200000 2\n")
        #expect(try IdMap(parsing: "0 0 4294967295").entries == [IdMapEntry(inside: 0, outside: 0, count: 4294967295)])
        #expect(try IdMap(parsing: "4294967294 4294967294 1").entries.count == 1)
        // Every width of number is rendered back as written, leading zeros dropped.
        #expect(try IdMap(parsing: "0 9 10\n10 99 100\n4294967293 00002 1").text == "0 9 10\n10 99 100\n4294967293 2 1\n")
        // The entries are read back from the text.
        #expect(try IdMap(parsing: "0 9 10\n10 99 100\n4294967293 2 1").entries
                == [IdMapEntry(inside: 0, outside: 9, count: 10), IdMapEntry(inside: 10, outside: 99, count: 100),
                    IdMapEntry(inside: 4294967293, outside: 2, count: 1)])
    }

    @Test func textAndListGiveTheSameMap() throws {
        #expect(try IdMap(parsing: "0 1000 1\n1 100000 65535") == listMap([(0, 1000, 1), (1, 100000, 65535)]))
    }

    /// Each malformed map, with the reason given for it.
    @Test(arguments: [
        ("", "the map is empty"),
        ("\n\n", "the map is empty"),
        ("0 100000 0", "line 1: count is 0"),
        ("0 100000", "line 1: expected \"inside outside count\", got \"0 100000\""),
        ("0 100000 1 2", "line 1: expected \"inside outside count\", got \"0 100000 1 2\""),
        ("0 x 1 2", "line 1: expected \"inside outside count\", got \"0 x 1 2\""),
        ("0 - 1", "line 1: \"-\" is not a decimal id"),
        ("0 --1 1", "line 1: \"--1\" is not a decimal id"),
        ("0 1\r 1", "line 1: \"1\r\" is not a decimal id"),
        ("0 00000000001 1", "line 1: \"00000000001\" is beyond the largest id"),
        ("0 1 1\n\n2 3 1", "line 2 is empty"),
        ("0 -1 1", "line 1: \"-1\" is negative"),
        ("0 +1 1", "line 1: \"+1\" is not a decimal id"),
        ("0 0x10 1", "line 1: \"0x10\" is not a decimal id"),
        ("0 1e3 1", "line 1: \"1e3\" is not a decimal id"),
        ("0 ١ 1", "line 1: \"١\" is not a decimal id"),
        ("0 1 12345678901", "line 1: \"12345678901\" is beyond the largest id"),
        ("4294967295 0 1", "line 1: inside 4294967295 out of range 0..4294967294"),
        ("0 4294967295 1", "line 1: outside 4294967295 out of range 0..4294967294"),
        ("0 0 4294967296", "line 1: count 4294967296 out of range 1..4294967295"),
        ("1 0 4294967295", "line 1: inside range 1+4294967295 goes beyond the largest id 4294967294"),
        ("0 4294967000 1000", "line 1: outside range 4294967000+1000 goes beyond the largest id 4294967294"),
        ("0 100000 10\n9 200000 1", "line 2: inside range 9..9 overlaps line 1's 0..9"),
        ("5 100000 10\n0 200000 6", "line 2: inside range 0..5 overlaps line 1's 5..14"),
        ("0 100000 10\n10 100009 1", "line 2: outside range 100009..100009 overlaps line 1's 100000..100009"),
        ("0 0 1\n1 1 1\n2 2 1\n0 3 1", "line 4: inside range 0..0 overlaps line 1's 0..0"),
    ])
    func malformedTextIsRefused(text: String, reason: String) {
        #expect(throws: UsageError(reason)) { try IdMap(parsing: text) }
    }

    @Test func adjacentRangesDoNotOverlap() throws {
        let map = try IdMap(parsing: "0 100000 10\n10 100010 10\n20 0 1")
        #expect(map.entries.count == 3)
    }

    @Test func negativeValuesOfTheListFormAreRefused() {
        #expect(throws: UsageError("line 1: inside is negative (-1)")) { try listMap([(-1, 0, 1)]) }
        #expect(throws: UsageError("line 2: count is negative (-3)")) { try listMap([(0, 0, 1), (5, 5, -3)]) }
        #expect(throws: UsageError("line 1: outside is negative (-9223372036854775808)")) { try listMap([(0, .min, 1)]) }
        #expect(throws: UsageError("line 1: count 9223372036854775807 out of range 1..4294967295")) { try listMap([(0, 0, .max)]) }
    }

    @Test func atMost340Lines() throws {
        let ok = (0..<340).map { (Int64($0), Int64(1000 + $0), Int64(1)) }
        #expect(try listMap(ok).entries.count == 340)
        let tooMany = (0..<341).map { (Int64($0), Int64(1000 + $0), Int64(1)) }
        #expect(throws: UsageError("the map has 341 lines; the kernel takes at most 340")) { try listMap(tooMany) }
        let text = (0..<341).map { "\($0) \(1000 + $0) 1" }.joined(separator: "\n")
        #expect(throws: UsageError("the map has 341 lines; the kernel takes at most 340")) { try IdMap(parsing: text) }
    }

    @Test func theTextMustFitInAPage() throws {
        // 300 lines of "4000000000 3000000000 1\n" (24 bytes): 7200 bytes.
        let long = (0..<300).map { (Int64(4_000_000_000 + $0), Int64(3_000_000_000 + $0), Int64(1)) }
        #expect(throws: UsageError("the map is 7200 bytes; the kernel takes less than 4096")) { try listMap(long) }
        #expect(try listMap(long, pageSize: 65536).entries.count == 300)
        // Exactly a page is one byte too many.
        #expect(throws: UsageError("the map is 12 bytes; the kernel takes less than 12")) { try IdMap(parsing: "100 200 300", pageSize: 12) }
        #expect(try IdMap(parsing: "100 200 300", pageSize: 13).text.utf8.count == 12)
    }

    @Test func kindsNameTheirFiles() {
        #expect(IdMapKind.uid.file == "uid_map")
        #expect(IdMapKind.gid.file == "gid_map")
    }
}
