/* The new mount API (Linux 5.2+), mount_setattr (5.12), openat2 (5.6) and
 * pivot_root: syscalls glibc 2.36 has no wrappers for. Each returns -1 with
 * errno set on failure. Mounting onto an O_PATH fd with move_mount means no
 * path is resolved a second time, so a symlink swapped in between can not
 * redirect the mount (CVE-2019-19921, CVE-2021-30465 class). */
#ifndef NSRUN_MOUNTAPI_H
#define NSRUN_MOUNTAPI_H

#include <stdint.h>
#include <sys/types.h>
#include "nsrun_sys.h"

#pragma clang assume_nonnull begin

/* openat2(2) is in nsrun_sys.h. */

int nsrun_sys_fsopen(const char *fstype, unsigned int flags);
int nsrun_sys_fsconfig(int fd, unsigned int cmd, const char *_Nullable key,
                       const char *_Nullable value, int aux);
int nsrun_sys_fsmount(int fd, unsigned int flags, unsigned int attr_flags);
int nsrun_sys_move_mount(int from_dirfd, const char *from_path, int to_dirfd,
                         const char *to_path, unsigned int flags);
int nsrun_sys_open_tree(int dirfd, const char *path, unsigned int flags);
/* mount_setattr(2): sets attr_set, clears attr_clr, and the propagation. */
int nsrun_sys_mount_setattr(int dirfd, const char *path, unsigned int flags,
                            uint64_t attr_set, uint64_t attr_clr, uint64_t propagation);
int nsrun_sys_pivot_root(const char *new_root, const char *put_old);

/* close_range(2) (Linux 5.9; CLOSE_RANGE_CLOEXEC, 4, since 5.11). */
int nsrun_sys_close_range(unsigned int first, unsigned int last, unsigned int flags);

#pragma clang assume_nonnull end

#endif
