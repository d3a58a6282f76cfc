/* CNSRunLua: the only place a Lua error is raised for a Swift binding, and
 * function shims for Lua's function-like macros.
 *
 * Why: lua_error longjmps. A longjmp across a Swift frame skips defer,
 * deinit and releases and can crash the runtime (DESIGN.md 2.2). So a Swift
 * binding never raises: it pushes a message and returns a status; the C
 * trampoline below, with no Swift frame left between it and Lua, raises.
 */
#ifndef NSRUN_LUA_H
#define NSRUN_LUA_H

#include <stddef.h>
#include <stdint.h>
#include <lua5.4/lua.h>
#include <lua5.4/lauxlib.h>
#include <lua5.4/lualib.h>

#pragma clang assume_nonnull begin

/* A Swift binding. It returns:
 *   n >= 0                    n results are on the stack (as a lua_CFunction);
 *   NSRUN_RAISE               raise the string on top of the stack as an error;
 *   nsrun_argerr_status(k)    raise "bad argument #k to 'f' (msg)" with msg
 *                             on top of the stack (statuses <= -2). */
typedef int (*nsrun_binding)(lua_State *_Nonnull L);

#define NSRUN_RAISE (-1)
static inline int nsrun_argerr_status(int arg) { return -1 - arg; }

/* Pushes `fn` as a Lua function behind the trampoline: upvalue 1 holds `fn`,
 * upvalue 2 its registered `name`, which argument errors always use (Lua's
 * luaL_argerror would say 'nsrun.clone' under pcall and 'clone' outside). */
void nsrun_lua_pushbinding(lua_State *L, nsrun_binding fn, const char *name);

/* --trace and --dry-run (observe.c). */
enum { NSRUN_MODE_RUN = 0, NSRUN_MODE_TRACE = 1, NSRUN_MODE_DRY_RUN = 2 };
extern int nsrun_observe_mode;
/* Formats integer argument `arg` of binding `fn` symbolically ("nosuid|nodev",
 * "CLONE_NEWPID|CLONE_NEWNS") into `out`; returns 0 to print it as a number. */
typedef int (*nsrun_flag_formatter)(const char *_Nonnull fn, int arg, int64_t value,
                                    char *_Nonnull out, size_t len);
void nsrun_lua_set_mode(int mode, nsrun_flag_formatter _Nullable formatter);
int nsrun_lua_mode(void);
/* Whether the error object at `index` is the dry-run marker that ends a
 * process at its exec or _exit. */
int nsrun_lua_is_dry_run_end(lua_State *L, int index);
int nsrun_lua_is_reader(const char *name);
int nsrun_lua_observe_skips(const char *name);
int nsrun_lua_traced(lua_State *L, nsrun_binding fn, const char *name);
int nsrun_lua_dry_call(lua_State *L, const char *name, int nargs);
void nsrun_lua_push_fake_pidfd(lua_State *L, int pid);

/* What nsrun_lua_check_string found at a stack index (strings.c). */
enum {
    NSRUN_STRING_OK = 0,
    NSRUN_STRING_NOT_STRING = 1,  /* not a string (numbers are not coerced) */
    NSRUN_STRING_HAS_NUL = 2,     /* the kernel would see a shorter string */
    NSRUN_STRING_NOT_UTF8 = 3,    /* not well-formed UTF-8 */
};
/* Checks the value at index `i` as the bindings' strings are checked
 * (LuaArgs.stringValue), without copying it. */
int nsrun_lua_check_string(lua_State *L, int i);

/* Execs from the table at `t`: {paths, argv, env}, lists of strings
 * (exec.c says why from Lua strings); without env, the current environment
 * (environ). Each path is tried with execveat(dirfd, path, argv, env,
 * at_flags); with `search`, ENOENT, ENOTDIR and EACCES move on to the next
 * path, as execvp(3). Returns only on
 * failure: the errno, and in *failed the 1-based index of the path that
 * failed (0 when a search ran out: ENOENT, or EACCES if one was seen).
 * stdio is flushed first. The stack is left as it was. */
int nsrun_lua_exec_prepared(lua_State *L, int t, int dirfd, int at_flags, int search, int *failed);

/* How `ns` makes a name on its first read: push the value of `name` (`len`
 * bytes) and return 1, or return 0 (nothing pushed) when there is no such
 * name. */
typedef int (*nsrun_ns_resolver)(lua_State *L, const char *name, size_t len);
/* Sets every name `ns` can make that the table at `ns` does not hold yet. */
typedef void (*nsrun_ns_filler)(lua_State *L, int ns);

/* The resolver's name index (nsindex.c). A module's block is a series of
 * entries, each HEAD (16) bytes then the name's bytes, padded to 8: byte 0
 * the name's length (1..255), byte 1 its kind, bytes 2-3 a field's slot
 * (native order), bytes 8-15 the payload (a function's nsrun_binding, a
 * constant's value); an entry of length 0 ends the block. */
enum { NSRUN_NS_ENTRY_FUNCTION = 1, NSRUN_NS_ENTRY_CONSTANT = 2, NSRUN_NS_ENTRY_FIELD = 3 };
#define NSRUN_NS_INDEX_ENTRY_SIZE(len) ((16u + (unsigned)(len) + 7u) & ~7u)
/* What nsrun_ns_index_lookup found: no block for the module yet, no such
 * name in it, the value pushed, or (FIELD + slot) a field, which the caller
 * pushes. */
enum { NSRUN_NS_INDEX_UNBUILT = -1, NSRUN_NS_INDEX_ABSENT = 0, NSRUN_NS_INDEX_PUSHED = 1,
       NSRUN_NS_INDEX_FIELD = 2 };
/* Records module `module`'s block (0..31; it must live as long as the
 * process). Safe from any thread. */
void nsrun_ns_index_register(int module, const unsigned char *_Nonnull block);
/* Looks `key` (`len` bytes) up in module `module`'s block; pushes a
 * function or constant it finds (nothing otherwise). */
int nsrun_ns_index_lookup(lua_State *_Nonnull L, int module, const char *_Nonnull key, size_t len);

/* Makes the table at index `ns` the lazy `ns` (library.c): a metatable whose
 * __index makes a missing name with `resolve` (or, for `sandbox`, requires
 * the embedded recipe library) and stores it with rawset, so every later
 * read is a plain table hit; whose __pairs first makes every name with
 * `fill`, so pairs(ns) sees them all. Also registers the package.preload
 * loaders of the embedded modules. Runs under lua_pcall; returns its status. */
int nsrun_lua_install_libraries(lua_State *L, int ns, nsrun_ns_resolver resolve, nsrun_ns_filler fill);
/* The embedded source of module `name`, or NULL. */
const char *_Nullable nsrun_lua_library_source(const char *name, size_t *len);
/* Its precompiled form (string.dump, scripts/build-library), or NULL. */
const char *_Nullable nsrun_lua_library_bytecode(const char *name, size_t *len);

/* Runs the function at stack index -(nargs+1) with nargs arguments under
 * lua_pcall with a message handler that appends a traceback. Returns the
 * lua_pcall status; on error the message (with traceback) is on top. */
int nsrun_lua_pcall_traceback(lua_State *L, int nargs, int nresults);

/* next(t, k) by lua_next, whatever the global `next` is: the iterator a
 * __pairs returns after it filled the table (ns, a standard library). */
int nsrun_lua_raw_next(lua_State *L);
/* Pushes what pairs(t) returns for a raw traversal of the table at `t`
 * (nsrun_lua_raw_next, t, nil) and returns 3, for a __pairs to return. */
int nsrun_lua_raw_pairs(lua_State *L, int t);

/* Loads `path` ("-" or NULL: stdin) as a chunk named like lua(1) does. */
int nsrun_lua_loadfile(lua_State *L, const char *_Nullable path);

/* Opens the standard libraries under a protected call (opening can raise
 * on memory exhaustion): base, package and string at once; coroutine,
 * table, io, os, math, utf8 and debug as tables that open their library on
 * the first read through them, io with its close-on-exec wrappers
 * (stdlibs.c). Returns a lua_pcall status. */
int nsrun_lua_openlibs(lua_State *L);

/* Wraps the functions of the io table at `io` that create file handles
 * (open, popen, tmpfile, lines, input, output) so every handle they create
 * is close-on-exec (iocloexec.c). Can raise only on memory exhaustion. */
void nsrun_lua_io_cloexec(lua_State *L, int io);

/* Macro shims. */
static inline void nsrun_lua_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void nsrun_lua_gc_stop(lua_State *L) { lua_gc(L, LUA_GCSTOP); }
/* LUA_GCRESTART resets the collector's debt to zero: its next step comes
 * with the next allocation, and a cycle then marks everything start-up
 * made, all of it live (75k instructions before a sandbox.run's first
 * clone, callgrind; in a fork child, every page it marks is a copy). This
 * restart grants an allowance first: the next step comes after `kib` KiB
 * more are allocated (LUA_GCSTEP adds its argument, in KiB, to the debt),
 * and from then on the collector runs as it always does. */
static inline void nsrun_lua_gc_restart_after(lua_State *L, int kib)
{
    lua_gc(L, LUA_GCRESTART);
    lua_gc(L, LUA_GCSTEP, -kib);
}
/* The allowance at start-up. */
enum { NSRUN_GC_ALLOWANCE_KIB = 512 };
/* Holding the collector off for a stretch that must not collect: a child
 * sharing our memory runs Lua (a finalizer run there would act in the child
 * and be lost to us), or a library's load makes nothing but live objects.
 * nsrun_lua_gc_hold moves the collector's debt 1 TiB into credit
 * (LUA_GCSTEP adds its argument, in KiB, to the debt; a step comes only
 * when the debt is positive), nsrun_lua_gc_release gives the same amount
 * back: the collector then stands where it stood, plus what the stretch
 * allocated, as if it had run without steps. LUA_GCSTOP and LUA_GCRESTART
 * could not do that: the restart zeroes the debt, so the next allocation
 * started a cycle over everything live (a sandbox.run's supervisor marked
 * its whole heap after each clone). A collector the caller had stopped is
 * left alone: hold returns 0 and release does nothing. */
enum { NSRUN_GC_HOLD_KIB = 1 << 30 };
static inline int nsrun_lua_gc_hold(lua_State *L)
{
    if (!lua_gc(L, LUA_GCISRUNNING))
        return 0;
    lua_gc(L, LUA_GCSTEP, -NSRUN_GC_HOLD_KIB);
    return 1;
}
static inline void nsrun_lua_gc_release(lua_State *L, int held)
{
    if (held)
        lua_gc(L, LUA_GCSTEP, NSRUN_GC_HOLD_KIB);
}
static inline void nsrun_lua_newtable(lua_State *L) { lua_newtable(L); }
static inline int nsrun_lua_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int nsrun_lua_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline void nsrun_lua_remove(lua_State *L, int i) { lua_remove(L, i); }
static inline const char *nsrun_lua_release(void) { return LUA_RELEASE; }
static inline const char *nsrun_lua_filehandle(void) { return LUA_FILEHANDLE; }
static inline int nsrun_lua_isinteger(lua_State *L, int i) { return lua_isinteger(L, i); }

#pragma clang assume_nonnull end

#endif
