/* Checks on Lua strings that bindings pass on without copying them.
 *
 * Why C: exec's argv is handed to the kernel as the Lua strings themselves
 * (exec.c); validating each through a Swift String cost a copy per
 * element and, in a fork-semantics child, page faults on the Swift
 * standard library's string code, which the parent may never have run. */
#include "nsrun_lua.h"

#include <string.h>

/* Whether bytes[0..len) are well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF): exactly what Swift's
 * String(validating:as: UTF8.self) accepts. */
static int utf8_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        unsigned char c = s[i];
        size_t n;
        unsigned char lo = 0x80, hi = 0xBF;

        if (c < 0x80) {
            i++;
            continue;
        } else if (c >= 0xC2 && c <= 0xDF) {
            n = 1;
        } else if (c >= 0xE0 && c <= 0xEF) {
            n = 2;
            if (c == 0xE0)
                lo = 0xA0;      /* overlong */
            else if (c == 0xED)
                hi = 0x9F;      /* surrogates */
        } else if (c >= 0xF0 && c <= 0xF4) {
            n = 3;
            if (c == 0xF0)
                lo = 0x90;      /* overlong */
            else if (c == 0xF4)
                hi = 0x8F;      /* above U+10FFFF */
        } else {
            return 0;
        }
        if (len - i <= n)
            return 0;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t k = 2; k <= n; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xBF)
                return 0;
        i += n + 1;
    }
    return 1;
}

int nsrun_lua_check_string(lua_State *L, int i)
{
    size_t len;
    const char *s;

    if (lua_type(L, i) != LUA_TSTRING)
        return NSRUN_STRING_NOT_STRING;
    s = lua_tolstring(L, i, &len);
    if (memchr(s, 0, len) != NULL)
        return NSRUN_STRING_HAS_NUL;
    if (!utf8_valid((const unsigned char *)s, len))
        return NSRUN_STRING_NOT_UTF8;
    return NSRUN_STRING_OK;
}
