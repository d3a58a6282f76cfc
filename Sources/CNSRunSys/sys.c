/* Raw syscalls: fixed-arity wrappers over variadic syscall(2), which Swift
 * cannot call. See nsrun_sys.h for each contract. */
#define _GNU_SOURCE 1
#include "nsrun_sys.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif

extern char **environ;

pid_t nsrun_sys_clone3(struct nsrun_clone_args *args, size_t size)
{
    return (pid_t)syscall(__NR_clone3, args, size);
}

pid_t nsrun_sys_clone_legacy(unsigned long flags, int *pidfd)
{
#if defined(__s390x__) || defined(__s390__) || defined(__CRIS__)
    /* s390/s390x and cris: the stack comes first, the flags second. */
    return (pid_t)syscall(__NR_clone, NULL, flags, pidfd);
#elif defined(__ia64__)
    /* ia64: stack and stack size are separate arguments. */
    return (pid_t)syscall(__NR_clone, flags, NULL, 0UL, pidfd);
#else
    /* x86_64, aarch64 and the rest: flags, stack, parent_tid, ... */
    return (pid_t)syscall(__NR_clone, flags, NULL, pidfd);
#endif
}

pid_t nsrun_sys_getpid(void)
{
    return (pid_t)syscall(SYS_getpid);
}

pid_t nsrun_sys_gettid(void)
{
    return (pid_t)syscall(SYS_gettid);
}

int nsrun_sys_pidfd_send_signal(int pidfd, int sig, unsigned int flags)
{
    return (int)syscall(__NR_pidfd_send_signal, pidfd, sig, NULL, flags);
}

int nsrun_sys_pidfd_open(pid_t pid, unsigned int flags)
{
    return (int)syscall(__NR_pidfd_open, pid, flags);
}

int nsrun_sys_waitid_pidfd(int pidfd, int options, int *code, int *status,
                           pid_t *pid)
{
    siginfo_t info = {0};
    int ret;

    do {
        /* __WALL: children whose exit signal is not SIGCHLD (clone with
         * exit_signal=) are reaped too. A CLONE_PARENT child is the
         * caller's sibling, not its child: waiting for it gives ECHILD. */
        ret = waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, options | __WALL);
    } while (ret < 0 && errno == EINTR);
    if (ret < 0)
        return -1;
    *code = info.si_code;
    *status = info.si_status;
    *pid = info.si_pid;
    return 0;
}

int nsrun_sys_execveat(int dirfd, const char *path, char *const *argv,
                       char *const *envp, int flags)
{
    return (int)syscall(__NR_execveat, dirfd, path, argv, envp, flags);
}

void nsrun_sys_flush_stdio(void)
{
    fflush(NULL);
}

char **nsrun_sys_environ(void)
{
    return environ;
}

#ifndef __NR_openat2
#define __NR_openat2 437
#endif

int nsrun_sys_openat2(int dirfd, const char *path, uint64_t flags,
                      uint64_t mode, uint64_t resolve)
{
    /* struct open_how (include/uapi/linux/openat2.h): three u64 fields. */
    struct {
        uint64_t flags;
        uint64_t mode;
        uint64_t resolve;
    } how = { flags, mode, resolve };

    return (int)syscall(__NR_openat2, dirfd, path, &how, sizeof how);
}

int nsrun_sys_unshare(int flags)
{
    return unshare(flags);
}

int nsrun_sys_setns(int fd, int nstype)
{
    return setns(fd, nstype);
}

int nsrun_sys_setresuid(uid_t ruid, uid_t euid, uid_t suid)
{
    return setresuid(ruid, euid, suid);
}

int nsrun_sys_setresgid(gid_t rgid, gid_t egid, gid_t sgid)
{
    return setresgid(rgid, egid, sgid);
}

int nsrun_sys_pipe2(int fds[2], int flags)
{
    return pipe2(fds, flags);
}

int nsrun_sys_dup3(int oldfd, int newfd, int flags)
{
    return dup3(oldfd, newfd, flags);
}

int nsrun_sys_fstatfs_type(int fd, int64_t *type)
{
    struct statfs st;

    if (fstatfs(fd, &st) < 0)
        return -1;
    *type = (int64_t)st.f_type;
    return 0;
}

int nsrun_sys_o_path(void)
{
    return O_PATH;
}

int nsrun_sys_waitid_pidfd_usage(int pidfd, int options, int *code, int *status,
                                 pid_t *pid, struct nsrun_wait_usage *usage)
{
    siginfo_t info = {0};
    struct rusage ru = {0};
    long ret;

    do {
        ret = syscall(SYS_waitid, P_PIDFD, pidfd, &info, options | __WALL, &ru);
    } while (ret < 0 && errno == EINTR);
    if (ret < 0)
        return -1;
    *code = info.si_code;
    *status = info.si_status;
    *pid = info.si_pid;
    usage->user_us = (int64_t)ru.ru_utime.tv_sec * 1000000 + ru.ru_utime.tv_usec;
    usage->system_us = (int64_t)ru.ru_stime.tv_sec * 1000000 + ru.ru_stime.tv_usec;
    usage->maxrss_kb = ru.ru_maxrss;
    return 0;
}
