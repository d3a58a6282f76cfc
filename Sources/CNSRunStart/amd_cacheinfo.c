/* See nsrun_start.h, nsrun_amd_cache_info and the nsrun_cpuid_* stubs.
 *
 * Why this exists. A static glibc program computes its cache geometry
 * before main (the sizes pick memcpy's and memset's strategies and answer
 * sysconf(_SC_LEVEL1_DCACHE_SIZE) and its siblings). On an AMD CPU glibc
 * 2.36 asks one function, handle_amd, for each of eleven values, and every
 * call executes cpuid twice: leaf 0x80000000 and then leaf 0x80000005 or
 * 0x80000006. In a virtual machine every cpuid traps to the hypervisor, at
 * about 5 us each on this project's machine: 22 traps, 0.11 ms of a 0.85 ms
 * `nsrun -e return`, for three distinct answers. And leaf 0x80000000 had
 * been asked already, in init_cpu_features; right after, the same start-up
 * code asks it again, and leaves 1 and 0x80000008 too, which
 * init_cpu_features kept in its struct.
 *
 * scripts/patch-cpuid.py turns the entry of glibc's handle_amd in the
 * linked nsrun into a jump to nsrun_amd_cache_info below, which answers the
 * same eleven questions from those three leaves, each executed once; it
 * turns init_cpu_features's `mov $0x80000000,%eax; cpuid` into a call of a
 * stub below that executes it and keeps the registers, and each of the
 * three repeated ones into a call of a stub that loads what the leaf gave
 * the first time.
 * The values are glibc's: the same fields of the same leaves, decoded the
 * same way (the associativity codes of AMD's manual, code 0xF as "size over
 * line size"), which Tests/NSRunTests checks against the host's own glibc.
 * The patch is applied only where the code is the one described here
 * (glibc 2.36, its instructions checked byte for byte); elsewhere the
 * binary keeps glibc's code and nothing here is called. */
#include "nsrun_start.h"

#include <cpuid.h>
#include <unistd.h>

/* The three leaves, executed on first use. Single-threaded: glibc calls
 * handle_amd only from its start-up, before any constructor. */
static unsigned int leaf_registers[3][4];
static unsigned char leaf_read[3];

/* What the nsrun_cpuid_* stubs answer: EAX, EBX, ECX, EDX of leaves
 * 0x80000000, 1 and 0x80000008, in that order. The first is kept by
 * nsrun_cpuid_record_80000000 (nsrun_cpuid_recorded set) or else by the
 * first nsrun_amd_cache_info call, which fills the other two; glibc makes
 * that call before it reaches the patched repeats. Not static: the stubs'
 * assembly names them. */
__attribute__((visibility("hidden"), used)) unsigned int nsrun_cpuid_answers[3][4];
__attribute__((visibility("hidden"), used)) unsigned char nsrun_cpuid_recorded;

/* glibc's own struct cpu_features (2.36: a 20-byte cpu_features_basic, then
 * one 32-byte entry per leaf it keeps, whose first 16 bytes are the leaf's
 * registers as cpuid returned them: leaf 1 first, 0x80000008 sixth). Weak:
 * another glibc need not have it, and is never patched. */
extern const unsigned char _dl_x86_cpu_features[] __attribute__((weak, visibility("hidden")));
enum { CPU_FEATURES_LEAF_1 = 20, CPU_FEATURES_LEAF_80000008 = 20 + 5 * 32 };

static void keep_answer(unsigned int slot, unsigned int leaf, long offset)
{
    unsigned int *r = nsrun_cpuid_answers[slot];
    if (_dl_x86_cpu_features != 0) {
        __builtin_memcpy(r, _dl_x86_cpu_features + offset, 16);
    } else {
        __cpuid(leaf, r[0], r[1], r[2], r[3]);
    }
}

static const unsigned int *amd_leaf(unsigned int slot)
{
    static const unsigned int leaves[3] = { 0x80000000u, 0x80000005u, 0x80000006u };
    if (!leaf_read[slot]) {
        unsigned int *r = leaf_registers[slot];
        if (slot == 0 && nsrun_cpuid_recorded)
            __builtin_memcpy(r, nsrun_cpuid_answers[0], 16);
        else
            __cpuid(leaves[slot], r[0], r[1], r[2], r[3]);
        leaf_read[slot] = 1;
        if (slot == 0) {
            __builtin_memcpy(nsrun_cpuid_answers[0], r, 16);
            keep_answer(1, 1, CPU_FEATURES_LEAF_1);
            /* glibc keeps 0x80000008 only when the CPU has it; then so do we. */
            if (r[0] >= 0x80000008u)
                keep_answer(2, 0x80000008u, CPU_FEATURES_LEAF_80000008);
        }
    }
    return leaf_registers[slot];
}

/* The stubs the patched `mov $leaf,%eax; cpuid` call instead: each sets
 * EAX, EBX, ECX and EDX as cpuid would (upper halves zeroed) and touches
 * nothing else, no other register, no flag, no stack below its return
 * address. Naked: the compiler adds no prologue. */
#define NSRUN_CPUID_STUB(name, slot)                                         \
    __attribute__((naked, used, retain, noinline)) void name(void)           \
    {                                                                        \
        __asm__("movl nsrun_cpuid_answers+" #slot "*16+0(%rip), %eax\n\t"  \
                "movl nsrun_cpuid_answers+" #slot "*16+4(%rip), %ebx\n\t"  \
                "movl nsrun_cpuid_answers+" #slot "*16+8(%rip), %ecx\n\t"  \
                "movl nsrun_cpuid_answers+" #slot "*16+12(%rip), %edx\n\t" \
                "ret");                                                      \
    }
NSRUN_CPUID_STUB(nsrun_cpuid_80000000, 0)
NSRUN_CPUID_STUB(nsrun_cpuid_1, 1)
NSRUN_CPUID_STUB(nsrun_cpuid_80000008, 2)

/* `mov $0x80000000,%eax; cpuid` that also keeps the four registers for
 * nsrun_amd_cache_info and nsrun_cpuid_80000000: the one cpuid of that
 * leaf in the whole start-up. */
__attribute__((naked, used, retain, noinline)) void nsrun_cpuid_record_80000000(void)
{
    __asm__("movl $0x80000000, %eax\n\t"
            "cpuid\n\t"
            "movl %eax, nsrun_cpuid_answers+0(%rip)\n\t"
            "movl %ebx, nsrun_cpuid_answers+4(%rip)\n\t"
            "movl %ecx, nsrun_cpuid_answers+8(%rip)\n\t"
            "movl %edx, nsrun_cpuid_answers+12(%rip)\n\t"
            "movb $1, nsrun_cpuid_recorded(%rip)\n\t"
            "ret");
}

/* An L2 or L3 associativity field (bits 15:12) as a number of ways: codes
 * 0, 1, 2 and 4 are themselves, the others of AMD's table map as below, 0xF
 * means "fully associative" and is answered, as glibc does, with the
 * number of lines (size / line size); unknown codes are 0. */
static long ways(unsigned int code, unsigned long size, unsigned int line)
{
    switch (code) {
    case 0: case 1: case 2: case 4: return code;
    case 6: return 8;
    case 8: return 16;
    case 10: return 32;
    case 11: return 48;
    case 12: return 64;
    case 13: return 96;
    case 14: return 128;
    case 15: return line == 0 ? 0 : (long)(size / line);
    default: return 0;
    }
}

__attribute__((used, retain, noinline)) long nsrun_amd_cache_info(int name)
{
    unsigned int max_extended = amd_leaf(0)[0];
    if (name > _SC_LEVEL3_CACHE_LINESIZE)
        return 0; /* no level 4 cache on AMD */

    if (name < _SC_LEVEL2_CACHE_SIZE) {
        /* L1: leaf 0x80000005, data cache in ECX, instruction cache in EDX,
         * each as size in KiB (31:24), ways (23:16, 0xFF fully associative),
         * lines per tag (15:8), line size (7:0). */
        if (max_extended < 0x80000005u)
            return 0;
        const unsigned int *r = amd_leaf(1);
        unsigned int reg = r[2];
        if (name < _SC_LEVEL1_DCACHE_SIZE) {
            reg = r[3];
            name += _SC_LEVEL1_DCACHE_SIZE - _SC_LEVEL1_ICACHE_SIZE;
        }
        unsigned long size = (unsigned long)(reg >> 24) << 10;
        switch (name) {
        case _SC_LEVEL1_DCACHE_SIZE: return (long)size;
        case _SC_LEVEL1_DCACHE_ASSOC: return ((reg >> 16) & 0xff) == 0xff ? (long)size : (long)((reg >> 16) & 0xff);
        default: return reg & 0xff; /* _SC_LEVEL1_DCACHE_LINESIZE */
        }
    }

    /* L2 in ECX, L3 in EDX of leaf 0x80000006: L2 size in KiB (31:16), L3
     * size in 512 KiB units (31:18, of which glibc reads 29:18), ways code
     * (15:12, 0 = no such cache), line size (7:0). */
    if (max_extended < 0x80000006u)
        return 0;
    const unsigned int *r = amd_leaf(2);
    int level3 = name >= _SC_LEVEL3_CACHE_SIZE;
    unsigned int reg = level3 ? r[3] : r[2];
    unsigned long size = level3 ? (unsigned long)(reg & 0x3ffc0000u) << 1
                                : (unsigned long)(reg >> 16) << 10;
    unsigned int code = (reg >> 12) & 0xf;
    unsigned int line = reg & 0xff;
    switch (name - (level3 ? _SC_LEVEL3_CACHE_SIZE : _SC_LEVEL2_CACHE_SIZE)) {
    case 0: return code == 0 ? 0 : (long)size;
    case 1: return ways(code, size, line);
    default: return code == 0 ? 0 : (long)line;
    }
}
