#if canImport(Glibc)
import Glibc
#endif

/// The errno names exported to recipes as `ns.errno.NAME`, sorted by value.
/// Only names glibc defines on every architecture nsrun builds for.
public enum ErrnoNames {
    public static let all: [(name: String, value: Int32)] = [
        ("EPERM", EPERM), ("ENOENT", ENOENT), ("ESRCH", ESRCH), ("EINTR", EINTR),
        ("EIO", EIO), ("ENXIO", ENXIO), ("E2BIG", E2BIG), ("ENOEXEC", ENOEXEC),
        ("EBADF", EBADF), ("ECHILD", ECHILD), ("EAGAIN", EAGAIN), ("ENOMEM", ENOMEM),
        ("EACCES", EACCES), ("EFAULT", EFAULT), ("ENOTBLK", ENOTBLK), ("EBUSY", EBUSY),
        ("EEXIST", EEXIST), ("EXDEV", EXDEV), ("ENODEV", ENODEV), ("ENOTDIR", ENOTDIR),
        ("EISDIR", EISDIR), ("EINVAL", EINVAL), ("ENFILE", ENFILE), ("EMFILE", EMFILE),
        ("ENOTTY", ENOTTY), ("ETXTBSY", ETXTBSY), ("EFBIG", EFBIG), ("ENOSPC", ENOSPC),
        ("ESPIPE", ESPIPE), ("EROFS", EROFS), ("EMLINK", EMLINK), ("EPIPE", EPIPE),
        ("EDOM", EDOM), ("ERANGE", ERANGE), ("EDEADLK", EDEADLK),
        ("ENAMETOOLONG", ENAMETOOLONG), ("ENOLCK", ENOLCK), ("ENOSYS", ENOSYS),
        ("ENOTEMPTY", ENOTEMPTY), ("ELOOP", ELOOP), ("ENODATA", ENODATA),
        ("EOVERFLOW", EOVERFLOW), ("EUSERS", EUSERS), ("ENOTSOCK", ENOTSOCK),
        ("EOPNOTSUPP", EOPNOTSUPP), ("EADDRINUSE", EADDRINUSE),
        ("EADDRNOTAVAIL", EADDRNOTAVAIL), ("ENETDOWN", ENETDOWN),
        ("ENETUNREACH", ENETUNREACH), ("ECONNRESET", ECONNRESET),
        ("ETIMEDOUT", ETIMEDOUT), ("ECONNREFUSED", ECONNREFUSED),
        ("EHOSTUNREACH", EHOSTUNREACH), ("EALREADY", EALREADY),
        ("EINPROGRESS", EINPROGRESS), ("EDQUOT", EDQUOT), ("ECANCELED", ECANCELED),
        ("EOWNERDEAD", EOWNERDEAD),
    ]
}
