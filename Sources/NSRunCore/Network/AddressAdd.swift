import CLibNL
#if canImport(Glibc)
import Glibc
#endif

/// Adds the IPv4 address `prefix` (address and prefix length) to interface
/// `ifname` of the caller's current network namespace, as
/// `ip address add A.B.C.D/len dev IFNAME` (RTM_NEWADDR, NLM_F_CREATE|EXCL;
/// no broadcast address is set). The kernel adds the prefix's route once
/// the interface is up.
///
/// Errors (operation "addr_add", object "IFNAME A.B.C.D/len"): ENODEV no
/// such interface; EEXIST the interface already has this address; EPERM
/// without CAP_NET_ADMIN over the namespace; EINVAL for an invalid
/// interface name (the caller should refuse it first).
public func addAddress(_ ifname: String, _ prefix: IPv4Prefix) throws(SysError) {
    let object = "\(ifname) \(prefix)"
    try InterfaceName.check(ifname, "addr_add", object)
    let socket = try NetlinkSocket("addr_add", object)
    let index = try interfaceIndex(socket, ifname, "addr_add", object)
    guard let addr = rtnl_addr_alloc() else { throw SysError(errno: ENOMEM, operation: "addr_add", object: object) }
    defer { rtnl_addr_put(addr) }
    let local = try netlinkAddress(prefix.address, length: prefix.length, "addr_add", object)
    defer { nl_addr_put(local) }
    rtnl_addr_set_ifindex(addr, index)
    try socket.run("addr_add", object) { _ in rtnl_addr_set_local(addr, local) }
    try socket.run("addr_add", object) { rtnl_addr_add($0, addr, NLM_F_EXCL) }
}

/// An AF_INET nl_addr for `address`/`length` (the caller puts it).
func netlinkAddress(_ address: IPv4Address, length: Int,
                    _ operation: String, _ object: String) throws(SysError) -> OpaquePointer {
    let built = address.octets.withUnsafeBytes { nl_addr_build(AF_INET, $0.baseAddress, 4) }
    guard let built else { throw SysError(errno: ENOMEM, operation: operation, object: object) }
    nl_addr_set_prefixlen(built, Int32(length))
    return built
}
