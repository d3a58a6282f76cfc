// libFuzzer harness over NSRunCore's pure parsers. Built by scripts/fuzz with
//   swiftc -sanitize=fuzzer,address -parse-as-library  fuzz/FuzzParsers.swift <the parser sources>
// NSRUN_FUZZ_TARGET names the parser (see `targets`); without it the first
// input byte picks one. The input is the text (String(decoding:as:UTF8), so invalid UTF-8 becomes U+FFFD)
// or, for the integer entry points, raw little-endian bytes. A crash, a Swift
// runtime trap (overflow, out-of-range index, failed precondition) or a
// broken invariant (`check`) is a finding.
#if canImport(Glibc)
import Glibc
#endif

@inline(never)
func check(_ ok: @autoclosure () -> Bool, _ what: @autoclosure () -> String) {
    if !ok() {
        fputs("fuzz invariant broken: \(what())\n", stderr)
        abort()
    }
}

/// Reads little-endian integers from the raw bytes, zero past the end.
struct Bytes {
    let b: [UInt8]
    var i = 0
    init(_ b: [UInt8]) { self.b = b }
    mutating func u8() -> UInt8 { defer { i += 1 }; return i < b.count ? b[i] : 0 }
    mutating func i64() -> Int64 {
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(u8()) << (8 * UInt64(k)) }
        return Int64(bitPattern: v)
    }
    /// Small values most of the time, so ranges sometimes line up.
    mutating func smallOrWide() -> Int64 {
        let tag = u8()
        switch tag % 4 {
        case 0: return Int64(u8())
        case 1: return Int64(u8()) | Int64(u8()) << 8
        case 2: return 4_294_967_295 - Int64(u8())
        default: return i64()
        }
    }
}

func isSignalNumberName(_ s: String) -> Bool {
    // name(of:) spells unnamed numbers "SIG<n>", which number(named:) does not read.
    s.hasPrefix("SIG") && s.dropFirst(3).allSatisfy { $0.isASCII && $0.isNumber } || s.hasPrefix("signal ")
}

func fuzzSignals(_ text: String) {
    guard let n = Signals.number(named: text) else { return }
    check(Signals.isValid(Int64(n), allowZero: false), "signal '\(text)' -> \(n) is not a valid signal")
    let name = Signals.name(of: n)
    if !isSignalNumberName(name) {
        check(Signals.number(named: name) == n, "signal '\(text)' -> \(n) -> '\(name)' does not map back")
    }
}

func fuzzCapabilities(_ text: String) {
    if let n = Capabilities.number(named: text) {
        check((0...Capabilities.lastKnown).contains(n), "capability '\(text)' -> \(n) out of the table")
        check(Capabilities.number(named: Capabilities.name(of: n)) == n, "capability '\(text)' does not round-trip")
    }
    let names = text.split(separator: ",").map(String.init)
    if let mask = try? Capabilities.mask(named: names) {
        let back = Capabilities.names(in: mask)
        check((try? Capabilities.mask(named: back)) == mask, "capability mask of \(names) does not round-trip")
    }
}

func fuzzIdMapText(_ text: String) {
    guard let map = try? IdMap(parsing: text) else { return }
    check(!map.entries.isEmpty && map.entries.count <= IdMap.maximumLines, "id map line count")
    check(map.text.utf8.count < 4096, "id map text too long")
    let again = try? IdMap(parsing: map.text)
    check(again == map, "id map '\(text)' re-rendered as '\(map.text)' does not re-parse to itself")
    for e in map.entries {
        check(UInt64(e.inside) + UInt64(e.count) <= 4_294_967_295, "inside range beyond the last id")
        check(UInt64(e.outside) + UInt64(e.count) <= 4_294_967_295, "outside range beyond the last id")
    }
}

func fuzzIdMapRanges(_ raw: [UInt8]) {
    var r = Bytes(raw)
    let lines = Int(r.u8() % 8) + (raw.first == 0xff ? 340 : 0)
    var ranges: [(inside: Int64, outside: Int64, count: Int64)] = []
    for _ in 0..<lines { ranges.append((r.smallOrWide(), r.smallOrWide(), r.smallOrWide())) }
    let page = Int(r.u8()) * 64 + 1
    guard let map = try? IdMap(ranges: ranges, pageSize: page) else { return }
    check(map.text.utf8.count < page, "id map longer than the page size")
    check((try? IdMap(parsing: map.text, pageSize: page)) == map, "list-form id map does not re-parse")
}

func fuzzCgroupValues(_ text: String) {
    if let m = try? CgroupValues.memory(text) {
        check(m == "max" || (Int64(m) ?? -1) >= 0, "memory '\(text)' -> '\(m)'")
    }
    if let c = try? CgroupValues.cpu(text) {
        let f = c.split(separator: " ")
        check(f.count == 2 && f[1] == "100000", "cpu '\(text)' -> '\(c)'")
        if f[0] != "max" {
            let q = Int(f[0]) ?? -1
            check((1000...100_000_000).contains(q), "cpu '\(text)' quota \(q)")
        }
    }
    _ = try? CgroupValues.pids(text)
    if CgroupValues.nameRefusal(text) == nil {
        check(!text.isEmpty && !text.utf8.contains(UInt8(ascii: "/")) && !text.utf8.contains(0)
              && !text.utf8.contains(10) && text != "." && text != ".." && text.utf8.count <= 255,
              "cgroup name '\(text)' accepted")
    }
    _ = CgroupValues.keyRefusal(text)
    _ = CgroupValues.keyedIntegers(text)
    _ = CgroupValues.pidList(text)
    _ = CgroupValues.controllers(text)
    let s = CgroupValues.strippingNewline(text)
    check(s.last != "\n", "strippingNewline left a newline")
}

func fuzzMountOptions(_ text: String) {
    let words = text.split(separator: ",").map(String.init)
    if case .success(let bits) = MountOptionNames.flags(words) {
        for w in words { check(MountOptionNames.table[w.lowercased()] != nil, "unknown word '\(w)' accepted") }
        _ = bits
    }
    let pairs = MountOptionNames.splitData(text)
    let rejoined = pairs.map { $0.1 == nil ? $0.0 : $0.0 + "=" + $0.1! }.joined(separator: ",")
    let expected = text.split(separator: ",").joined(separator: ",")
    check(rejoined == expected, "splitData('\(text)') does not rejoin")
}

func fuzzIPv4(_ text: String) {
    if let a = IPv4Address(parsing: text) {
        check(a.description == text, "IPv4 '\(text)' prints as '\(a.description)'")
        check(a.octets.count == 4, "IPv4 octets")
    }
    if let p = try? IPv4Prefix(parsing: text) {
        check((0...32).contains(p.length), "prefix length")
        let expected = text.contains("/") ? text : text + "/32"
        check(p.description == expected, "IPv4 prefix '\(text)' prints as '\(p.description)'")
    }
}

func fuzzIPv4Bytes(_ raw: [UInt8]) {
    var r = Bytes(raw)
    let a = IPv4Address(r.u8(), r.u8(), r.u8(), r.u8())
    check(IPv4Address(parsing: a.description) == a, "IPv4 \(a) does not round-trip")
    let len = Int(r.u8() % 33)
    check((try? IPv4Prefix(parsing: "\(a)/\(len)")) == IPv4Prefix(a, length: len), "prefix round trip")
}

/// The input is split at the first NUL into mountinfo and /proc/self/cgroup.
func fuzzCgroupHierarchy(_ raw: [UInt8]) {
    let cut = raw.firstIndex(of: 0) ?? raw.count
    let mountinfo = String(decoding: raw[..<cut], as: UTF8.self)
    let procCgroup = cut < raw.count ? String(decoding: raw[(cut + 1)...], as: UTF8.self) : ""
    let mounts = CgroupHierarchy.mounts(mountinfo: mountinfo)
    for m in mounts { check(m.fstype == "cgroup" || m.fstype == "cgroup2", "fstype \(m.fstype)") }
    _ = CgroupHierarchy.memberships(procCgroup: procCgroup)
    _ = CgroupHierarchy.parse(mountinfo: mountinfo, procCgroup: procCgroup)
    // directory(mountPoint:root:path:) on the three lines of the second part.
    let parts = procCgroup.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if parts.count >= 3 {
        _ = CgroupHierarchy.directory(mountPoint: parts[0], root: parts[1], path: parts[2])
    }
}

func fuzzSeccompAction(_ text: String) {
    guard let a = try? SeccompAction(parsing: text) else { return }
    check((try? SeccompAction(parsing: a.description)) == a, "seccomp action '\(text)' -> '\(a)' does not re-parse")
    if case .errno(let n) = a { check((1...SeccompAction.maximumErrno).contains(n), "errno \(n)") }
}

func fuzzSeccompCondition(_ raw: [UInt8]) {
    var r = Bytes(raw)
    let ops = SeccompCondition.Operator.allCases.map(\.rawValue) + ["", "=", "&", "<<"]
    let op = ops[Int(r.u8()) % ops.count]
    let index = r.smallOrWide() &- 2
    let count = Int(r.u8() % 4)
    var operands: [Int64] = []
    for _ in 0..<count { operands.append(r.smallOrWide()) }
    guard let c = try? SeccompCondition(index: index, op: op, operands: operands) else { return }
    check((0...5).contains(c.index), "argument index \(c.index)")
    check(c.value & ~c.mask == 0, "value outside mask")
    _ = c.description
}

typealias Target = (name: String, run: ([UInt8]) -> Void)
let targets: [Target] = [
    ("signals", { fuzzSignals(String(decoding: $0, as: UTF8.self)) }),
    ("capabilities", { fuzzCapabilities(String(decoding: $0, as: UTF8.self)) }),
    ("idmap-text", { fuzzIdMapText(String(decoding: $0, as: UTF8.self)) }),
    ("idmap-ranges", { fuzzIdMapRanges($0) }),
    ("cgroup-values", { fuzzCgroupValues(String(decoding: $0, as: UTF8.self)) }),
    ("mount-options", { fuzzMountOptions(String(decoding: $0, as: UTF8.self)) }),
    ("ipv4", { fuzzIPv4(String(decoding: $0, as: UTF8.self)) }),
    ("ipv4-bytes", { fuzzIPv4Bytes($0) }),
    ("cgroup-hierarchy", { fuzzCgroupHierarchy($0) }),
    ("seccomp-action", { fuzzSeccompAction(String(decoding: $0, as: UTF8.self)) }),
    ("seccomp-condition", { fuzzSeccompCondition($0) }),
]

/// NSRUN_FUZZ_TARGET=<name> fuzzes that parser alone with the whole input
/// (what scripts/fuzz does, one libFuzzer run per parser, so one finding does
/// not hide the others); unset, the first byte picks the parser.
let selected: Target? = {
    guard let p = getenv("NSRUN_FUZZ_TARGET") else { return nil }
    let name = String(cString: p)
    guard let t = targets.first(where: { $0.name == name }) else {
        fputs("NSRUN_FUZZ_TARGET=\(name): no such target (\(targets.map(\.name).joined(separator: ", ")))\n", stderr)
        exit(2)
    }
    return t
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    guard let data, size > 0 else { return 0 }
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let selected {
        selected.run(bytes)
    } else {
        targets[Int(bytes[0]) % targets.count].run(Array(bytes[1...]))
    }
    return 0
}
