/* The exec of ns.exec, ns.execve and ns.execveat, from Lua strings.
 *
 * Why C, and why from Lua strings: in a vfork child (clone with
 * CLONE_VM|CLONE_VFORK and a function) whatever is allocated and still
 * owned when the exec succeeds is never freed: the child's address space
 * is the parent's, and the frames that would have freed it are gone. The
 * Swift bindings therefore validate and lay out the arguments as a Lua
 * table of strings (collected later by the parent like any garbage), and
 * this function builds the pointer arrays on the C stack from them: nothing
 * is allocated across the exec (6.6 KB per exec before, with a 35-variable
 * environment). */
#define _GNU_SOURCE 1
#include "nsrun_lua.h"

#include <errno.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Fills `out` (n + 1 slots) with the strings t[1..n] of the table at `t`,
 * NULL-terminated. The strings stay referenced by the table. */
static void fill(lua_State *L, int t, size_t n, const char **out)
{
    for (size_t i = 0; i < n; i++) {
        lua_rawgeti(L, t, (lua_Integer)(i + 1));
        out[i] = lua_tostring(L, -1);
        lua_pop(L, 1);
    }
    out[n] = NULL;
}

int nsrun_lua_exec_prepared(lua_State *L, int t, int dirfd, int at_flags, int search, int *failed)
{
    int top = lua_gettop(L), paths, av, ev, err = ENOENT, saw_eacces = 0;
    size_t np, na, ne;

    t = lua_absindex(L, t);
    lua_rawgeti(L, t, 1);
    paths = lua_gettop(L);
    lua_rawgeti(L, t, 2);
    av = lua_gettop(L);
    lua_rawgeti(L, t, 3);
    ev = lua_gettop(L);
    np = lua_rawlen(L, paths);
    na = lua_rawlen(L, av);
    /* No env list: the current environment, as it is. */
    ne = lua_istable(L, ev) ? lua_rawlen(L, ev) : 0;
    {
        /* On this stack: at most ARG_MAX's worth of pointers (the kernel
         * refuses more with E2BIG), well inside the 8 MiB of a vfork
         * child's stack or the main thread's. */
        const char *argv[na + 1], *envp[ne + 1];
        char *const *env = (char *const *)envp;

        fill(L, av, na, argv);
        if (lua_istable(L, ev))
            fill(L, ev, ne, envp);
        else
            env = environ;
        *failed = 0;
        fflush(NULL);
        for (size_t p = 1; p <= np; p++) {
            lua_rawgeti(L, paths, (lua_Integer)p);
            syscall(SYS_execveat, dirfd, lua_tostring(L, -1), argv, env, at_flags);
            err = errno;
            lua_pop(L, 1);
            if (search && (err == ENOENT || err == ENOTDIR))
                continue;
            if (search && err == EACCES) {
                saw_eacces = 1;
                continue;
            }
            *failed = (int)p;
            lua_settop(L, top);
            return err;
        }
    }
    lua_settop(L, top);
    return saw_eacces ? EACCES : ENOENT;
}
