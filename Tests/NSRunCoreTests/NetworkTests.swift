import Testing
import Glibc
import CLibNL
@testable import NSRunCore

// Pure logic of the network building blocks: names, addresses, the errno a
// failed libnl call reports. What reaches the kernel is tested through the
// built nsrun (Tests/NSRunTests/lua/test_net.lua).

@Test(arguments: ["lo", "eth0", "veth-a.1", "abcdefghijklmno", "nsrun_h1234567", "é"])
func validInterfaceNames(_ name: String) {
    #expect(InterfaceName.refusal(name) == nil, "\(name)")
}

@Test(arguments: [
    ("", "interface name is empty"),
    ("abcdefghijklmnop", "interface name 'abcdefghijklmnop' is longer than 15 bytes"),
    ("éééééééé", "interface name 'éééééééé' is longer than 15 bytes"), // 16 bytes, 8 characters
    (".", "'.' is not an interface name"),
    ("..", "'..' is not an interface name"),
    ("a/b", "interface name 'a/b' contains '/'"),
    ("eth0:1", "interface name 'eth0:1' contains ':'"),
    ("a b", "interface name 'a b' contains whitespace"),
    ("a\tb", "interface name 'a\tb' contains whitespace"),
    ("a\0b", "interface name contains a NUL byte"),
])
func refusedInterfaceNames(_ name: String, _ reason: String) {
    #expect(InterfaceName.refusal(name) == reason)
}

@Test func theCoreRefusesABadNameWithEINVALEvenWithoutTheLuaCheck() {
    #expect(throws: SysError(errno: EINVAL, operation: "ifup", object: "abcdefghijklmnop")) {
        try interfaceUp("abcdefghijklmnop")
    }
}

@Test(arguments: [
    ("169.254.77.1", [169, 254, 77, 1] as [UInt8]),
    ("0.0.0.0", [0, 0, 0, 0]),
    ("255.255.255.255", [255, 255, 255, 255]),
    ("10.0.100.9", [10, 0, 100, 9]),
])
func ipv4Addresses(_ text: String, _ octets: [UInt8]) {
    let a = IPv4Address(parsing: text)
    #expect(a?.octets == octets)
    #expect(a?.description == text)
}

@Test(arguments: ["", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.04", "01.2.3.4", "1..2.3", "1.2.3.4 ",
                  " 1.2.3.4", "1.2.3.-4", "1.2.3.+4", "a.b.c.d", "0x7f.0.0.1", "1.2.3.4/24", "::1", "1234.1.1.1"])
func malformedIPv4Addresses(_ text: String) {
    #expect(IPv4Address(parsing: text) == nil, "\(text)")
}

@Test func ipv4Value() {
    #expect(IPv4Address(169, 254, 77, 1).value == 0xA9FE_4D01)
}

@Test func prefixesParseWithAndWithoutLength() throws {
    #expect(try IPv4Prefix(parsing: "169.254.77.1/30") == IPv4Prefix(IPv4Address(169, 254, 77, 1), length: 30))
    #expect(try IPv4Prefix(parsing: "169.254.77.1") == IPv4Prefix(IPv4Address(169, 254, 77, 1), length: 32))
    #expect(try IPv4Prefix(parsing: "0.0.0.0/0").length == 0)
    #expect(try IPv4Prefix(parsing: "169.254.77.1/30").description == "169.254.77.1/30")
}

@Test(arguments: [
    ("169.254.77.1/33", "'169.254.77.1/33': prefix length must be 0..32"),
    ("169.254.77.1/", "'169.254.77.1/': prefix length must be 0..32"),
    ("169.254.77.1/08", "'169.254.77.1/08': prefix length must be 0..32"),
    ("169.254.77.1/1/2", "'169.254.77.1/1/2': prefix length must be 0..32"),
    ("169.254.77/24", "'169.254.77/24' is not an IPv4 address A.B.C.D/len"),
    ("/24", "'/24' is not an IPv4 address A.B.C.D/len"),
    ("fe80::1/64", "'fe80::1/64' is not an IPv4 address (IPv6 is not supported)"),
])
func malformedPrefixes(_ text: String, _ reason: String) {
    #expect(throws: UsageError(reason)) { try IPv4Prefix(parsing: text) }
}

@Test func theKernelsErrnoWinsOverLibnlsCode() {
    // ENODEV folds to NLE_OBJ_NOTFOUND in libnl; the captured errno is kept.
    #expect(NetlinkErrno.resolve(nle: NLE_OBJ_NOTFOUND, kernel: ENODEV, local: 0) == ENODEV)
    #expect(NetlinkErrno.resolve(nle: NLE_NOADDR, kernel: ENETUNREACH, local: EAGAIN) == ENETUNREACH)
}

@Test func aLocalErrnoCountsOnlyIfItExplainsTheCode() {
    #expect(NetlinkErrno.resolve(nle: NLE_BAD_SOCK, kernel: 0, local: EBADF) == EBADF)
    // A stale errno that libnl would not have turned into this code is ignored.
    #expect(NetlinkErrno.resolve(nle: NLE_NOMEM, kernel: 0, local: EBADF) == ENOMEM)
    #expect(NetlinkErrno.resolve(nle: NLE_MSG_TRUNC, kernel: 0, local: 0) == EMSGSIZE)
}

@Test(arguments: [
    (NLE_EXIST, EEXIST), (NLE_PERM, EPERM), (NLE_NODEV, ENODEV), (NLE_OBJ_NOTFOUND, ENOENT),
    (NLE_NOADDR, EADDRNOTAVAIL), (NLE_INVAL, EINVAL), (NLE_AGAIN, EAGAIN), (NLE_SEQ_MISMATCH, EPROTO),
    (NLE_OPNOTSUPP, EOPNOTSUPP), (NLE_BUSY, EBUSY), (NLE_NOACCESS, EACCES), (Int32(999), EIO),
])
func fallbackTable(_ nle: Int32, _ errno: Int32) {
    #expect(NetlinkErrno.fallback(nle) == errno)
}

@Test func everyNLECodeMapsToAnErrnoOtherThanEIO() {
    for code in Int32(1)...Int32(NLE_MAX) { #expect(NetlinkErrno.fallback(code) != EIO, "NLE \(code)") }
}

@Test func pidfdFdinfo() {
    let info = "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t1234\nPid:\t4242\nNSpid:\t4242\n"
    #expect(parsePidfdInfo(ArraySlice(Array(info.utf8))) == 4242)
    #expect(parsePidfdInfo(ArraySlice(Array("pos:\t0\nPid:\t-1\n".utf8))) == -1)
    #expect(parsePidfdInfo(ArraySlice(Array("pos:\t0\nflags:\t02\nmnt_id:\t1\n".utf8))) == nil)
}
