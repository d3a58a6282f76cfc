/* nsrun_start.h — what the nsrun executable puts in place of parts of the
 * Swift runtime's and glibc's start-up that cost time (start.c,
 * amd_cacheinfo.c). */
#ifndef NSRUN_START_H
#define NSRUN_START_H

/* The Swift standard library's hook for CommandLine.arguments (see start.c). */
char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen);
void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc);

/* Removes the SWIFT_BACKTRACE that start.c's constructor set (if it set
 * one), so the process's environment is the one nsrun was given. Call it
 * first thing in main. Idempotent. */
void nsrun_start_restore_environment(void);

/* glibc 2.36's handle_amd(name) with each cpuid leaf it reads executed once
 * (amd_cacheinfo.c): the value glibc's static start-up stores for the
 * sysconf name `name` (_SC_LEVEL1_ICACHE_SIZE .. _SC_LEVEL4_CACHE_LINESIZE)
 * on an AMD CPU; 0 where the CPU reports no such cache or level. Called
 * only through scripts/patch-cpuid.py's jump, before main; not
 * thread-safe. Its first call also keeps the answers the stubs below give. */
long nsrun_amd_cache_info(int name);

/* `mov $leaf,%eax; cpuid` for leaves 0x80000000, 1 and 0x80000008, without
 * the cpuid: EAX..EDX as those leaves answered in glibc's start-up, every
 * other register and the flags untouched. Called only through
 * scripts/patch-cpuid.py's calls, after nsrun_amd_cache_info ran. */
void nsrun_cpuid_80000000(void);
void nsrun_cpuid_1(void);
void nsrun_cpuid_80000008(void);
/* `mov $0x80000000,%eax; cpuid`, its registers kept for the above and for
 * nsrun_amd_cache_info; every other register and the flags untouched.
 * Called only through scripts/patch-cpuid.py's call in init_cpu_features. */
void nsrun_cpuid_record_80000000(void);

#endif
