/* Process supervision: signal masks and signalfd, waiting for any child,
 * the parent-death signal, getppid and resource usage. Fixed-arity wrappers
 * for what Swift cannot call (prctl is variadic) or cannot read cleanly
 * (sigset_t is opaque, siginfo_t and signalfd_siginfo are unions/packed
 * records, getrusage's `who` is an enum or an int depending on feature
 * macros). Each returns -1 with errno set on failure, never -errno.
 *
 * Signal sets cross this boundary as a 64-bit mask: bit n-1 stands for
 * signal n (1..64). Callers keep 32 and 33 out of it: glibc reserves them
 * for its own threads and sigaddset refuses them (EINVAL). */
#ifndef NSRUN_SUPERVISION_H
#define NSRUN_SUPERVISION_H

#include <stdint.h>
#include <sys/types.h>

#pragma clang assume_nonnull begin

/* Values of `how` for nsrun_sys_sigmask (the kernel's SIG_BLOCK,
 * SIG_UNBLOCK, SIG_SETMASK). */
enum {
    NSRUN_SIGMASK_BLOCK = 0,
    NSRUN_SIGMASK_UNBLOCK = 1,
    NSRUN_SIGMASK_SET = 2,
};

/* sigprocmask(2) of the calling thread (nsrun has only one) with the
 * signals of `mask`; the mask before the change is stored in *old when
 * `old` is not NULL. EINVAL for an unknown `how` or a reserved signal. */
int nsrun_sys_sigmask(int how, uint64_t mask, uint64_t *_Nullable old);

/* signalfd(2) for the signals of `mask`: a new fd, always
 * SFD_CLOEXEC | SFD_NONBLOCK. It does not block anything: the caller
 * blocks the signals first, or they take their default action instead. */
int nsrun_sys_signalfd(uint64_t mask);

/* One read(2) of at most `capacity` signalfd_siginfo records from `fd`,
 * their signal numbers stored in signals[0..n-1]. Returns n (≥ 1; a read
 * taking fewer than `capacity` records drained what was pending), or -1 with
 * errno: EAGAIN when nothing is pending on a non-blocking fd, EBADF, and
 * EINVAL when what was read is not a whole number of records (`fd` is not a
 * signalfd). `capacity` is 1..64. */
int nsrun_sys_signalfd_read(int fd, int32_t *signals, int capacity);

/* waitid(2) for `pid` (> 0) or any child (-1), with
 * WEXITED | __WALL [| WNOHANG]: reaps one child that has exited, whatever
 * its exit signal. *code is CLD_EXITED, CLD_KILLED or CLD_DUMPED, *status
 * the exit code or the signal; *reaped the child's pid, or 0 when `nohang`
 * found nothing to reap. ECHILD when there is no such child. EINTR is
 * passed up. */
int nsrun_sys_wait_child(pid_t pid, int nohang, int *code, int *status,
                         pid_t *reaped);

/* Raw getppid(2): 0 when the parent is outside the caller's pid namespace
 * (the namespace's pid 1, or a process that joined it with setns). */
pid_t nsrun_sys_getppid(void);

/* prctl(PR_SET_PDEATHSIG, sig): `sig` (0 clears) is sent to the caller when
 * the thread that created it exits. prctl(PR_GET_PDEATHSIG) into *sig. */
int nsrun_sys_prctl_pdeathsig(int sig);
int nsrun_sys_prctl_get_pdeathsig(int *sig);

/* getrusage(2): RUSAGE_CHILDREN when `children` is non-zero, else
 * RUSAGE_SELF. Times in microseconds, the peak resident set in KiB. */
int nsrun_sys_rusage(int children, int64_t *utime_usec, int64_t *stime_usec,
                     int64_t *maxrss_kib);

#pragma clang assume_nonnull end

#endif
