/* --trace and --dry-run: seeing what a recipe does (nsrun --help).
 *
 * Every `ns` binding already passes through the trampoline, so this is the
 * one place that can see every primitive call: with the mode off, the cost
 * is a single branch on a global.
 *
 * trace:   each call, in the process that made it, with its arguments and
 *          results, one line on stderr:
 *            [pid 1 child] mount("proc", "/proc", "proc", nosuid|nodev|noexec) = true
 * dry-run: calls that only read (getpid, gethostname, capabilities, ...) run;
 *          every other call is recorded, printed in order and not performed.
 *          A recorded call returns a stand-in result (true; a fake pid and
 *          pidfd for clone) without validating its arguments. clone's function
 *          runs inline, so the child's steps appear in the plan; exec and
 *          _exit end that inline child (or the script). */
#include "nsrun_lua.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int nsrun_observe_mode = NSRUN_MODE_RUN;
static pid_t host_pid;
static int dry_depth;      /* > 0 while a dry-run clone's function runs inline */
static int dry_pid = 100;  /* stand-in pids handed out by a dry-run clone */
static nsrun_flag_formatter flag_formatter;

/* The error object that unwinds a dry-run child at its exec or _exit. */
static const char exec_sentinel[] = "nsrun: dry-run: the process is replaced here";

void nsrun_lua_set_mode(int mode, nsrun_flag_formatter formatter)
{
    nsrun_observe_mode = mode;
    flag_formatter = formatter;
    host_pid = (pid_t)syscall(SYS_getpid);
}

int nsrun_lua_mode(void)
{
    return nsrun_observe_mode;
}

int nsrun_lua_is_dry_run_end(lua_State *L, int index)
{
    return lua_type(L, index) == LUA_TLIGHTUSERDATA && lua_touserdata(L, index) == (void *)exec_sentinel;
}

/* Calls that only read state, performed even under dry-run. */
static const char *const readers[] = {
    "capabilities", "clock", "events", "fd", "get", "get_pdeathsig", "getegid", "geteuid", "getgid",
    "gethostname", "getpid", "getppid", "getsid", "getrlimit", "getrusage", "gettid", "getuid",
    "landlock_abi", "mode", "ns_ids", "pid", "procs", "seccomp_explain", NULL,
};

int nsrun_lua_is_reader(const char *name)
{
    for (const char *const *r = readers; *r; r++)
        if (strcmp(*r, name) == 0)
            return 1;
    return 0;
}

/* Text is built in a plain buffer, not a luaL_Buffer: formatting walks
 * tables on the Lua stack, which luaL_Buffer's balanced-stack rule forbids
 * between its operations. Long lines are cut, never overflowed. */
struct line {
    char text[4096];
    size_t len;
};

static void put(struct line *l, const char *s, size_t n)
{
    if (n > sizeof l->text - 1 - l->len)
        n = sizeof l->text - 1 - l->len;
    memcpy(l->text + l->len, s, n);
    l->len += n;
    l->text[l->len] = '\0';
}

static void puts_(struct line *l, const char *s) { put(l, s, strlen(s)); }

static void put_value(struct line *l, lua_State *L, int i, const char *name, int arg, int depth);

static void put_table(struct line *l, lua_State *L, int t, int depth)
{
    int n = 0;

    if (depth > 1) {
        puts_(l, "{...}");
        return;
    }
    puts_(l, "{");
    lua_pushnil(L);
    while (lua_next(L, t) != 0) {
        if (n++ >= 8) {
            puts_(l, ", ...");
            lua_pop(L, 2);
            break;
        }
        if (n > 1)
            puts_(l, ", ");
        if (lua_type(L, -2) == LUA_TSTRING) {
            puts_(l, lua_tostring(L, -2));
            puts_(l, "=");
        }
        put_value(l, L, lua_gettop(L), "", 0, depth + 1);
        lua_pop(L, 1);
    }
    puts_(l, "}");
}

static void put_value(struct line *l, lua_State *L, int i, const char *name, int arg, int depth)
{
    char text[256];

    i = lua_absindex(L, i);
    switch (lua_type(L, i)) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, i, &len);
        puts_(l, "\"");
        for (size_t k = 0; k < len && k < 200; k++) {
            unsigned char c = (unsigned char)s[k];
            if (c == '"' || c == '\\') { char e[2] = { '\\', (char)c }; put(l, e, 2); }
            else if (c == '\n') puts_(l, "\\n");
            else if (c < 32 || c == 127) { snprintf(text, sizeof text, "\\%d", c); puts_(l, text); }
            else put(l, (const char *)&c, 1);
        }
        if (len > 200)
            puts_(l, "...");
        puts_(l, "\"");
        break;
    }
    case LUA_TNUMBER:
        if (lua_isinteger(L, i)) {
            if (flag_formatter != NULL && arg > 0 &&
                flag_formatter(name, arg, (int64_t)lua_tointeger(L, i), text, sizeof text)) {
                puts_(l, text);
            } else {
                snprintf(text, sizeof text, "%lld", (long long)lua_tointeger(L, i));
                puts_(l, text);
            }
        } else {
            snprintf(text, sizeof text, "%.14g", (double)lua_tonumber(L, i));
            puts_(l, text);
        }
        break;
    case LUA_TBOOLEAN:
        puts_(l, lua_toboolean(L, i) ? "true" : "false");
        break;
    case LUA_TNIL:
        puts_(l, "nil");
        break;
    case LUA_TTABLE:
        put_table(l, L, i, depth);
        break;
    case LUA_TUSERDATA: {
        /* The handles' __tostring ("pidfd 3 (pid 12)") is nsrun's own. */
        const char *s = luaL_tolstring(L, i, NULL);
        puts_(l, s);
        lua_pop(L, 1);
        break;
    }
    default:
        puts_(l, luaL_typename(L, i));
    }
}

/* "[pid N]" or "[pid N child]" (a process other than the one nsrun started),
 * "[dry-run]" / "[dry-run child]" under dry-run. */
static void put_label(struct line *l)
{
    char text[64];
    pid_t pid = (pid_t)syscall(SYS_getpid);

    if (nsrun_observe_mode == NSRUN_MODE_DRY_RUN)
        snprintf(text, sizeof text, "[dry-run%s] ", dry_depth > 0 ? " child" : "");
    else
        snprintf(text, sizeof text, "[pid %d%s] ", (int)pid, pid != host_pid ? " child" : "");
    puts_(l, text);
}

static void write_line(const struct line *l)
{
    const char *s = l->text;
    size_t len = l->len;

    while (len > 0) {
        ssize_t n = write(2, s, len);
        if (n <= 0)
            return;
        s += n;
        len -= (size_t)n;
    }
}

/* "label name(args)" for the arguments 1..nargs. */
static void put_call(struct line *l, lua_State *L, const char *name, int nargs)
{
    put_label(l);
    puts_(l, name);
    puts_(l, "(");
    for (int i = 1; i <= nargs; i++) {
        if (i > 1)
            puts_(l, ", ");
        put_value(l, L, i, name, i, 0);
    }
    puts_(l, ")");
}

int nsrun_lua_observe_skips(const char *name)
{
    /* Metamethods (__gc, __close, __tostring) are not the recipe's calls. */
    return name[0] == '_' && name[1] == '_';
}

int nsrun_lua_traced(lua_State *L, nsrun_binding fn, const char *name)
{
    struct line l = { .len = 0 };
    int n;

    l.text[0] = '\0';
    put_call(&l, L, name, lua_gettop(L));
    n = fn(L);
    if (n >= 0) {
        int top = lua_gettop(L);
        puts_(&l, n == 0 ? " = (nothing)" : " = ");
        for (int i = 0; i < n; i++) {
            if (i > 0)
                puts_(&l, ", ");
            put_value(&l, L, top - n + 1 + i, "", 0, 0);
        }
    } else {
        puts_(&l, " = error: ");
        puts_(&l, lua_tostring(L, -1) ? lua_tostring(L, -1) : "?");
    }
    puts_(&l, "\n");
    write_line(&l);
    return n;
}

/* Under dry-run: print the call, perform nothing, hand back a stand-in. */
int nsrun_lua_dry_call(lua_State *L, const char *name, int nargs)
{
    struct line l = { .len = 0 };

    l.text[0] = '\0';
    put_call(&l, L, name, nargs);
    puts_(&l, "\n");
    write_line(&l);

    if (strcmp(name, "execve") == 0 || strcmp(name, "execveat") == 0 ||
        strcmp(name, "exec") == 0 || strcmp(name, "_exit") == 0 ||
        strcmp(name, "become_init") == 0) {
        lua_pushlightuserdata(L, (void *)exec_sentinel);
        return lua_error(L);
    }
    if (strcmp(name, "clone") == 0 || strcmp(name, "raw_clone") == 0) {
        int pid = dry_pid++;
        if (strcmp(name, "clone") == 0 && lua_type(L, 1) == LUA_TTABLE &&
            lua_getfield(L, 1, "after_clone") == LUA_TFUNCTION) {
            /* The parent's steps come first, as they would. */
            lua_pushinteger(L, pid);
            nsrun_lua_push_fake_pidfd(L, pid);
            if (lua_pcall(L, 2, 0, 0) != LUA_OK)
                return lua_error(L);
        } else if (strcmp(name, "clone") == 0 && lua_type(L, 1) == LUA_TTABLE) {
            lua_pop(L, 1);
        }
        if (strcmp(name, "clone") == 0 && lua_type(L, 2) == LUA_TFUNCTION) {
            /* The child's steps belong to the plan: run fn(...) inline. */
            lua_pushvalue(L, 2);
            for (int i = 3; i <= nargs; i++)
                lua_pushvalue(L, i);
            dry_depth++;
            int status = lua_pcall(L, nargs > 2 ? nargs - 2 : 0, 0, 0);
            dry_depth--;
            if (status != LUA_OK) {
                if (!nsrun_lua_is_dry_run_end(L, -1)) {
                    const char *msg = lua_tostring(L, -1);
                    struct line e = { .len = 0 };
                    e.text[0] = '\0';
                    puts_(&e, "[dry-run child] the child would fail: ");
                    puts_(&e, msg ? msg : "(error object)");
                    puts_(&e, "\n");
                    write_line(&e);
                }
                lua_pop(L, 1);
            }
        }
        lua_pushinteger(L, pid);
        nsrun_lua_push_fake_pidfd(L, pid);
        return 2;
    }
    if (strcmp(name, "wait") == 0) {
        lua_pushboolean(L, 1);
        lua_pushliteral(L, "exit");
        lua_pushinteger(L, 0);
        return 3;
    }
    lua_pushboolean(L, 1);
    return 1;
}

/* A pidfd handle that refers to no process (fd -1): what a dry-run clone
 * returns. The metatable exists: LuaHost.setMode makes it for a dry run. */
void nsrun_lua_push_fake_pidfd(lua_State *L, int pid)
{
    int *box = lua_newuserdatauv(L, 3 * sizeof(int), 0);
    box[0] = -1;
    box[1] = pid;
    box[2] = 0;
    luaL_setmetatable(L, "nsrun.pidfd");
}
