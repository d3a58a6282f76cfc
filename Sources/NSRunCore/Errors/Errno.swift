#if canImport(Glibc)
import Glibc
#endif

/// The errno names exported to recipes as `ns.errno.NAME`, sorted by value.
/// Only names glibc defines on every architecture nsrun builds for.
public enum ErrnoNames {
    public static let all: [NamedConstant] = [
        .init("EPERM", int: EPERM), .init("ENOENT", int: ENOENT), .init("ESRCH", int: ESRCH), .init("EINTR", int: EINTR),
        .init("EIO", int: EIO), .init("ENXIO", int: ENXIO), .init("E2BIG", int: E2BIG), .init("ENOEXEC", int: ENOEXEC),
        .init("EBADF", int: EBADF), .init("ECHILD", int: ECHILD), .init("EAGAIN", int: EAGAIN), .init("ENOMEM", int: ENOMEM),
        .init("EACCES", int: EACCES), .init("EFAULT", int: EFAULT), .init("ENOTBLK", int: ENOTBLK), .init("EBUSY", int: EBUSY),
        .init("EEXIST", int: EEXIST), .init("EXDEV", int: EXDEV), .init("ENODEV", int: ENODEV), .init("ENOTDIR", int: ENOTDIR),
        .init("EISDIR", int: EISDIR), .init("EINVAL", int: EINVAL), .init("ENFILE", int: ENFILE), .init("EMFILE", int: EMFILE),
        .init("ENOTTY", int: ENOTTY), .init("ETXTBSY", int: ETXTBSY), .init("EFBIG", int: EFBIG), .init("ENOSPC", int: ENOSPC),
        .init("ESPIPE", int: ESPIPE), .init("EROFS", int: EROFS), .init("EMLINK", int: EMLINK), .init("EPIPE", int: EPIPE),
        .init("EDOM", int: EDOM), .init("ERANGE", int: ERANGE), .init("EDEADLK", int: EDEADLK),
        .init("ENAMETOOLONG", int: ENAMETOOLONG), .init("ENOLCK", int: ENOLCK), .init("ENOSYS", int: ENOSYS),
        .init("ENOTEMPTY", int: ENOTEMPTY), .init("ELOOP", int: ELOOP), .init("ENODATA", int: ENODATA),
        .init("EOVERFLOW", int: EOVERFLOW), .init("EUSERS", int: EUSERS), .init("ENOTSOCK", int: ENOTSOCK),
        .init("EOPNOTSUPP", int: EOPNOTSUPP), .init("EADDRINUSE", int: EADDRINUSE),
        .init("EADDRNOTAVAIL", int: EADDRNOTAVAIL), .init("ENETDOWN", int: ENETDOWN),
        .init("ENETUNREACH", int: ENETUNREACH), .init("ECONNRESET", int: ECONNRESET),
        .init("ETIMEDOUT", int: ETIMEDOUT), .init("ECONNREFUSED", int: ECONNREFUSED),
        .init("EHOSTUNREACH", int: EHOSTUNREACH), .init("EALREADY", int: EALREADY),
        .init("EINPROGRESS", int: EINPROGRESS), .init("EDQUOT", int: EDQUOT), .init("ECANCELED", int: ECANCELED),
        .init("EOWNERDEAD", int: EOWNERDEAD),
    ]
}
