/* The lazy `ns` table and the recipe library: Lua modules compiled into the
 * binary (#embed), so nothing is installed beside nsrun and nothing is read
 * from disk. Each is loaded only when a recipe first asks for it (`require
 * "nsrun.sandbox"`, or the first use of `ns.sandbox`), and every other name
 * of `ns` is made on its first read: start-up pays for none of them. */
#include "nsrun_lua.h"

#include <string.h>

#pragma clang diagnostic ignored "-Wc23-extensions"

static const char sandbox_lua[] = {
#embed "lua/sandbox.lua"
    , 0
};

/* The same chunk precompiled by scripts/build-library: loading it skips the
 * parser, 1.75 ms of every process that uses sandbox{}. */
static const char sandbox_luac[] = {
#embed "lua/sandbox.luac"
};

static const struct {
    const char *name;      /* the module name for require */
    const char *field;     /* the ns field that loads it lazily */
    size_t field_len;
    const char *source;
    size_t len;
    const char *bytecode;  /* string.dump of source, or NULL */
    size_t bytecode_len;
} libraries[] = {
    { "nsrun.sandbox", "sandbox", sizeof "sandbox" - 1, sandbox_lua, sizeof sandbox_lua - 1,
      sandbox_luac, sizeof sandbox_luac },
};

#define NLIBRARIES (sizeof libraries / sizeof libraries[0])

const char *nsrun_lua_library_source(const char *name, size_t *len)
{
    for (size_t i = 0; i < NLIBRARIES; i++) {
        if (strcmp(libraries[i].name, name) == 0) {
            *len = libraries[i].len;
            return libraries[i].source;
        }
    }
    return NULL;
}

const char *nsrun_lua_library_bytecode(const char *name, size_t *len)
{
    for (size_t i = 0; i < NLIBRARIES; i++) {
        if (strcmp(libraries[i].name, name) == 0 && libraries[i].bytecode != NULL) {
            *len = libraries[i].bytecode_len;
            return libraries[i].bytecode;
        }
    }
    return NULL;
}

static int load_and_run(lua_State *L, const char *name, const char *source, size_t len);

/* package.preload loader: loader(modname) → the module's value. */
static int load_library(lua_State *L)
{
    const char *name = luaL_checkstring(L, 1);
    size_t len;
    const char *source = nsrun_lua_library_source(name, &len);
    int held, status;

    if (source == NULL)
        return luaL_error(L, "no embedded library '%s'", name);
    /* Everything the library's load and first run make is kept: the
     * collector's steps meanwhile (62k instructions for nsrun.sandbox,
     * callgrind) would mark and sweep for nothing. */
    held = nsrun_lua_gc_hold(L);
    status = load_and_run(L, name, source, len);
    nsrun_lua_gc_release(L, held);
    return status < 0 ? lua_error(L) : status;
}

/* load_library's work: 1 (the module on the stack) or -1 (an error object). */
static int load_and_run(lua_State *L, const char *name, const char *source, size_t len)
{
    const char *bytecode;
    size_t bclen;
    char chunkname[64];

    /* The bytecode first ("b": only a binary chunk); a Lua that cannot read
     * it (another version or number format, a bad header) reports an error
     * before anything runs, and the source is parsed instead. */
    bytecode = nsrun_lua_library_bytecode(name, &bclen);
    if (bytecode != NULL) {
        if (luaL_loadbufferx(L, bytecode, bclen, name, "b") == LUA_OK) {
            lua_pushstring(L, name);
            return lua_pcall(L, 1, 1, 0) == LUA_OK ? 1 : -1;
        }
        lua_pop(L, 1);
    }
    /* "=nsrun.sandbox": errors and tracebacks name the module. */
    chunkname[0] = '=';
    strncpy(chunkname + 1, name, sizeof chunkname - 2);
    chunkname[sizeof chunkname - 1] = '\0';
    if (luaL_loadbufferx(L, source, len, chunkname, "t") != LUA_OK)
        return -1;
    lua_pushstring(L, name);
    return lua_pcall(L, 1, 1, 0) == LUA_OK ? 1 : -1;
}

/* The host's resolver and filler: one per process, the same for every state
 * (the nsrun host's and, for the Lua module, any interpreter's). */
static nsrun_ns_resolver ns_resolve;
static nsrun_ns_filler ns_fill;

/* ns.__index: the first read of a name makes it (ns.sandbox requires
 * nsrun.sandbox) and keeps it in ns, so later reads are plain table hits. */
static int ns_index(lua_State *L)
{
    const char *key;
    size_t len;

    if (lua_type(L, 2) != LUA_TSTRING)
        return 0;
    key = lua_tolstring(L, 2, &len);
    for (size_t i = 0; i < NLIBRARIES; i++) {
        /* Lengths first: most names are not "sandbox", and a fork child
         * resolving `ns.mount` then reads no .rodata page and calls no
         * IFUNC'd strcmp (two page faults it would take, each child). */
        if (libraries[i].field_len == len && memcmp(libraries[i].field, key, len) == 0) {
            lua_getglobal(L, "require");
            lua_pushstring(L, libraries[i].name);
            lua_call(L, 1, 1);
            lua_pushvalue(L, 2);
            lua_pushvalue(L, -2);
            lua_rawset(L, 1);
            return 1;
        }
    }
    if (ns_resolve == NULL || !ns_resolve(L, key, len))
        return 0;
    lua_pushvalue(L, 2);
    lua_pushvalue(L, -2);
    lua_rawset(L, 1);
    return 1;
}

/* ns.__pairs: every name made first, then a raw traversal. */
static int ns_pairs(lua_State *L)
{
    if (ns_fill != NULL)
        ns_fill(L, 1);
    return nsrun_lua_raw_pairs(L, 1);
}

static int install(lua_State *L)
{
    /* package.preload[name] = load_library, for every embedded module. */
    lua_getfield(L, LUA_REGISTRYINDEX, LUA_PRELOAD_TABLE);
    for (size_t i = 0; i < NLIBRARIES; i++) {
        lua_pushcfunction(L, load_library);
        lua_setfield(L, -2, libraries[i].name);
    }
    lua_pop(L, 1);
    /* setmetatable(ns, {__index = ns_index, __pairs = ns_pairs}) */
    lua_createtable(L, 0, 2);
    lua_pushcfunction(L, ns_index);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, ns_pairs);
    lua_setfield(L, -2, "__pairs");
    lua_setmetatable(L, 1);
    return 0;
}

int nsrun_lua_install_libraries(lua_State *L, int ns, nsrun_ns_resolver resolve, nsrun_ns_filler fill)
{
    ns_resolve = resolve;
    ns_fill = fill;
    ns = lua_absindex(L, ns);
    lua_pushcfunction(L, install);
    lua_pushvalue(L, ns);
    return lua_pcall(L, 1, 0, 0);
}
