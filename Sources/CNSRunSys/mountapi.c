/* Fixed-arity wrappers over syscall(2) for the mount API; see nsrun_mountapi.h. */
#define _GNU_SOURCE 1
#include "nsrun_mountapi.h"

#include <stddef.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef __NR_close_range
#define __NR_close_range 436
#endif
#ifndef __NR_open_tree
#define __NR_open_tree 428
#endif
#ifndef __NR_move_mount
#define __NR_move_mount 429
#endif
#ifndef __NR_fsopen
#define __NR_fsopen 430
#endif
#ifndef __NR_fsconfig
#define __NR_fsconfig 431
#endif
#ifndef __NR_fsmount
#define __NR_fsmount 432
#endif
#ifndef __NR_mount_setattr
#define __NR_mount_setattr 442
#endif

struct nsrun_mount_attr { uint64_t attr_set, attr_clr, propagation, userns_fd; };

int nsrun_sys_fsopen(const char *fstype, unsigned int flags)
{
    return (int)syscall(__NR_fsopen, fstype, flags);
}

int nsrun_sys_fsconfig(int fd, unsigned int cmd, const char *key, const char *value, int aux)
{
    return (int)syscall(__NR_fsconfig, fd, cmd, key, value, aux);
}

int nsrun_sys_fsmount(int fd, unsigned int flags, unsigned int attr_flags)
{
    return (int)syscall(__NR_fsmount, fd, flags, attr_flags);
}

int nsrun_sys_move_mount(int from_dirfd, const char *from_path, int to_dirfd,
                         const char *to_path, unsigned int flags)
{
    return (int)syscall(__NR_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags);
}

int nsrun_sys_open_tree(int dirfd, const char *path, unsigned int flags)
{
    return (int)syscall(__NR_open_tree, dirfd, path, flags);
}

int nsrun_sys_mount_setattr(int dirfd, const char *path, unsigned int flags,
                            uint64_t attr_set, uint64_t attr_clr, uint64_t propagation)
{
    struct nsrun_mount_attr attr = {
        .attr_set = attr_set, .attr_clr = attr_clr, .propagation = propagation,
    };
    return (int)syscall(__NR_mount_setattr, dirfd, path, flags, &attr, sizeof attr);
}

int nsrun_sys_pivot_root(const char *new_root, const char *put_old)
{
    return (int)syscall(__NR_pivot_root, new_root, put_old);
}


int nsrun_sys_close_range(unsigned int first, unsigned int last, unsigned int flags)
{
    return (int)syscall(__NR_close_range, first, last, flags);
}
