import CLibNL
#if canImport(Glibc)
import Glibc
#endif

/// A NETLINK_ROUTE socket in the caller's current network namespace,
/// wrapped in a libnl `nl_sock`, for one operation.
///
/// Opened per call and closed when dropped: a netlink socket stays in the
/// namespace it was created in, so a cached one would act on the wrong
/// namespace after a clone or setns. The fd is close-on-exec from birth
/// (socket(SOCK_CLOEXEC), created here, not by libnl) and bound with port 0
/// so the kernel picks a unique port: libnl's pid-based ports would collide
/// between sandboxes that are all pid 1 in the same network namespace.
///
/// An error callback records the kernel's errno from each NLMSG_ERROR
/// reply, so failures carry the kernel's errno, not libnl's lossy NLE code
/// (see NetlinkErrno). Nothing here runs until a network function is
/// called: nsrun's start-up never touches libnl.
struct NetlinkSocket: ~Copyable {
    let handle: OpaquePointer
    /// The kernel's errno from the last NLMSG_ERROR reply; 0 if none.
    private let kernelErrno: UnsafeMutablePointer<Int32>

    /// Throws the errno of socket(2)/bind(2), or ENOMEM.
    init(_ operation: String, _ object: String) throws(SysError) {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), NETLINK_ROUTE)
        if fd < 0 { throw SysError.last(operation, object) }
        var local = sockaddr_nl()
        local.nl_family = sa_family_t(AF_NETLINK)
        let bound = withUnsafePointer(to: &local) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
            }
        }
        if bound < 0 {
            let e = SysError.last(operation, object)
            close(fd)
            throw e
        }
        // Quiet default handlers whatever NLCB says in the environment
        // (nl_socket_alloc would honour NLCB=verbose|debug and print).
        let cb = nl_cb_alloc(NL_CB_DEFAULT)
        guard let cb, let sk = nl_socket_alloc_cb(cb) else {
            if let cb { nl_cb_put(cb) }
            close(fd)
            throw SysError(errno: ENOMEM, operation: operation, object: object)
        }
        nl_cb_put(cb) // the socket holds its own reference
        Glibc.errno = 0
        let rc = nl_socket_set_fd(sk, NETLINK_ROUTE, fd)
        if rc < 0 {
            let e = NetlinkErrno.resolve(nle: -rc, kernel: 0, local: Glibc.errno)
            nl_socket_free(sk) // does not own fd yet
            close(fd)
            throw SysError(errno: e, operation: operation, object: object)
        }
        handle = sk
        kernelErrno = .allocate(capacity: 1)
        kernelErrno.initialize(to: 0)
        nl_socket_modify_err_cb(sk, NL_CB_CUSTOM, { _, err, arg in
            if let err, let arg { arg.assumingMemoryBound(to: Int32.self).pointee = -err.pointee.error }
            return Int32(NL_STOP.rawValue)
        }, kernelErrno)
    }

    deinit {
        nl_socket_free(handle) // closes the fd
        kernelErrno.deallocate()
    }

    /// Runs one libnl request (`call` gets the nl_sock) and throws a
    /// SysError naming `operation` and `object` if it fails, with the errno
    /// chosen as NetlinkErrno describes.
    func run(_ operation: String, _ object: String, _ call: (OpaquePointer) -> Int32) throws(SysError) {
        kernelErrno.pointee = 0
        Glibc.errno = 0
        let rc = call(handle)
        let local = Glibc.errno
        if rc >= 0 { return }
        throw SysError(errno: NetlinkErrno.resolve(nle: -rc, kernel: kernelErrno.pointee, local: local),
                       operation: operation, object: object)
    }
}
