/* Capabilities, prctl and resource limits: fixed-arity wrappers for what
 * Swift cannot call (prctl is variadic; glibc has no capget/capset) or
 * cannot see cleanly (rlimit's enum-or-int resource type, RLIM_INFINITY
 * as a cast). Each returns -1 with errno set on failure, never -errno.
 *
 * Raw syscalls rather than libcap on purpose: libcap's cap_alloc.o, which
 * every useful libcap function pulls in, has a constructor
 * (_libcap_initialize) that probes the bounding set with PR_CAPBSET_READ at
 * process start-up. nsrun runs nothing at start-up. */
#ifndef NSRUN_CAPS_H
#define NSRUN_CAPS_H

#include <stdint.h>
#include <sys/types.h>
#include <linux/prctl.h>

#pragma clang assume_nonnull begin

/* prctl(2) with all four extra arguments (pass 0 for unused ones, as the
 * kernel requires for PR_SET_NO_NEW_PRIVS and PR_CAP_AMBIENT). */
int nsrun_sys_prctl(int option, unsigned long arg2, unsigned long arg3,
                    unsigned long arg4, unsigned long arg5);

/* capget(2), _LINUX_CAPABILITY_VERSION_3 (64 capability bits): the
 * effective, permitted and inheritable sets of `pid` (0: the caller), bit n
 * for capability n. ESRCH for no such process. */
int nsrun_sys_capget(pid_t pid, uint64_t *effective, uint64_t *permitted,
                     uint64_t *inheritable);

/* capset(2) of the caller's three sets, version 3. EPERM when a set would
 * grow beyond what the kernel allows (permitted only shrinks; effective
 * within permitted; inheritable within bounding, and within permitted
 * without CAP_SETPCAP). */
int nsrun_sys_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable);

/* getrlimit(2)/setrlimit(2) of the caller. Values are 64-bit on every
 * architecture; UINT64_MAX stands for RLIM_INFINITY in both directions. */
int nsrun_sys_getrlimit(int resource, uint64_t *soft, uint64_t *hard);
int nsrun_sys_setrlimit(int resource, uint64_t soft, uint64_t hard);

#pragma clang assume_nonnull end

#endif
