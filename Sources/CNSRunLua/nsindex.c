/* The `ns` resolver's name index: each module's names in one block of
 * bytes that a lookup reads without Swift.
 *
 * Why. The resolver walked each module's arrays of Swift structs, copying
 * every entry (a retain and release of its name, of the arrays, of the
 * module) and comparing Swift Strings: about 8k instructions per name, and
 * in a fork child, whose function reads names first (`ns.mount`), every
 * retained object's page was copied. A block is built once per module, on
 * its first lookup (in the parent, as a rule), and shared by every state of
 * the process, and by its fork children, read-only. */
#include "nsrun_lua.h"

#include <stdint.h>
#include <string.h>

enum { MODULES = 32, HEAD = 16 };

static const unsigned char *blocks[MODULES];

void nsrun_ns_index_register(int module, const unsigned char *block)
{
    if (module >= 0 && module < MODULES)
        __atomic_store_n(&blocks[module], block, __ATOMIC_RELEASE);
}

int nsrun_ns_index_lookup(lua_State *L, int module, const char *key, size_t len)
{
    const unsigned char *p;

    if (module < 0 || module >= MODULES)
        return NSRUN_NS_INDEX_UNBUILT;
    p = __atomic_load_n(&blocks[module], __ATOMIC_ACQUIRE);
    if (p == NULL)
        return NSRUN_NS_INDEX_UNBUILT;
    for (; p[0] != 0; p += NSRUN_NS_INDEX_ENTRY_SIZE(p[0])) {
        uint64_t payload;
        uint16_t slot;

        if (p[0] != len || memcmp(p + HEAD, key, len) != 0)
            continue;
        memcpy(&payload, p + 8, sizeof payload);
        switch (p[1]) {
        case NSRUN_NS_ENTRY_FUNCTION:
            nsrun_lua_pushbinding(L, (nsrun_binding)(uintptr_t)payload, key);
            return NSRUN_NS_INDEX_PUSHED;
        case NSRUN_NS_ENTRY_CONSTANT:
            lua_pushinteger(L, (lua_Integer)payload);
            return NSRUN_NS_INDEX_PUSHED;
        default:
            memcpy(&slot, p + 2, sizeof slot);
            return NSRUN_NS_INDEX_FIELD + slot;
        }
    }
    return NSRUN_NS_INDEX_ABSENT;
}
