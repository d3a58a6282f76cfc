/* clone's bounding-set prelude (see nsrun_sys.h): a child empties its
 * capability bounding set as it starts, before it waits for its parent's
 * step (each PR_CAPBSET_DROP copies and commits the process's credentials,
 * 1.6 µs apiece here, 41 of them). A vfork-semantics child does it beside
 * its parent, in the same memory: raw system calls, no errno, nothing but
 * its own stack. */
#define _GNU_SOURCE 1
#include "nsrun_sys.h"
#include "raw_syscall.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

int nsrun_sys_bounding_keep(uint64_t keep, int *failed_cap)
{
    int cap;

    for (cap = 0; cap < 64; cap++) {
        long r;

        if (keep & ((uint64_t)1 << cap))
            continue;
        r = raw6(SYS_prctl, PR_CAPBSET_DROP, cap, 0, 0, 0, 0);
        /* EINVAL: past the kernel's last capability, the set is done. */
        if (r == -EINVAL)
            return 0;
        /* Without CAP_SETPCAP every drop is refused, even of a capability
         * already gone (a bounding set reduced before nsrun ran) or past
         * the last one: neither is a failure. */
        if (r == -EPERM) {
            long has = raw6(SYS_prctl, PR_CAPBSET_READ, cap, 0, 0, 0, 0);
            if (has == 0)
                continue;
            if (has == -EINVAL)
                return 0;
        }
        if (r < 0) {
            *failed_cap = cap;
            return (int)-r;
        }
    }
    return 0;
}

void nsrun_sys_bounding_failed(int cap, int err)
{
    dprintf(2, "nsrun: child %ld: bounding_set: PR_CAPBSET_DROP of capability %d: %s\n",
            (long)syscall(SYS_getpid), cap, strerror(err));
    _exit(1);
}
