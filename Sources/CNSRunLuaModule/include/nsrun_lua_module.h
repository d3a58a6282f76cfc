/* The entry points of the nsrun Lua module (the nsrun-lua product, built as
 * nsrun.so by scripts/build-module): what a stock lua5.4 calls for
 * `require "nsrun"` and `require "nsrun.sandbox"`. README, "nsrun as a Lua module". */
#ifndef NSRUN_LUA_MODULE_H
#define NSRUN_LUA_MODULE_H

#include <lua5.4/lua.h>

/* require "nsrun": returns the ns table; sets no global. */
int luaopen_nsrun(lua_State *L);
/* require "nsrun.sandbox" before (or without) require "nsrun": Lua's
 * all-in-one searcher finds it in nsrun.so. Returns the sandbox library. */
int luaopen_nsrun_sandbox(lua_State *L);

/* Swift (NSRunLuaModule, @_cdecl): NSRunLibrary.open, ns pushed, returns 1. */
int nsrun_library_open(lua_State *L);

#endif
