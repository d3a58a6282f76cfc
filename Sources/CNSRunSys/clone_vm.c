/* The one clone path whose child shares the caller's memory
 * (CLONE_VM|CLONE_VFORK). It must be C: the child runs on a stack of its own
 * while the parent's frames stay live, so it may touch nothing but the
 * arguments prepared for it, then exec or _exit. */
#define _GNU_SOURCE 1
#include "nsrun_sys.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* Enough for execveat's frame and glibc's clone trampoline; the child never
 * runs Lua or Swift. One guard page below it turns an overflow into SIGSEGV
 * instead of silent corruption of the parent's heap. */
#define NSRUN_VM_STACK_SIZE (64 * 1024)

struct vm_exec_args {
    int dirfd;
    const char *path;
    char *const *argv;
    char *const *envp;
    int at_flags;
    int *exec_errno; /* shared with the parent: CLONE_VM */
};

static int vm_exec_child(void *p)
{
    struct vm_exec_args *a = p;

    syscall(__NR_execveat, a->dirfd, a->path, a->argv, a->envp, a->at_flags);
    /* Still here: the exec failed. The parent reads this after vfork
     * releases it; _exit, never exit: no atexit handlers, no stdio flush
     * of the parent's buffers. */
    *a->exec_errno = errno;
    _exit(127);
}

pid_t nsrun_sys_clone_vm_exec(unsigned long flags, int exit_signal,
                              int dirfd, const char *path,
                              char *const *argv, char *const *envp,
                              int at_flags, int *pidfd, int *exec_errno)
{
    long page = sysconf(_SC_PAGESIZE);
    size_t len = NSRUN_VM_STACK_SIZE + (size_t)page;
    struct vm_exec_args args = {
        .dirfd = dirfd, .path = path, .argv = argv, .envp = envp,
        .at_flags = at_flags, .exec_errno = exec_errno,
    };
    char *map;
    pid_t pid;
    int saved;

    *exec_errno = 0;
    *pidfd = -1;
    map = mmap(NULL, len, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (map == MAP_FAILED)
        return -1;
    /* The stack grows down: the guard is the lowest page. */
    if (mprotect(map, (size_t)page, PROT_NONE) < 0) {
        saved = errno;
        munmap(map, len);
        errno = saved;
        return -1;
    }

    pid = clone(vm_exec_child, map + len,
                (int)(flags | CLONE_PIDFD | (unsigned long)exit_signal),
                &args, pidfd);
    saved = errno;
    /* CLONE_VFORK: the child has exec'd or exited; its stack is free. */
    munmap(map, len);
    errno = saved;
    return pid;
}
