import CLua
import CNSRunLua
import Testing

/// nsrun_lua_check_string (strings.c) must accept exactly what Swift's
/// String(validating:as: UTF8.self) accepts: exec's argv is checked in C,
/// every other binding's strings through Swift, and the two must agree.
struct StringCheckTests {
    /// The C check's verdict on `bytes`, pushed as a Lua string on `L`.
    static func check(_ L: OpaquePointer, _ bytes: [UInt8]) -> Int {
        lua_settop(L, 0)
        bytes.withUnsafeBufferPointer { buf in
            buf.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
        return Int(nsrun_lua_check_string(L, -1))
    }

    /// What the Swift path decides for the same bytes.
    static func swiftVerdict(_ bytes: [UInt8]) -> Int {
        if bytes.contains(0) { return NSRUN_STRING_HAS_NUL }
        return String(validating: bytes, as: UTF8.self) == nil ? NSRUN_STRING_NOT_UTF8 : NSRUN_STRING_OK
    }

    @Test func edgeCasesAgreeWithSwift() {
        let L = luaL_newstate()!
        defer { lua_close(L) }
        let cases: [[UInt8]] = [
            [], Array("plain /bin/true".utf8), Array("é€𝄞".utf8),
            [0x61, 0x00, 0x62],                 // NUL
            [0xC0, 0x80], [0xC1, 0xBF],         // overlong 2-byte
            [0xE0, 0x80, 0x80], [0xE0, 0x9F, 0xBF], [0xE0, 0xA0, 0x80],   // overlong 3-byte, then the first valid
            [0xED, 0x9F, 0xBF], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],   // last before surrogates, surrogates
            [0xF0, 0x8F, 0xBF, 0xBF], [0xF0, 0x90, 0x80, 0x80],           // overlong 4-byte, then the first valid
            [0xF4, 0x8F, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], // U+10FFFF, above
            [0xE2, 0x82], [0xE2], [0xF0, 0x9D, 0x84], [0x80], [0xBF], [0xFE], [0xFF],   // truncated, stray
            [0x61, 0xE2, 0x82, 0xAC, 0x62], [0xE2, 0x82, 0x41], [0xC3, 0xA9, 0xC3],
        ]
        for c in cases {
            #expect(Self.check(L, c) == Self.swiftVerdict(c), "bytes \(c)")
        }
    }

    @Test func randomBytesAgreeWithSwift() {
        let L = luaL_newstate()!
        defer { lua_close(L) }
        // Biased towards the bytes that start and continue sequences, so most
        // strings are near-valid; a fixed seed keeps failures reproducible.
        var rng = SplitMix64(seed: 0x6e73_7275_6e)
        let alphabet: [UInt8] = [0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC2, 0xDF,
                                 0xE0, 0xE1, 0xED, 0xEF, 0xF0, 0xF3, 0xF4, 0xF5, 0xFF]
        for _ in 0..<20_000 {
            let n = Int(rng.next() % 7)
            let bytes = (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            #expect(Self.check(L, bytes) == Self.swiftVerdict(bytes), "bytes \(bytes)")
        }
    }

    @Test func nonStringsAreNotCoerced() {
        let L = luaL_newstate()!
        defer { lua_close(L) }
        lua_pushinteger(L, 1)
        #expect(Int(nsrun_lua_check_string(L, -1)) == NSRUN_STRING_NOT_STRING)
        lua_pushnil(L)
        #expect(Int(nsrun_lua_check_string(L, -1)) == NSRUN_STRING_NOT_STRING)
    }
}

/// A small deterministic generator (SplitMix64), so the test needs no seed
/// from the system.
struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
