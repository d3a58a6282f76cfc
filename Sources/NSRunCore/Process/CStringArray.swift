#if canImport(Glibc)
import Glibc
#endif

/// A NULL-terminated `char *[]` for exec, owned by Swift and freed on deinit.
/// Built before a clone or exec so the child (or the exec) only reads it.
public final class CStringArray {
    public private(set) var pointers: [UnsafeMutablePointer<CChar>?]

    public init(_ strings: [String]) {
        pointers = strings.map { strdup($0) }
        pointers.append(nil)
    }

    deinit {
        for p in pointers { free(p) }
    }

    /// Runs `body` with the array's base address, valid only for the call.
    public func withUnsafeArray<R>(_ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) throws -> R) rethrows -> R {
        try pointers.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }
}
