/* Fixed-arity wrappers over syscall(2) for Landlock; see
 * nsrun_landlock.h. The structures are declared here with the kernel's
 * layout (include/uapi/linux/landlock.h), not taken from the system headers,
 * which may predate the ABI nsrun uses. */
#define _GNU_SOURCE 1
#include "nsrun_landlock.h"

#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_landlock_create_ruleset
#define __NR_landlock_create_ruleset 444
#endif
#ifndef __NR_landlock_add_rule
#define __NR_landlock_add_rule 445
#endif
#ifndef __NR_landlock_restrict_self
#define __NR_landlock_restrict_self 446
#endif

#define NSRUN_LANDLOCK_CREATE_RULESET_VERSION (1U << 0)
#define NSRUN_LANDLOCK_RULE_PATH_BENEATH 1

/* The first field of struct landlock_ruleset_attr. Later ABIs append
 * handled_access_net (ABI 4) and scoped (ABI 6); a caller passing a shorter
 * size gets them zeroed, i.e. unhandled. */
struct nsrun_landlock_ruleset_attr_fs {
    uint64_t handled_access_fs;
};

struct nsrun_landlock_path_beneath_attr {
    uint64_t allowed_access;
    int32_t parent_fd;
} __attribute__((packed));

_Static_assert(sizeof(struct nsrun_landlock_path_beneath_attr) == 12, "packed layout");

int nsrun_landlock_abi_version(void)
{
    return (int)syscall(__NR_landlock_create_ruleset, NULL, (size_t)0,
                        (uint32_t)NSRUN_LANDLOCK_CREATE_RULESET_VERSION);
}

int nsrun_landlock_create_ruleset(uint64_t handled_access_fs)
{
    struct nsrun_landlock_ruleset_attr_fs attr = { .handled_access_fs = handled_access_fs };
    return (int)syscall(__NR_landlock_create_ruleset, &attr, sizeof(attr), (uint32_t)0);
}

int nsrun_landlock_add_path_rule(int ruleset_fd, int parent_fd, uint64_t allowed_access)
{
    struct nsrun_landlock_path_beneath_attr attr = {
        .allowed_access = allowed_access,
        .parent_fd = parent_fd,
    };
    return (int)syscall(__NR_landlock_add_rule, ruleset_fd,
                        NSRUN_LANDLOCK_RULE_PATH_BENEATH, &attr, (uint32_t)0);
}

int nsrun_landlock_restrict_self(int ruleset_fd)
{
    return (int)syscall(__NR_landlock_restrict_self, ruleset_fd, (uint32_t)0);
}

