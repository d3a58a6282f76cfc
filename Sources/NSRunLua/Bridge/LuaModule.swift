import CLua
import CNSRunLua
import NSRunCore

/// One concern's bindings and constants, published in the `ns` table.
/// Each file under Modules/ defines one, named after what it holds.
///
/// Nothing here is built into `ns` at start-up except the `globals`: every
/// other name is made on its first read (NSRunLibrary), so a recipe pays
/// only for what it uses.
/// @unchecked: the host is single-threaded (DESIGN.md 2.1); module tables are
/// immutable after start-up and hold only C function pointers and closures
/// without captures.
///
/// A final class with constants, not a struct: the resolver walks the
/// modules through `LuaHost.module(i)`, and each copy of a struct of arrays
/// was destroyed through the arrays' runtime type metadata, four types
/// built from their mangled names on a recipe's first `ns` lookups
/// (callgrind, gdb on swift_getTypeByMangledNameInContextImpl). A
/// reference is retained and released.
final class LuaModule: @unchecked Sendable {
    /// Functions by name.
    let functions: [LuaFunction]
    /// Integer constants by name, set as ns.NAME.
    let constants: [LuaConstant]
    /// Other values, made by a closure that pushes one: ns.cgroup, and the
    /// sub-tables of constants (ns.errno, ns.signals, ns.namespaces; made by
    /// `LuaField.constantTable`).
    let fields: [LuaField]
    /// Functions also published as globals (the mission's `clone`,
    /// `getpid`, ...), and in `ns` at once.
    let globals: [String]
    /// Every constant is also a global (CLONE_*), and in `ns` at once.
    let constantsAreGlobals: Bool

    init(functions: [LuaFunction] = [], constants: [LuaConstant] = [], fields: [LuaField] = [],
         globals: [String] = [], constantsAreGlobals: Bool = false) {
        self.functions = functions
        self.constants = constants
        self.fields = fields
        self.globals = globals
        self.constantsAreGlobals = constantsAreGlobals
    }

    /// Every name of the module as the `ns` resolver's index reads it
    /// (nsindex.c, the layout in nsrun_lua.h): functions, then constants,
    /// then fields, so a lookup finds what pushEntry would. Allocated once
    /// and never freed: modules live as long as the process.
    func makeIndex() -> UnsafeMutableRawPointer {
        let head = 16
        func size(_ name: String) -> Int { (head + name.utf8.count + 7) & ~7 }
        var total = 8
        for f in functions { total += size(f.name) }
        for c in constants { total += size(c.name) }
        for f in fields { total += size(f.name) }
        let block = UnsafeMutableRawPointer.allocate(byteCount: total, alignment: 8)
        block.initializeMemory(as: UInt8.self, repeating: 0, count: total)
        var at = 0
        func put(_ name: String, _ kind: Int32, slot: Int = 0, _ payload: UInt64) {
            var utf8 = name
            utf8.withUTF8 { bytes in
                precondition(bytes.count > 0 && bytes.count < 256, "an ns name must be 1..255 bytes")
                block.storeBytes(of: UInt8(bytes.count), toByteOffset: at, as: UInt8.self)
                block.storeBytes(of: UInt8(kind), toByteOffset: at + 1, as: UInt8.self)
                block.storeBytes(of: UInt16(slot), toByteOffset: at + 2, as: UInt16.self)
                block.storeBytes(of: payload, toByteOffset: at + 8, as: UInt64.self)
                (block + at + head).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
                at += (head + bytes.count + 7) & ~7
            }
        }
        for f in functions {
            put(f.name, Int32(NSRUN_NS_ENTRY_FUNCTION), UInt64(UInt(bitPattern: unsafeBitCast(f.fn, to: UnsafeRawPointer.self))))
        }
        for c in constants { put(c.name, Int32(NSRUN_NS_ENTRY_CONSTANT), UInt64(bitPattern: c.value)) }
        for (slot, f) in fields.enumerated() { put(f.name, Int32(NSRUN_NS_ENTRY_FIELD), slot: slot, 0) }
        return block
    }
}

// Structs rather than tuples: a tuple type's metadata is built at run time
// from its mangled name, which cost a fifth of nsrun's start-up (callgrind).

/// A binding and the name it is registered under.
struct LuaFunction {
    let name: String
    let fn: nsrun_binding
    init(_ name: String, _ fn: nsrun_binding) { self.name = name; self.fn = fn }
}

/// An integer constant and its name: NSRunCore's NamedConstant, so that the
/// flag tables (CloneFlags.named, MountFlags.named) are module constants as
/// they are, with no second array type whose metadata a start-up builds.
typealias LuaConstant = NamedConstant

/// A value of `ns` made by `push` (which leaves exactly one value on the
/// stack) when `name` is first read.
struct LuaField {
    let name: String
    let push: (LuaState) -> Void
    init(_ name: String, _ push: @escaping (LuaState) -> Void) { self.name = name; self.push = push }

    /// A sub-table of constants (ns.errno), its entries listed only when the
    /// table is first read.
    static func constantTable(_ name: String, _ entries: @escaping () -> [LuaConstant]) -> LuaField {
        LuaField(name) { L in
            let list = entries()
            lua_createtable(L, 0, Int32(list.count))
            for c in list {
                lua_pushinteger(L, lua_Integer(c.value))
                LuaTable.setField(L, -2, c.name)
            }
        }
    }
}

/// Raw table helpers: no metamethods run, so nothing can raise from Swift.
enum LuaTable {
    /// t[name] = value at the top of the stack (popped); t at `index`.
    static func setField(_ L: LuaState, _ index: Int32, _ name: String) {
        let t = lua_absindex(L, index)
        pushString(L, name)
        lua_rotate(L, -2, 1)
        lua_rawset(L, t)
    }

    /// Pushes t[name] for the table at `index`.
    @discardableResult
    static func getField(_ L: LuaState, _ index: Int32, _ name: String) -> Int32 {
        let t = lua_absindex(L, index)
        pushString(L, name)
        return lua_rawget(L, t)
    }

    /// Sets t[name] = binding for each of `functions`; t at `index`.
    static func setFunctions(_ L: LuaState, _ index: Int32, _ functions: [LuaFunction]) {
        let t = lua_absindex(L, index)
        for f in functions {
            nsrun_lua_pushbinding(L, f.fn, f.name)
            setField(L, t, f.name)
        }
    }

    /// Pushes the globals table.
    static func pushGlobals(_ L: LuaState) {
        lua_rawgeti(L, nsrun_lua_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
    }
}
