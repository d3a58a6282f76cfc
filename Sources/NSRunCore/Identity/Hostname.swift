#if canImport(Glibc)
import Glibc
#endif

/// sethostname(2): in a new UTS namespace, changes only that namespace's
/// name. EINVAL beyond 64 bytes, EPERM without CAP_SYS_ADMIN over the
/// namespace's owning user namespace.
public func setHostname(_ name: String) throws(SysError) {
    let bytes = Array(name.utf8)
    if sethostname(bytes, bytes.count) < 0 { throw SysError.last("sethostname", name) }
}

/// gethostname(2) of the caller's UTS namespace.
public func getHostname() throws(SysError) -> String {
    var buffer = [UInt8](repeating: 0, count: 257)
    let ok = buffer.withUnsafeMutableBufferPointer { b in
        b.withMemoryRebound(to: CChar.self) { gethostname($0.baseAddress!, 256) }
    }
    if ok < 0 { throw SysError.last("gethostname") }
    return String(decoding: buffer.prefix { $0 != 0 }, as: UTF8.self)
}
