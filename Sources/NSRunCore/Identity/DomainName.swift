#if canImport(Glibc)
import Glibc
#endif

/// setdomainname(2): the NIS domain name of the caller's UTS namespace (in
/// a new UTS namespace, only that namespace's). EINVAL beyond 64 bytes,
/// EPERM without CAP_SYS_ADMIN over the namespace's owning user namespace.
public func setDomainName(_ name: String) throws(SysError) {
    let bytes = Array(name.utf8)
    if setdomainname(bytes, bytes.count) < 0 { let e = errno; throw SysError(errno: e, operation: "setdomainname", object: name) }
}
