import CLua
import CNSRunLua
#if canImport(Glibc)
import Glibc
#endif

/// The `ns` table, built on any lua_State: the nsrun host's own (LuaHost,
/// with globals) and a foreign interpreter's, through the nsrun-lua module's
/// `luaopen_nsrun` (without globals: a library does not write its host's
/// globals). README, "nsrun as a Lua module".
///
/// `ns` is lazy: at start-up it holds only `version` and, in the host, the
/// names that are also globals. Any other name is made on its first read
/// (a binding, a constant, a constant table such as ns.errno) by the
/// table's __index and stored in it, so later reads are plain table hits;
/// `pairs(ns)` makes every name first. A recipe pays for the ~20 names it
/// uses, not the ~160 it could (start-up was 58% registration; callgrind).
public enum NSRunLibrary {
    /// Builds `ns` and leaves it on top of the stack. Records it as
    /// package.loaded.nsrun (so `require "nsrun"` returns it, the recipe
    /// library's included) and installs the recipe library (package.preload
    /// loaders, lazy `ns.sandbox`). With `globals`, also sets the global `ns`
    /// and the mission's globals (`clone`, `raw_clone`, `pidfd_signal`,
    /// `getpid`, `gettid`, CLONE_*), as nsrun does.
    ///
    /// Only raw accesses: nothing can raise but memory exhaustion.
    public static func push(_ L: LuaState, globals setGlobals: Bool) {
        lua_createtable(L, 0, 64)
        let ns = lua_gettop(L)
        LuaTable.pushGlobals(L)
        let globals = lua_gettop(L)
        if setGlobals {
            // Globals are made at once, in _G and in ns (ns.clone == clone).
            // The constants are walked as they are, not looked up by name,
            // and each name is interned once for both tables: a third of
            // this function's instructions went (callgrind, 158k to 107k).
            func publish(_ m: LuaModule) {
                if m.constantsAreGlobals {
                    for c in m.constants {
                        pushString(L, c.name)
                        lua_pushinteger(L, lua_Integer(c.value))
                        setBoth(L, globals, ns)
                    }
                }
                for name in m.globals {
                    pushString(L, name)
                    guard pushEntry(L, m, name) else { nsrun_lua_pop(L, 1); continue }
                    setBoth(L, globals, ns)
                }
            }
            publish(ConstantsModule.module)
            publish(ProcessModule.module)
        }
        pushString(L, NSRunVersion.string)
        LuaTable.setField(L, ns, "version")
        // Only a memory error can fail here; the state is unusable then anyway.
        if nsrun_lua_install_libraries(L, ns, resolve, fill) != LUA_OK { lua_settop(L, ns) }
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

    /// [key, value] on top of the stack → globals[key] = ns[key] = value,
    /// both popped.
    static func setBoth(_ L: LuaState, _ globals: Int32, _ ns: Int32) {
        lua_pushvalue(L, -2)
        lua_pushvalue(L, -2)
        lua_rawset(L, globals)
        lua_rawset(L, ns)
    }

    /// The body of the module's `luaopen_nsrun`: `ns` on the stack, no
    /// global set. Returns the number of results (1).
    public static func open(_ L: LuaState) -> Int32 {
        push(L, globals: false)
        return 1
    }

    /// ns.__index's resolver: pushes the value of `name` (1) or nothing (0).
    ///
    /// Through each module's name index (nsindex.c), built on the module's
    /// first lookup: comparing the key's bytes in C, with no Swift object
    /// touched once the modules it passes have their index. Walking the
    /// modules' Swift arrays was about 8k instructions per name (callgrind),
    /// and a fork child, whose function reads names first, copied every page
    /// a retain wrote.
    static let resolve: nsrun_ns_resolver = { L, key, length in
        var i: Int32 = 0
        while true {
            var found = nsrun_ns_index_lookup(L, i, key, length)
            if found == Int32(NSRUN_NS_INDEX_UNBUILT) {
                guard let m = LuaHost.module(Int(i)) else { return 0 }
                nsrun_ns_index_register(i, m.makeIndex())
                found = nsrun_ns_index_lookup(L, i, key, length)
            }
            if found == Int32(NSRUN_NS_INDEX_PUSHED) { return 1 }
            if found >= Int32(NSRUN_NS_INDEX_FIELD), let m = LuaHost.module(Int(i)) {
                m.fields[Int(found) - Int(NSRUN_NS_INDEX_FIELD)].push(L)
                return 1
            }
            i += 1
        }
    }

    /// ns.__pairs's filler: every name `ns` does not hold yet.
    static let fill: nsrun_ns_filler = { L, ns in
        var i = 0
        while let m = LuaHost.module(i) {
            i += 1
            for name in m.functions.map(\.name) + m.constants.map(\.name) + m.fields.map(\.name) {
                if LuaTable.getField(L, ns, name) == LUA_TNIL, pushEntry(L, m, name) {
                    LuaTable.setField(L, ns, name)
                }
                nsrun_lua_pop(L, 1)
            }
        }
    }

    /// Pushes module `m`'s value for `name` and returns true, or pushes
    /// nothing and returns false.
    static func pushEntry(_ L: LuaState, _ m: LuaModule, _ name: String) -> Bool {
        for f in m.functions where f.name == name {
            nsrun_lua_pushbinding(L, f.fn, f.name)
            return true
        }
        for c in m.constants where c.name == name {
            lua_pushinteger(L, lua_Integer(c.value))
            return true
        }
        for f in m.fields where f.name == name {
            f.push(L)
            return true
        }
        return false
    }
}
