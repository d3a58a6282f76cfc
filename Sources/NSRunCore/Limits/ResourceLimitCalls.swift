import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// getrlimit(2) of the caller's `resource` (an RLIMIT_* number). Never
/// fails for a resource from `ResourceLimits.all`; otherwise EINVAL, as
/// "getrlimit nofile: Invalid argument".
public func getResourceLimit(_ resource: Int32) throws(SysError) -> ResourceLimit {
    var soft: UInt64 = 0, hard: UInt64 = 0
    if nsrun_sys_getrlimit(resource, &soft, &hard) < 0 {
        let e = errno
        throw SysError(errno: e, operation: "getrlimit", object: ResourceLimits.name(of: resource) ?? String(resource))
    }
    return ResourceLimit(fromKernel: soft, hard)
}

/// setrlimit(2) of the caller's `resource` to `limit` (soft <= hard already
/// checked by `ResourceLimit`). Limits are inherited by children and kept
/// across execve. Fails, as "setrlimit nofile 16:32: Operation not permitted":
/// - EPERM: raising the hard limit without CAP_SYS_RESOURCE, or `nofile`
///   above /proc/sys/fs/nr_open;
/// - EINVAL: an unknown resource.
public func setResourceLimit(_ resource: Int32, _ limit: ResourceLimit) throws(SysError) {
    if nsrun_sys_setrlimit(resource, limit.soft, limit.hard) < 0 {
        let e = errno
        throw SysError(errno: e, operation: "setrlimit", object: "\(ResourceLimits.name(of: resource) ?? String(resource)) \(limit.description)")
    }
}
