/* Landlock (Linux 5.13+): the three syscalls, which glibc 2.36 does not wrap
 * (no_new_privs comes from nsrun_caps.h's prctl wrapper). Each returns -1 with errno set on failure, never -errno.
 * The argument structures are built here, so Swift never sees their packed
 * layout (struct landlock_path_beneath_attr is __attribute__((packed))). */
#ifndef NSRUN_LANDLOCK_H
#define NSRUN_LANDLOCK_H

#include <stdint.h>

/* landlock_create_ruleset(NULL, 0, LANDLOCK_CREATE_RULESET_VERSION): the
 * kernel's Landlock ABI version (>= 1). -1 with ENOSYS when Landlock is not
 * built in, EOPNOTSUPP when it is built in but not enabled at boot. */
int nsrun_landlock_abi_version(void);

/* landlock_create_ruleset with a struct landlock_ruleset_attr that sets only
 * handled_access_fs (passed with that field's size, which every ABI accepts:
 * network rights and scopes stay unhandled). Returns a close-on-exec ruleset
 * fd (the kernel always sets O_CLOEXEC on it). */
int nsrun_landlock_create_ruleset(uint64_t handled_access_fs);

/* landlock_add_rule(ruleset_fd, LANDLOCK_RULE_PATH_BENEATH, &attr, 0) with
 * attr = { allowed_access, parent_fd }; parent_fd is usually an O_PATH fd. */
int nsrun_landlock_add_path_rule(int ruleset_fd, int parent_fd, uint64_t allowed_access);

/* landlock_restrict_self(ruleset_fd, 0): the calling thread (nsrun has one)
 * enters the ruleset's domain, for good, and so do its future children. */
int nsrun_landlock_restrict_self(int ruleset_fd);


#endif
