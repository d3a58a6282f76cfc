import CLibNL
#if canImport(Glibc)
import Glibc
#endif

/// Adds the IPv4 default route (0.0.0.0/0, main table) of the caller's
/// current network namespace through interface `ifname`, via `gateway`, as
/// `ip route add default via GATEWAY dev IFNAME` (RTM_NEWROUTE,
/// NLM_F_CREATE|EXCL). Without a gateway it is a device route (scope link),
/// as `ip route add default dev IFNAME`, for point-to-point links.
///
/// Errors (operation "route_add_default", object "IFNAME via GATEWAY" or
/// "IFNAME"): ENODEV no such interface; EEXIST there already is a default
/// route; ENETUNREACH the gateway is on no network of the interface, or the
/// interface is down (its networks count only once it is up): the caller
/// must add the address and `interfaceUp` first; EPERM without
/// CAP_NET_ADMIN over the namespace; EINVAL for an invalid interface name
/// (the caller should refuse it first).
public func addDefaultRoute(_ ifname: String, gateway: IPv4Address?) throws(SysError) {
    let op = "route_add_default"
    let object = gateway.map { "\(ifname) via \($0)" } ?? ifname
    try InterfaceName.check(ifname, op, object)
    let socket = try NetlinkSocket(op, object)
    let index = try interfaceIndex(socket, ifname, op, object)
    guard let route = rtnl_route_alloc() else { throw SysError(errno: ENOMEM, operation: op, object: object) }
    defer { rtnl_route_put(route) }
    let any = try netlinkAddress(IPv4Address(0, 0, 0, 0), length: 0, op, object)
    defer { nl_addr_put(any) }
    try socket.run(op, object) { _ in rtnl_route_set_family(route, UInt8(AF_INET)) }
    try socket.run(op, object) { _ in rtnl_route_set_dst(route, any) }
    rtnl_route_set_table(route, UInt32(RT_TABLE_MAIN.rawValue))
    rtnl_route_set_protocol(route, UInt8(RTPROT_BOOT))
    let gw = try gateway.map { (g) throws(SysError) in try netlinkAddress(g, length: 32, op, object) }
    defer { if let gw { nl_addr_put(gw) } }
    guard let hop = rtnl_route_nh_alloc() else { throw SysError(errno: ENOMEM, operation: op, object: object) }
    rtnl_route_nh_set_ifindex(hop, index)
    if let gw { rtnl_route_nh_set_gateway(hop, gw) } // takes its own reference
    rtnl_route_add_nexthop(route, hop) // the route owns the hop from here
    try socket.run(op, object) { rtnl_route_add($0, route, NLM_F_EXCL) }
}
