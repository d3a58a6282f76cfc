/* libFuzzer harness over the C shims that can run in-process without side
 * effects that outlive one input. Built by scripts/fuzz with
 *   clang -fsanitize=fuzzer,address,undefined -I Sources/CNSRunLua/include \
 *         -I Sources/CNSRunSys/include fuzz/fuzz_shims.c -llua5.4
 * The shim sources are #included so their static helpers are reachable.
 *
 * NSRUN_FUZZ_TARGET=observe|sigmask picks the target (unset: byte 0, even
 * or odd):
 *   observe: observe.c's trace-line formatting (put_call/put_value/put_table,
 *         the fixed 4096-byte line) over a Lua stack built from the input:
 *         strings with NULs and control bytes, integers, floats (NaN, inf),
 *         booleans, nil, nested tables, functions, userdata; plus
 *         nsrun_lua_is_reader / nsrun_lua_observe_skips on a name.
 *   sigmask: supervision.c's signal-set conversion (fill_set via
 *         nsrun_sys_sigmask SET then read back, nsrun_sys_signalfd,
 *         nsrun_sys_signalfd_read's capacity check); the mask is restored. */
#define _GNU_SOURCE 1
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../Sources/CNSRunLua/observe.c"
#include "../Sources/CNSRunSys/supervision.c"

#define CHECK(cond, ...) do { if (!(cond)) { fprintf(stderr, "fuzz invariant broken: " __VA_ARGS__); \
    fputc('\n', stderr); abort(); } } while (0)

struct in { const uint8_t *p; size_t n; };

static uint8_t u8(struct in *in) { if (!in->n) return 0; in->n--; return *in->p++; }
static uint64_t u64(struct in *in) { uint64_t v = 0; for (int k = 0; k < 8; k++) v |= (uint64_t)u8(in) << (8 * k); return v; }

static const uint8_t *formatter_text;
static size_t formatter_len;

/* Stands in for the Swift formatter: symbolic text of fuzz-chosen length,
 * written as the contract says (at most `len` bytes with the NUL). */
static int fuzz_formatter(const char *fn, int arg, int64_t value, char *out, size_t len)
{
    (void)fn;
    if (formatter_len == 0 || (value & 1))
        return 0;
    snprintf(out, len, "%.*s|%d", (int)formatter_len, (const char *)formatter_text, arg);
    return 1;
}

static int dummy_cfunction(lua_State *L) { (void)L; return 0; }

static void push_value(lua_State *L, struct in *in, int depth)
{
    if (!lua_checkstack(L, 8)) abort();   /* the C API does not grow the stack by itself */
    switch (u8(in) % 10) {
    case 0: { size_t len = u8(in); if (u8(in) & 1) len *= 37; if (len > in->n) len = in->n;
              lua_pushlstring(L, (const char *)in->p, len); in->p += len; in->n -= len; break; }
    case 1: lua_pushinteger(L, (lua_Integer)u64(in)); break;
    case 2: { uint64_t bits = u64(in); double d; memcpy(&d, &bits, sizeof d); lua_pushnumber(L, d); break; }
    case 3: lua_pushboolean(L, u8(in) & 1); break;
    case 4: lua_pushnil(L); break;
    case 5: lua_pushcfunction(L, dummy_cfunction); break;
    case 6: lua_pushlightuserdata(L, (void *)in); break;
    case 7: lua_newuserdatauv(L, 8, 0); break;
    default: {
        int entries = u8(in) % 12;
        lua_createtable(L, 0, 0);
        for (int k = 0; k < entries && in->n > 0; k++) {
            if (depth < 4) push_value(L, in, depth + 1); else lua_pushinteger(L, k);
            if (lua_type(L, -1) == LUA_TNIL || (lua_type(L, -1) == LUA_TNUMBER && lua_tonumber(L, -1) != lua_tonumber(L, -1))) {
                lua_pop(L, 1);              /* nil and NaN cannot be keys */
                lua_pushinteger(L, k + 1);
            }
            if (depth < 4) push_value(L, in, depth + 1); else lua_pushboolean(L, 1);
            lua_rawset(L, -3);
        }
    }
    }
}

static void fuzz_observe(struct in *in)
{
    static lua_State *L;
    if (!L) { L = luaL_newstate(); host_pid = getpid(); }
    lua_settop(L, 0);

    char name[64];
    size_t nlen = u8(in) % sizeof name;
    if (nlen > in->n) nlen = in->n;
    memcpy(name, in->p, nlen); name[nlen] = '\0'; in->p += nlen; in->n -= nlen;
    (void)nsrun_lua_is_reader(name);
    (void)nsrun_lua_observe_skips(name);

    formatter_len = u8(in) * 3;
    if (formatter_len > in->n) formatter_len = in->n;
    formatter_text = in->p;
    uint8_t mode = u8(in);
    nsrun_lua_set_mode(mode % 3, (mode & 4) ? fuzz_formatter : NULL);

    int nargs = 0;
    while (in->n > 0 && nargs < 40) { push_value(L, in, 0); nargs++; }

    struct line l = { .len = 0 };
    l.text[0] = '\0';
    put_call(&l, L, name, nargs);
    CHECK(l.len < sizeof l.text, "line length %zu", l.len);
    CHECK(l.text[l.len] == '\0', "line not terminated at its length");
    CHECK(strlen(l.text) == l.len, "line has a NUL inside (%zu vs %zu)", strlen(l.text), l.len);
    CHECK(lua_gettop(L) == nargs, "stack changed from %d to %d", nargs, lua_gettop(L));
    nsrun_lua_set_mode(NSRUN_MODE_RUN, NULL);
}

static void fuzz_sigmask(struct in *in)
{
    uint64_t mask = u64(in), before = 0, now = 0;
    int rc = nsrun_sys_sigmask(NSRUN_SIGMASK_SET, mask, &before);
    if (rc == 0) {
        CHECK(nsrun_sys_sigmask(NSRUN_SIGMASK_BLOCK, 0, &now) == 0, "read back failed");
        uint64_t unblockable = (1ull << (SIGKILL - 1)) | (1ull << (SIGSTOP - 1));
        CHECK(now == (mask & ~unblockable), "mask %#llx read back as %#llx",
              (unsigned long long)mask, (unsigned long long)now);
        CHECK(nsrun_sys_sigmask(NSRUN_SIGMASK_SET, before, NULL) == 0, "restore failed");
    } else {
        /* glibc refuses its internal signals (32, 33) in a sigset. */
        CHECK(errno == EINVAL && (mask & (3ull << 31)), "mask %#llx refused: %s",
              (unsigned long long)mask, strerror(errno));
    }
    int fd = nsrun_sys_signalfd(mask);
    if (fd >= 0) {
        int32_t sigs[64];
        int cap = (int)(int8_t)u8(in);
        int n = nsrun_sys_signalfd_read(fd, sigs, cap);
        CHECK(n == -1, "nothing pending, yet %d signals read", n);
        CHECK((cap < 1 || cap > 64) ? errno == EINVAL : errno == EAGAIN, "cap %d errno %d", cap, errno);
        close(fd);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int selected = -1;   /* NSRUN_FUZZ_TARGET: observe, sigmask, or unset */
    if (selected < 0) {
        const char *t = getenv("NSRUN_FUZZ_TARGET");
        selected = !t || !*t ? 0 : strcmp(t, "observe") == 0 ? 1 : strcmp(t, "sigmask") == 0 ? 2 : 3;
        if (selected == 3) { fprintf(stderr, "NSRUN_FUZZ_TARGET=%s: no such target (observe, sigmask)\n", t); exit(2); }
    }
    if (size == 0) return 0;
    struct in in = { data, size };
    if (selected == 1) fuzz_observe(&in);
    else if (selected == 2) fuzz_sigmask(&in);
    else { in.p++; in.n--; if (data[0] & 1) fuzz_sigmask(&in); else fuzz_observe(&in); }
    return 0;
}
