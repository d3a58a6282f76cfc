import CLibNL
#if canImport(Glibc)
import Glibc
#endif

/// Creates a veth pair, as `ip link add NAME type veth peer name PEER
/// netns NS`: `name` in the caller's current network namespace and
/// `peer` created directly in the network namespace `peerNetns` names
/// (IFLA_NET_NS_FD in the peer's attributes), or next to `name` when
/// `peerNetns` is nil. Both ends start down: each side brings its end up
/// with `interfaceUp` from inside its own namespace.
///
/// `peerNetns` is an fd of a network namespace file (`/proc/PID/ns/net`)
/// or a pidfd, whose process's network namespace is used (see NetnsFD).
/// The pair lives as long as both namespaces: when either namespace goes
/// away (its last process exits), both ends are deleted.
///
/// Errors (operation "veth", object "NAME peer PEER"): EEXIST `name` exists
/// in this namespace or `peer` in the target one; EBADF `peerNetns` is not
/// an open fd; EINVAL it names no network namespace (another namespace type,
/// a plain file); ESRCH the pidfd's process has exited; EACCES no
/// ptrace-read access to the pidfd's process (the caller is in a user
/// namespace that does not own it); EPERM without CAP_NET_ADMIN over either
/// namespace; EOPNOTSUPP no veth support in the kernel; EINVAL for an
/// invalid name (the caller should refuse it first). On failure nothing is
/// created.
public func createVeth(_ name: String, peer: String, peerNetns: Int32?) throws(SysError) {
    let object = "\(name) peer \(peer)"
    try InterfaceName.check(name, "veth", object)
    try InterfaceName.check(peer, "veth", object)
    let target = try peerNetns.map { (fd) throws(SysError) in try netnsFD(of: fd, "veth", object) }
    defer { target?.release() }
    let socket = try NetlinkSocket("veth", object)
    guard let link = rtnl_link_veth_alloc() else { throw SysError(errno: ENOMEM, operation: "veth", object: object) }
    defer { rtnl_link_veth_release(link) } // releases both ends
    guard let peerLink = rtnl_link_veth_get_peer(link) else {
        throw SysError(errno: ENOMEM, operation: "veth", object: object)
    }
    defer { rtnl_link_put(peerLink) }
    rtnl_link_set_name(link, name)
    rtnl_link_set_name(peerLink, peer)
    if let target { rtnl_link_set_ns_fd(peerLink, target.fd) }
    try socket.run("veth", object) { rtnl_link_add($0, link, NLM_F_CREATE | NLM_F_EXCL) }
}
