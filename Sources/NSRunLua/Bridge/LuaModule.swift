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
