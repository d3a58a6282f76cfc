import CLua
import CNSRunLua

/// One concern's bindings and constants, registered into the `ns` table.
/// Each file under Modules/ defines one, named after what it holds.
/// @unchecked: the host is single-threaded (DESIGN.md 2.1); module tables are
/// immutable after start-up and hold only C function pointers.
struct LuaModule: @unchecked Sendable {
    /// Functions by name (sorted, as luaL_Reg tables are).
    var functions: [(String, nsrun_binding)] = []
    /// Integer constants by name, set as ns.NAME.
    var constants: [(String, Int64)] = []
    /// Sub-tables of integer constants (ns.errno, ns.signals, ns.namespaces).
    var tables: [(String, [(String, Int64)])] = []
    /// Names also published as globals (the mission's functions, CLONE_*).
    /// An array, not a Set: hashing setup at start-up costs more than a few
    /// linear scans.
    var globals: [String] = []
    /// Extra setup with the `ns` table at the top of the stack (metatables).
    var setup: ((LuaState) -> Void)? = nil
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

    /// Pushes the globals table.
    static func pushGlobals(_ L: LuaState) {
        lua_rawgeti(L, nsrun_lua_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
    }
}
