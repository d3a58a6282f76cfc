#if canImport(Glibc)
import Glibc
#endif

/// The errno names exported to recipes as `ns.errno.NAME`, sorted by value.
/// Only names glibc defines on every architecture nsrun builds for.
public enum ErrnoNames {
    public static let all: [NamedInt32] = [
        .init("EPERM", EPERM), .init("ENOENT", ENOENT), .init("ESRCH", ESRCH), .init("EINTR", EINTR),
        .init("EIO", EIO), .init("ENXIO", ENXIO), .init("E2BIG", E2BIG), .init("ENOEXEC", ENOEXEC),
        .init("EBADF", EBADF), .init("ECHILD", ECHILD), .init("EAGAIN", EAGAIN), .init("ENOMEM", ENOMEM),
        .init("EACCES", EACCES), .init("EFAULT", EFAULT), .init("ENOTBLK", ENOTBLK), .init("EBUSY", EBUSY),
        .init("EEXIST", EEXIST), .init("EXDEV", EXDEV), .init("ENODEV", ENODEV), .init("ENOTDIR", ENOTDIR),
        .init("EISDIR", EISDIR), .init("EINVAL", EINVAL), .init("ENFILE", ENFILE), .init("EMFILE", EMFILE),
        .init("ENOTTY", ENOTTY), .init("ETXTBSY", ETXTBSY), .init("EFBIG", EFBIG), .init("ENOSPC", ENOSPC),
        .init("ESPIPE", ESPIPE), .init("EROFS", EROFS), .init("EMLINK", EMLINK), .init("EPIPE", EPIPE),
        .init("EDOM", EDOM), .init("ERANGE", ERANGE), .init("EDEADLK", EDEADLK),
        .init("ENAMETOOLONG", ENAMETOOLONG), .init("ENOLCK", ENOLCK), .init("ENOSYS", ENOSYS),
        .init("ENOTEMPTY", ENOTEMPTY), .init("ELOOP", ELOOP), .init("ENODATA", ENODATA),
        .init("EOVERFLOW", EOVERFLOW), .init("EUSERS", EUSERS), .init("ENOTSOCK", ENOTSOCK),
        .init("EOPNOTSUPP", EOPNOTSUPP), .init("EADDRINUSE", EADDRINUSE),
        .init("EADDRNOTAVAIL", EADDRNOTAVAIL), .init("ENETDOWN", ENETDOWN),
        .init("ENETUNREACH", ENETUNREACH), .init("ECONNRESET", ECONNRESET),
        .init("ETIMEDOUT", ETIMEDOUT), .init("ECONNREFUSED", ECONNREFUSED),
        .init("EHOSTUNREACH", EHOSTUNREACH), .init("EALREADY", EALREADY),
        .init("EINPROGRESS", EINPROGRESS), .init("EDQUOT", EDQUOT), .init("ECANCELED", ECANCELED),
        .init("EOWNERDEAD", EOWNERDEAD),
    ]
}

/// An integer constant and its C name (errno values, open and umount flags;
/// a struct: see NamedConstant).
public struct NamedInt32: Sendable {
    public let name: String
    public let value: Int32
    @inlinable public init(_ name: String, _ value: Int32) { self.name = name; self.value = value }
}
