/* The standard libraries of the nsrun host: base, package and string at
 * once, the others on their first use.
 *
 * Why. luaL_openlibs was 205k of the 695k instructions a set-A recipe runs
 * in the parent (callgrind): every library's functions made into closures
 * and their names interned, the tables grown. A recipe that creates a
 * sandbox reads math, debug, coroutine or utf8 seldom, os and io not always.
 *
 * How. Each of coroutine, table, io, os, math, utf8 and debug starts as an
 * empty table, set as the global and as package.loaded[name] (so `require`
 * returns it), whose metatable opens the library on the first read through
 * it (an index, or pairs): luaopen_<name> runs, its entries are copied into
 * the table (a key the recipe set first is kept), the metatable is removed,
 * and from then on it is the library's table like any other. No library
 * function of these seven keeps its table as an upvalue (string does: its
 * table is every string's __index, which is why it is opened at once), so
 * the copy is the library. io's handle-creating functions get their
 * close-on-exec wrappers as it opens (iocloexec.c). Before its first read,
 * only a raw access (rawget, next) can tell: it sees the table empty. */
#include "nsrun_lua.h"

#include <lualib.h>

static const luaL_Reg eager[] = {
    { LUA_GNAME, luaopen_base },
    { LUA_LOADLIBNAME, luaopen_package },
    { LUA_STRLIBNAME, luaopen_string },
    { NULL, NULL },
};

static const luaL_Reg lazy[] = {
    { LUA_COLIBNAME, luaopen_coroutine },
    { LUA_TABLIBNAME, luaopen_table },
    { LUA_IOLIBNAME, luaopen_io },
    { LUA_OSLIBNAME, luaopen_os },
    { LUA_MATHLIBNAME, luaopen_math },
    { LUA_UTF8LIBNAME, luaopen_utf8 },
    { LUA_DBLIBNAME, luaopen_debug },
    { NULL, NULL },
};

/* Opens the library whose stand-in table is at `t` (its opener is upvalue
 * 1 of the running metamethod): the library's entries copied into it, the
 * metatable removed. */
static void open_into(lua_State *L, int t)
{
    t = lua_absindex(L, t);
    lua_pushnil(L);
    lua_setmetatable(L, t); /* first: a read from here on is a plain one */
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_call(L, 0, 1);
    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        lua_pushvalue(L, -2);
        if (lua_rawget(L, t) == LUA_TNIL) {
            lua_pop(L, 1);
            lua_pushvalue(L, -2);
            lua_insert(L, -2);
            lua_rawset(L, t);
        } else {
            lua_pop(L, 2);
        }
    }
    lua_pop(L, 1);
    if (lua_tocfunction(L, lua_upvalueindex(1)) == luaopen_io)
        nsrun_lua_io_cloexec(L, t);
}

/* __index(t, k): the library, then t[k]. */
static int open_on_index(lua_State *L)
{
    open_into(L, 1);
    lua_settop(L, 2);
    lua_rawget(L, 1);
    return 1;
}

/* __pairs(t): the library, then a raw traversal. */
static int open_on_pairs(lua_State *L)
{
    open_into(L, 1);
    return nsrun_lua_raw_pairs(L, 1);
}

static int openlibs(lua_State *L)
{
    /* The globals table lua_newstate made is empty; one sized for what
     * start-up puts in it (the libraries, ns, the CLONE_* constants and the
     * mission's functions: about 80 names) takes its place before anything
     * holds it, instead of being rehashed as it grows. Likewise
     * package.loaded. */
    lua_createtable(L, 0, 128);
    lua_rawseti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
    lua_createtable(L, 0, 16);
    lua_setfield(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    for (const luaL_Reg *lib = eager; lib->func != NULL; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
    for (const luaL_Reg *lib = lazy; lib->func != NULL; lib++) {
        lua_createtable(L, 0, 0);
        lua_createtable(L, 0, 2);
        lua_pushcfunction(L, lib->func);
        lua_pushcclosure(L, open_on_index, 1);
        lua_setfield(L, -2, "__index");
        lua_pushcfunction(L, lib->func);
        lua_pushcclosure(L, open_on_pairs, 1);
        lua_setfield(L, -2, "__pairs");
        lua_setmetatable(L, -2);
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, lib->name); /* package.loaded[name] */
        lua_setglobal(L, lib->name);
    }
    lua_pop(L, 1);
    return 0;
}

int nsrun_lua_openlibs(lua_State *L)
{
    lua_pushcfunction(L, openlibs);
    return lua_pcall(L, 0, 0, 0);
}
