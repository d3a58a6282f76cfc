/* luaopen_nsrun and luaopen_nsrun_sandbox: the C entries of nsrun.so.
 *
 * In C so that everything that can raise (the version check, the sandbox
 * library's loader) raises with no Swift frame on the path (DESIGN.md 2.2).
 * The Swift side (nsrun_library_open) builds ns with raw accesses only, as
 * the nsrun host does: nothing in it can raise but memory exhaustion. */
#include "nsrun_lua_module.h"
#include "nsrun_lua.h"

#include <lua5.4/lauxlib.h>

int luaopen_nsrun(lua_State *L)
{
    int held;

    /* Raises if the interpreter is not Lua 5.4 with the same number types. */
    luaL_checkversion(L);
    /* Nothing built here is garbage: do not collect while building (as the
     * nsrun host does), and leave the collector where the host had it. */
    held = nsrun_lua_gc_hold(L);
    nsrun_library_open(L);
    nsrun_lua_gc_release(L, held);
    return 1;
}

int luaopen_nsrun_sandbox(lua_State *L)
{
    /* ns first: building it installs package.preload["nsrun.sandbox"], the
     * embedded library's loader (library.c), and package.loaded.nsrun,
     * which the library requires. */
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    if (lua_getfield(L, -1, "nsrun") != LUA_TTABLE)
        luaopen_nsrun(L);
    lua_settop(L, 0);
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    if (lua_getfield(L, -1, "nsrun.sandbox") != LUA_TFUNCTION)
        return luaL_error(L, "nsrun.sandbox: no loader in package.preload");
    lua_pushliteral(L, "nsrun.sandbox");
    lua_call(L, 1, 1);
    return 1;
}
