/* The trampoline between Lua and Swift bindings, and the traceback handler.
 * See nsrun_lua.h for why raising happens here and nowhere in Swift. */
#include "nsrun_lua.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

static int argerror(lua_State *L, int arg, const char *msg);

/* Function pointers are stored as light userdata: on every Linux ABI nsrun
 * builds for, code and data pointers have the same size and representation. */
static int trampoline(lua_State *L)
{
    nsrun_binding fn = (nsrun_binding)(uintptr_t)lua_touserdata(L, lua_upvalueindex(1));
    int n;

    if (nsrun_observe_mode != NSRUN_MODE_RUN) {
        /* --trace / --dry-run (observe.c): off, this is one branch. */
        const char *name = lua_tostring(L, lua_upvalueindex(2));
        if (!nsrun_lua_observe_skips(name)) {
            if (nsrun_observe_mode == NSRUN_MODE_DRY_RUN && !nsrun_lua_is_reader(name))
                return nsrun_lua_dry_call(L, name, lua_gettop(L));
            if (nsrun_observe_mode == NSRUN_MODE_TRACE) {
                n = nsrun_lua_traced(L, fn, name);
                goto done;
            }
        }
    }
    n = fn(L);
done:
    if (n >= 0)
        return n;
    if (n == NSRUN_RAISE)
        return lua_error(L);
    return argerror(L, -1 - n, lua_tostring(L, -1));
}

/* As luaL_argerror, but naming the binding by its registered name; a method
 * call (pidfd:wait()) does not count self, as in Lua's own libraries.
 * luaL_error copies the message before raising. */
static int argerror(lua_State *L, int arg, const char *msg)
{
    const char *name = lua_tostring(L, lua_upvalueindex(2));
    lua_Debug ar;

    if (lua_getstack(L, 0, &ar) && lua_getinfo(L, "n", &ar) &&
        ar.namewhat != NULL && strcmp(ar.namewhat, "method") == 0) {
        arg--;
        if (arg == 0)
            return luaL_error(L, "calling '%s' on bad self (%s)", name, msg);
    }
    return luaL_error(L, "bad argument #%d to '%s' (%s)", arg, name, msg);
}

void nsrun_lua_pushbinding(lua_State *L, nsrun_binding fn, const char *name)
{
    lua_pushlightuserdata(L, (void *)(uintptr_t)fn);
    lua_pushstring(L, name);
    lua_pushcclosure(L, trampoline, 2);
}

/* As lua.c's msghandler: stringify non-string errors, append a traceback. */
static int msghandler(lua_State *L)
{
    const char *msg = lua_tostring(L, 1);

    if (nsrun_lua_is_dry_run_end(L, 1))
        return 1; /* not an error: a dry run reached an exec; passed through as is */
    if (msg == NULL) {
        if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
            return 1;
        msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
    }
    luaL_traceback(L, L, msg, 1);
    return 1;
}

int nsrun_lua_pcall_traceback(lua_State *L, int nargs, int nresults)
{
    int base = lua_gettop(L) - nargs;
    int status;

    lua_pushcfunction(L, msghandler);
    lua_insert(L, base);
    status = lua_pcall(L, nargs, nresults, base);
    lua_remove(L, base);
    return status;
}

int nsrun_lua_loadfile(lua_State *L, const char *path)
{
    if (path != NULL && path[0] == '-' && path[1] == '\0')
        path = NULL; /* luaL_loadfilex reads stdin for NULL, as lua(1) */
    return luaL_loadfilex(L, path, NULL);
}

int nsrun_lua_raw_next(lua_State *L)
{
    lua_settop(L, 2);
    if (lua_next(L, 1))
        return 2;
    lua_pushnil(L);
    return 1;
}

int nsrun_lua_raw_pairs(lua_State *L, int t)
{
    t = lua_absindex(L, t);
    lua_pushcfunction(L, nsrun_lua_raw_next);
    lua_pushvalue(L, t);
    lua_pushnil(L);
    return 3;
}
