import CLibNL
#if canImport(Glibc)
import Glibc
#endif

/// Brings the interface `name` of the caller's current network namespace
/// up (IFF_UP), as `ip link set NAME up`: one RTM_NEWLINK request that sets
/// only that flag. Bringing up an interface that is already up succeeds.
///
/// A new network namespace has only `lo`, and it is down: nothing, not even
/// 127.0.0.1, answers there until `interfaceUp("lo")`.
///
/// Errors (errno from the kernel, operation "ifup", object the name):
/// ENODEV no such interface in this namespace; EPERM without CAP_NET_ADMIN
/// over the namespace; EINVAL for a name InterfaceName.refusal rejects
/// (the caller should refuse those itself, before calling).
public func interfaceUp(_ name: String) throws(SysError) {
    try InterfaceName.check(name, "ifup", name)
    let socket = try NetlinkSocket("ifup", name)
    guard let orig = rtnl_link_alloc(), let change = rtnl_link_alloc() else {
        throw SysError(errno: ENOMEM, operation: "ifup", object: name)
    }
    defer { rtnl_link_put(orig); rtnl_link_put(change) }
    // No ifindex in `orig`: the kernel finds the link by IFLA_IFNAME.
    rtnl_link_set_name(change, name)
    rtnl_link_set_flags(change, UInt32(IFF_UP))
    try socket.run("ifup", name) { rtnl_link_change($0, orig, change, 0) }
}

/// The index of interface `name` in the caller's network namespace
/// (RTM_GETLINK). Throws ENODEV when there is none, with `operation` and
/// `object` of the caller's request.
func interfaceIndex(_ socket: borrowing NetlinkSocket, _ name: String,
                    _ operation: String, _ object: String) throws(SysError) -> Int32 {
    var link: OpaquePointer? = nil
    try socket.run(operation, object) { rtnl_link_get_kernel($0, 0, name, &link) }
    guard let link else { throw SysError(errno: ENODEV, operation: operation, object: object) }
    defer { rtnl_link_put(link) }
    return rtnl_link_get_ifindex(link)
}
