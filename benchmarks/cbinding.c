/*
 * cbinding.c — the plainest possible Lua C binding of gettid, the yardstick
 * for nsrun's Lua bridge (scripts/bench, "bridge").
 *
 * Contract:
 *   require("cbinding").gettid() → integer: syscall(SYS_gettid), nothing
 *   else (no argument checks, no error path: gettid cannot fail).
 *   A million calls of it from the stock lua5.4, minus the same process with
 *   an empty loop, is the per-call cost of a C function called from Lua;
 *   nsrun's `gettid` measured the same way, divided by it, is the bridge's
 *   overhead ratio.
 *
 * Build: cc -O2 -shared -fPIC -I/usr/include/lua5.4 \
 *           -o .build/bench/cbinding.so benchmarks/cbinding.c
 * (no -llua: the symbols come from the lua5.4 executable that loads it)
 */
#define _GNU_SOURCE
#include <lauxlib.h>
#include <lua.h>
#include <sys/syscall.h>
#include <unistd.h>

static int l_gettid(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)syscall(SYS_gettid));
    return 1;
}

static const luaL_Reg funcs[] = {
    {"gettid", l_gettid},
    {NULL, NULL},
};

int luaopen_cbinding(lua_State *L)
{
    luaL_newlib(L, funcs);
    return 1;
}
