import CLua
import CNSRunLua

/// The `ns` table, built on any lua_State: the nsrun host's own (LuaHost,
/// with globals) and a foreign interpreter's, through the nsrun-lua module's
/// `luaopen_nsrun` (without globals: a library does not write its host's
/// globals). README, "nsrun as a Lua module".
public enum NSRunLibrary {
    /// Builds `ns` from `LuaHost.modules` and leaves it on top of the stack.
    /// Records it as package.loaded.nsrun (so `require "nsrun"` returns it,
    /// the recipe library's included) and installs the recipe library
    /// (package.preload loaders, lazy `ns.sandbox`). With `globals`, also sets
    /// the global `ns` and the mission's globals (`clone`, `raw_clone`,
    /// `pidfd_signal`, `getpid`, `gettid`, CLONE_*), as nsrun does.
    ///
    /// Only raw accesses: nothing can raise but memory exhaustion.
    public static func push(_ L: LuaState, globals setGlobals: Bool) {
        // At its final size: growing past 128 entries would rehash at start-up.
        let size = LuaHost.modules.reduce(8) { $0 + $1.functions.count + $1.constants.count + $1.tables.count }
        lua_createtable(L, 0, Int32(size))
        let ns = lua_gettop(L)
        LuaTable.pushGlobals(L)
        let globals = lua_gettop(L)
        for m in LuaHost.modules {
            for f in m.functions {
                nsrun_lua_pushbinding(L, f.fn, f.name)
                publish(L, f.name, ns: ns, globals: globals, global: setGlobals && m.globals.contains(f.name))
            }
            for c in m.constants {
                lua_pushinteger(L, lua_Integer(c.value))
                publish(L, c.name, ns: ns, globals: globals, global: setGlobals && m.globals.contains(c.name))
            }
            for t in m.tables {
                lua_createtable(L, 0, Int32(t.entries.count))
                for c in t.entries {
                    lua_pushinteger(L, lua_Integer(c.value))
                    LuaTable.setField(L, -2, c.name)
                }
                LuaTable.setField(L, ns, t.name)
            }
            if let setup = m.setup {
                lua_pushvalue(L, ns)
                setup(L)
                lua_settop(L, globals)
            }
        }
        pushString(L, NSRunVersion.string)
        LuaTable.setField(L, ns, "version")
        // Only a memory error can fail here; the state is unusable then anyway.
        if nsrun_lua_install_libraries(L, ns) != LUA_OK { lua_settop(L, ns) }
        if setGlobals {
            lua_pushvalue(L, ns)
            LuaTable.setField(L, globals, "ns")
        }
        // package.loaded lives in the registry as "_LOADED" (LUA_LOADED_TABLE).
        LuaTable.getField(L, nsrun_lua_registryindex(), "_LOADED")
        lua_pushvalue(L, ns)
        LuaTable.setField(L, -2, "nsrun")
        lua_settop(L, ns)
    }

    /// The body of the module's `luaopen_nsrun`: `ns` on the stack, no
    /// global set. Returns the number of results (1).
    public static func open(_ L: LuaState) -> Int32 {
        push(L, globals: false)
        return 1
    }

    private static func publish(_ L: LuaState, _ name: String, ns: Int32, globals: Int32, global: Bool) {
        if global {
            lua_pushvalue(L, -1)
            LuaTable.setField(L, globals, name)
        }
        LuaTable.setField(L, ns, name)
    }
}
