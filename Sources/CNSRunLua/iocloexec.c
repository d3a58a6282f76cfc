/* Lua's io library opens files with fopen/popen, which do not set O_CLOEXEC,
 * so a file a recipe opened would reach every program it later execs
 * (DESIGN.md 2.6; runc CVE-2024-21626 was such a leak). The host wraps the io
 * functions that create handles and marks each new fd close-on-exec, as the
 * io library opens (stdlibs.c).
 *
 * In C rather than as a Lua chunk: compiling a chunk at every start-up cost
 * more than the rest of the io library's set-up. */
#include "nsrun_lua.h"

#include <fcntl.h>
#include <stdio.h>

/* Marks the io handle at `index` (if it is one) close-on-exec. */
static void mark(lua_State *L, int index)
{
    luaL_Stream *stream = luaL_testudata(L, index, LUA_FILEHANDLE);

    if (stream != NULL && stream->f != NULL) {
        int fd = fileno(stream->f);
        if (fd >= 0)
            fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC);
    }
}

/* io.open, io.popen, io.tmpfile: call the original (upvalue 1); the new
 * handle is the first result. */
static int wrap_first(lua_State *L)
{
    int base = lua_gettop(L);

    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, base, LUA_MULTRET);
    mark(L, 1);
    return lua_gettop(L);
}

/* io.lines(name): the file is the fourth result (Lua 5.4). */
static int wrap_lines(lua_State *L)
{
    int base = lua_gettop(L);

    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, base, LUA_MULTRET);
    if (lua_gettop(L) >= 4)
        mark(L, 4);
    return lua_gettop(L);
}

/* io.input(name) / io.output(name) open the file themselves; given a
 * handle or nothing, they open nothing. */
static int wrap_default_file(lua_State *L)
{
    int opens = lua_type(L, 1) == LUA_TSTRING;
    int base = lua_gettop(L);

    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, base, LUA_MULTRET);
    if (opens)
        mark(L, 1);
    return lua_gettop(L);
}

static void wrap(lua_State *L, int io, const char *name, lua_CFunction wrapper)
{
    lua_getfield(L, io, name);
    lua_pushcclosure(L, wrapper, 1);
    lua_setfield(L, io, name);
}

void nsrun_lua_io_cloexec(lua_State *L, int io)
{
    io = lua_absindex(L, io);
    wrap(L, io, "open", wrap_first);
    wrap(L, io, "popen", wrap_first);
    wrap(L, io, "tmpfile", wrap_first);
    wrap(L, io, "lines", wrap_lines);
    wrap(L, io, "input", wrap_default_file);
    wrap(L, io, "output", wrap_default_file);
}
