/* See nsrun_supervision.h. */
#define _GNU_SOURCE 1
#include "nsrun_supervision.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int fill_set(sigset_t *set, uint64_t mask)
{
    sigemptyset(set);
    for (int sig = 1; sig <= 64; sig++)
        if ((mask >> (sig - 1)) & 1)
            if (sigaddset(set, sig) < 0)
                return -1;
    return 0;
}

int nsrun_sys_sigmask(int how, uint64_t mask, uint64_t *old)
{
    int kernel_how;
    switch (how) {
    case NSRUN_SIGMASK_BLOCK: kernel_how = SIG_BLOCK; break;
    case NSRUN_SIGMASK_UNBLOCK: kernel_how = SIG_UNBLOCK; break;
    case NSRUN_SIGMASK_SET: kernel_how = SIG_SETMASK; break;
    default: errno = EINVAL; return -1;
    }
    sigset_t set, before;
    if (fill_set(&set, mask) < 0)
        return -1;
    if (sigprocmask(kernel_how, &set, &before) < 0)
        return -1;
    if (old) {
        uint64_t bits = 0;
        for (int sig = 1; sig <= 64; sig++)
            if (sigismember(&before, sig) == 1)
                bits |= (uint64_t)1 << (sig - 1);
        *old = bits;
    }
    return 0;
}

int nsrun_sys_signalfd(uint64_t mask)
{
    sigset_t set;
    if (fill_set(&set, mask) < 0)
        return -1;
    return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

int nsrun_sys_signalfd_read(int fd, int32_t *signals, int capacity)
{
    struct signalfd_siginfo records[64];
    if (capacity < 1 || capacity > 64) {
        errno = EINVAL;
        return -1;
    }
    ssize_t n = read(fd, records, (size_t)capacity * sizeof records[0]);
    if (n < 0)
        return -1;
    if (n == 0 || n % (ssize_t)sizeof records[0] != 0) {
        errno = EINVAL;
        return -1;
    }
    int count = (int)(n / (ssize_t)sizeof records[0]);
    for (int i = 0; i < count; i++)
        signals[i] = (int32_t)records[i].ssi_signo;
    return count;
}

int nsrun_sys_wait_child(pid_t pid, int nohang, int *code, int *status,
                         pid_t *reaped)
{
    siginfo_t info;
    info.si_pid = 0; /* WNOHANG with nothing to reap leaves it untouched */
    info.si_code = 0;
    info.si_status = 0;
    idtype_t type = pid == -1 ? P_ALL : P_PID;
    id_t id = pid == -1 ? 0 : (id_t)pid;
    if (waitid(type, id, &info, WEXITED | __WALL | (nohang ? WNOHANG : 0)) < 0)
        return -1;
    *code = info.si_code;
    *status = info.si_status;
    *reaped = info.si_pid;
    return 0;
}

pid_t nsrun_sys_getppid(void)
{
    return (pid_t)syscall(SYS_getppid);
}

int nsrun_sys_prctl_pdeathsig(int sig)
{
    return prctl(PR_SET_PDEATHSIG, (unsigned long)sig, 0UL, 0UL, 0UL);
}

int nsrun_sys_prctl_get_pdeathsig(int *sig)
{
    int value = 0;
    if (prctl(PR_GET_PDEATHSIG, (unsigned long)&value, 0UL, 0UL, 0UL) < 0)
        return -1;
    *sig = value;
    return 0;
}

int nsrun_sys_rusage(int children, int64_t *utime_usec, int64_t *stime_usec,
                     int64_t *maxrss_kib)
{
    struct rusage usage;
    if (getrusage(children ? RUSAGE_CHILDREN : RUSAGE_SELF, &usage) < 0)
        return -1;
    *utime_usec = (int64_t)usage.ru_utime.tv_sec * 1000000 + usage.ru_utime.tv_usec;
    *stime_usec = (int64_t)usage.ru_stime.tv_sec * 1000000 + usage.ru_stime.tv_usec;
    *maxrss_kib = usage.ru_maxrss;
    return 0;
}
