/// An integer constant and its C name: clone, mount, umount and open flags,
/// errno names, and the recipe's `ns.*` constants (NSRunLua's LuaConstant
/// is this type).
///
/// One struct for all of them, and a struct rather than a tuple: each
/// distinct array element type has its metadata built from a mangled name
/// at run time, about 11k instructions on the first use (callgrind), and
/// every start-up used four of them before they were one.
public struct NamedConstant: Sendable {
    public let name: String
    public let value: Int64
    @inlinable public init(_ name: String, _ value: Int64) { self.name = name; self.value = value }
    /// A C `int` constant (errno values, open flags).
    @inlinable public init(_ name: String, int value: Int32) { self.name = name; self.value = Int64(value) }
}
