import CLibNL
#if canImport(Glibc)
import Glibc
#endif

/// Which errno a failed libnl call stands for.
///
/// libnl returns negative NLE_* codes, not errnos: it folds the kernel's
/// errno with nl_syserr2nlerr, which is lossy (ENODEV, ENOENT, ESRCH and
/// ENXIO all become NLE_OBJ_NOTFOUND; EADDRNOTAVAIL, ENETUNREACH and
/// EHOSTUNREACH become NLE_NOADDR or NLE_FAILURE). So nsrun does not reverse
/// the code when it can avoid it. In order of preference:
///
/// 1. **The kernel's errno**, captured from the NLMSG_ERROR reply by the
///    error callback NetlinkSocket installs (`nlmsgerr.error`, negated).
///    Every refusal by the kernel (ENODEV, EEXIST, EPERM, ENETUNREACH, ...)
///    arrives this way, exactly.
/// 2. **The local errno** left by a failed syscall inside libnl (sendmsg,
///    recvmsg), read right after the call, used only if nl_syserr2nlerr of
///    it gives back the same NLE code (so a stale errno is never reported).
/// 3. **The table below**, the nearest errno for each NLE code, for errors
///    libnl finds by itself (a malformed reply, out of memory).
///
/// | NLE code | errno |
/// |---|---|
/// | NLE_FAILURE, NLE_MSG_TOOSHORT, NLE_SEQ_MISMATCH, NLE_MSGTYPE_NOSUPPORT, NLE_PARSE_ERR, NLE_DUMP_INTR | EPROTO (EINTR for DUMP_INTR) |
/// | NLE_INTR | EINTR |
/// | NLE_BAD_SOCK | EBADF |
/// | NLE_AGAIN | EAGAIN |
/// | NLE_NOMEM | ENOMEM |
/// | NLE_EXIST | EEXIST |
/// | NLE_INVAL, NLE_MISSING_ATTR, NLE_AF_MISMATCH, NLE_OBJ_MISMATCH | EINVAL |
/// | NLE_RANGE, NLE_ATTRSIZE | ERANGE |
/// | NLE_MSGSIZE, NLE_MSG_TRUNC | EMSGSIZE |
/// | NLE_MSG_OVERFLOW | EOVERFLOW |
/// | NLE_OPNOTSUPP, NLE_SRCRT_NOSUPPORT | EOPNOTSUPP |
/// | NLE_AF_NOSUPPORT | EAFNOSUPPORT |
/// | NLE_OBJ_NOTFOUND, NLE_NOCACHE, NLE_PKTLOC_FILE | ENOENT |
/// | NLE_NOATTR | ENODATA |
/// | NLE_NOADDR | EADDRNOTAVAIL |
/// | NLE_BUSY | EBUSY |
/// | NLE_PROTO_MISMATCH | EPROTONOSUPPORT |
/// | NLE_NOACCESS | EACCES |
/// | NLE_PERM, NLE_IMMUTABLE | EPERM |
/// | NLE_NODEV | ENODEV |
/// | anything else | EIO |
public enum NetlinkErrno {
    /// The errno for a failed libnl call that returned `-nle`, given the
    /// kernel's errno from the error callback (0 if none arrived) and the
    /// errno read right after the call.
    public static func resolve(nle: Int32, kernel: Int32, local: Int32) -> Int32 {
        if kernel > 0 { return kernel }
        if local > 0 && nl_syserr2nlerr(local) == nle { return local }
        return fallback(nle)
    }

    /// Step 3: the nearest errno for an NLE code libnl raised by itself.
    public static func fallback(_ nle: Int32) -> Int32 {
        switch nle {
        case NLE_INTR, NLE_DUMP_INTR: return EINTR
        case NLE_BAD_SOCK: return EBADF
        case NLE_AGAIN: return EAGAIN
        case NLE_NOMEM: return ENOMEM
        case NLE_EXIST: return EEXIST
        case NLE_INVAL, NLE_MISSING_ATTR, NLE_AF_MISMATCH, NLE_OBJ_MISMATCH: return EINVAL
        case NLE_RANGE, NLE_ATTRSIZE: return ERANGE
        case NLE_MSGSIZE, NLE_MSG_TRUNC: return EMSGSIZE
        case NLE_MSG_OVERFLOW: return EOVERFLOW
        case NLE_OPNOTSUPP, NLE_SRCRT_NOSUPPORT: return EOPNOTSUPP
        case NLE_AF_NOSUPPORT: return EAFNOSUPPORT
        case NLE_OBJ_NOTFOUND, NLE_NOCACHE, NLE_PKTLOC_FILE: return ENOENT
        case NLE_NOATTR: return ENODATA
        case NLE_NOADDR: return EADDRNOTAVAIL
        case NLE_BUSY: return EBUSY
        case NLE_PROTO_MISMATCH: return EPROTONOSUPPORT
        case NLE_NOACCESS: return EACCES
        case NLE_PERM, NLE_IMMUTABLE: return EPERM
        case NLE_NODEV: return ENODEV
        case NLE_FAILURE, NLE_MSG_TOOSHORT, NLE_SEQ_MISMATCH, NLE_MSGTYPE_NOSUPPORT, NLE_PARSE_ERR: return EPROTO
        default: return EIO
        }
    }
}
