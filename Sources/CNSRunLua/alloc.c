/* nsrun_lua_newstate: a Lua state whose small blocks come from size-class
 * pools instead of glibc's malloc (see nsrun_lua.h).
 *
 * Why: a fresh nsrun allocates mostly new memory (the embedded library's
 * load alone is about 650 blocks), and glibc serves each such request
 * through _int_malloc, about 200 instructions from Lua's realloc call
 * (callgrind: l_alloc was a fifth of the instructions of loading,
 * validating and planning a sandbox). A pool block costs a list pop or a
 * bump, a few instructions, and Lua tells the allocator every block's
 * size, so a block needs no header.
 *
 * Design:
 * - Blocks of up to NSRUN_POOL_MAX bytes are rounded up to 16 and served
 *   from the free list of their class, else cut from the current chunk (a
 *   malloc'd NSRUN_POOL_CHUNK bytes, 16-aligned). Freed blocks go back to
 *   their class's list. Chunks are never given back: the memory serves its
 *   class again (a script's small objects come and go in the same sizes).
 * - Larger blocks are glibc's: malloc, realloc, free. A block moves
 *   between the two by a copy. Only a block of more than NSRUN_POOL_MAX
 *   bytes ever reaches glibc's free or realloc, and every such block is
 *   glibc's; a glibc block of NSRUN_POOL_MAX bytes or less (one Lua made
 *   before the switch, or one a failed shrink left in place) may end on a
 *   free list, which is safe: it is memory at least that large.
 * - Shrinking never fails (Lua 5.4 relies on it): when no pool block can
 *   be had, the block stays where it is.
 * - One state per process, one thread: no locks. A CLONE_VM child runs Lua
 *   only while its parent is suspended, as with glibc's malloc. */
#include "nsrun_lua.h"

#include <stdlib.h>
#include <string.h>

#define NSRUN_POOL_MAX 256
#define NSRUN_POOL_ALIGN 16
#define NSRUN_POOL_CLASSES (NSRUN_POOL_MAX / NSRUN_POOL_ALIGN)
#define NSRUN_POOL_CHUNK (16 * 1024)

struct pool_block {
    struct pool_block *next;
};

static struct {
    struct pool_block *free[NSRUN_POOL_CLASSES];
    char *bump, *end;
} pool;

/* Class of a size in 1...NSRUN_POOL_MAX: 0 for 1-16 bytes, 1 for 17-32, ... */
static inline size_t pool_class(size_t size)
{
    return (size - 1) / NSRUN_POOL_ALIGN;
}

static void *pool_get(size_t size)
{
    size_t c = pool_class(size);
    struct pool_block *b = pool.free[c];
    size_t rounded;

    if (b) {
        pool.free[c] = b->next;
        return b;
    }
    rounded = (c + 1) * NSRUN_POOL_ALIGN;
    if ((size_t)(pool.end - pool.bump) < rounded) {
        /* The old chunk's tail (less than one block) is left unused. */
        char *chunk = malloc(NSRUN_POOL_CHUNK);
        if (chunk == NULL)
            return NULL;
        pool.bump = chunk;
        pool.end = chunk + NSRUN_POOL_CHUNK;
    }
    b = (struct pool_block *)pool.bump;
    pool.bump += rounded;
    return b;
}

static inline void pool_put(void *p, size_t size)
{
    struct pool_block *b = p;
    size_t c = pool_class(size);

    b->next = pool.free[c];
    pool.free[c] = b;
}

static void *pool_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    void *n;

    (void)ud;
    /* With ptr NULL, osize is a type tag, not a size. */
    if (ptr == NULL) {
        if (nsize == 0)
            return NULL;
        return nsize <= NSRUN_POOL_MAX ? pool_get(nsize) : malloc(nsize);
    }
    if (nsize == 0) {
        if (osize <= NSRUN_POOL_MAX)
            pool_put(ptr, osize);
        else
            free(ptr);
        return NULL;
    }
    if (osize > NSRUN_POOL_MAX && nsize > NSRUN_POOL_MAX)
        return realloc(ptr, nsize);
    if (osize <= NSRUN_POOL_MAX && nsize <= NSRUN_POOL_MAX &&
        pool_class(osize) == pool_class(nsize))
        return ptr;
    n = nsize <= NSRUN_POOL_MAX ? pool_get(nsize) : malloc(nsize);
    if (n == NULL)
        return nsize <= osize ? ptr : NULL;
    memcpy(n, ptr, osize < nsize ? osize : nsize);
    if (osize <= NSRUN_POOL_MAX)
        pool_put(ptr, osize);
    else
        free(ptr);
    return n;
}

lua_State *nsrun_lua_newstate(void)
{
    lua_State *L = luaL_newstate();

    /* luaL_newstate's panic and warning functions stay; only the allocator
     * changes. The state's own first blocks were glibc's: see above. */
    if (L)
        lua_setallocf(L, pool_alloc, NULL);
    return L;
}
