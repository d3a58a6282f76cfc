/* CNSRunSys: the raw syscalls and clone paths Swift cannot express.
 *
 * Everything here returns -1 and leaves errno set on failure (never -errno),
 * so Swift reads errno exactly once, right after the call.
 */
#ifndef NSRUN_SYS_H
#define NSRUN_SYS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <signal.h>

#pragma clang assume_nonnull begin

/* The clone3 argument block, laid out as the kernel's struct clone_args
 * (include/uapi/linux/sched.h). Published sizes: VER0 64 bytes (up to tls),
 * VER1 80 (set_tid, set_tid_size), VER2 88 (cgroup). */
struct nsrun_clone_args {
    uint64_t flags;
    uint64_t pidfd;
    uint64_t child_tid;
    uint64_t parent_tid;
    uint64_t exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t tls;
    uint64_t set_tid;
    uint64_t set_tid_size;
    uint64_t cgroup;
} __attribute__((aligned(8)));

/* clone3(2) without a stack: fork semantics, returns 0 in the child and the
 * child's pid in the parent. A plain (not returns_twice) function on purpose:
 * without CLONE_VM the child runs on its own copy of memory, exactly as after
 * fork(), so the caller's frame is valid in both processes. Never pass
 * CLONE_VM here: the child would share the caller's stack. */
pid_t nsrun_sys_clone3(struct nsrun_clone_args *args, size_t size);

/* The legacy clone(2) syscall with fork semantics, argument order per
 * architecture as LXC's __lxc_raw_clone: x86_64 and aarch64 take
 * (flags, stack, parent_tid, child_tid, tls); s390/s390x and cris swap the
 * first two (stack, flags, ...). `flags` carries the exit signal in its low
 * byte. With CLONE_PIDFD the kernel stores the pidfd through `pidfd` (the
 * parent_tid slot). Same memory rule as nsrun_sys_clone3. */
pid_t nsrun_sys_clone_legacy(unsigned long flags, int *_Nullable pidfd);

/* Clone a child that shares the caller's memory (CLONE_VM|CLONE_VFORK) on a
 * separate mmap'd stack with a PROT_NONE guard page below it, and exec in it.
 * The child only calls execveat and _exit: nothing that allocates, locks or
 * touches the parent's state. `dirfd`/`path`/`at_flags` are as execveat(2)
 * (AT_FDCWD with an absolute path is plain execve).
 *
 * The parent is suspended until the child has exec'd or exited (vfork). On
 * return: the child's pid (>0) and *pidfd set (CLONE_PIDFD is always added);
 * *exec_errno is 0 if the exec happened, else the exec's errno and the child
 * has already _exit(127)ed (the caller must still reap it). -1 and errno if
 * the clone itself failed (nothing to reap). Uses glibc's clone(), i.e. the
 * legacy syscall: flags that need clone3 (CLONE_NEWTIME, CLONE_CLEAR_SIGHAND,
 * CLONE_INTO_CGROUP) fail with EINVAL; callers refuse them first. */
pid_t nsrun_sys_clone_vm_exec(unsigned long flags, int exit_signal,
                              int dirfd, const char *path,
                              char *_Nullable const *_Nonnull argv,
                              char *_Nullable const *_Nonnull envp,
                              int at_flags, int *pidfd, int *exec_errno);

/* vfork semantics with a function: clone(2) with `flags` (which hold
 * CLONE_VM|CLONE_VFORK) | CLONE_PIDFD | exit_signal; the child runs
 * `fn(arg)` on a stack of its own (guard page below it; reserved once and
 * reused by later calls, a fresh one when called from such a child) and
 * then _exit()s with fn's result, unless it exec'd first. The child shares
 * the caller's memory, file-descriptor table excepted, and the caller is
 * suspended until the child has exec'd or exited; fn may therefore change
 * the caller's memory but must leave it consistent, and must never wait for
 * the caller (deadlock). On return: the child's pid (>0) and *pidfd set;
 * -1 and errno if the clone failed (nothing to reap). Legacy clone(), as
 * nsrun_sys_clone_vm_exec: callers refuse the flags that need clone3. */
pid_t nsrun_sys_clone_vm_call(unsigned long flags, int exit_signal,
                              int (*_Nonnull fn)(void *_Nullable), void *_Nullable arg,
                              int *pidfd);

/* nsrun_sys_clone_vm_call with a step in between: the child is cloned
 * CLONE_VM without CLONE_VFORK (which would suspend the caller) and waits
 * on a close-on-exec pipe; the caller runs `step(pid, pidfd, step_arg)`
 * (writing a new user namespace's maps, a Lua after_clone), then releases
 * the child, then waits until it has exec'd or exited (EOF on a second
 * close-on-exec pipe), as CLONE_VFORK would, or until it became an init on
 * a stack of its own (nsrun_sys_become_init, nsrun_init.h). A nonzero step
 * result: the child is sent SIGKILL before it runs `fn`, *step_failed is
 * set, and the pid is still returned (the caller reaps it). The stack and
 * flags rules are nsrun_sys_clone_vm_call's. With `bounding_keep`, the
 * child first runs nsrun_sys_bounding_keep(*bounding_keep), beside the
 * step if it has a CPU of its own, then waits for the release; if a drop
 * failed it does not run `fn` once released, and ends through
 * nsrun_sys_bounding_failed (status 1). */
pid_t nsrun_sys_clone_vm_call_sync(unsigned long flags, int exit_signal,
                                   int (*_Nonnull fn)(void *_Nullable), void *_Nullable arg,
                                   int *pidfd,
                                   int (*_Nonnull step)(pid_t, int, void *_Nullable), void *_Nullable step_arg,
                                   int *step_failed, const uint64_t *_Nullable bounding_keep);

/* A child's bounding-set prelude (clone's `bounding_set`): empties the
 * calling thread's capability bounding set but for the capabilities in
 * `keep` (bit n: capability n), dropping from 0 up until the kernel answers
 * EINVAL (past its last capability). Only the bounding set changes: the
 * caller keeps its effective and permitted capabilities, and loses only
 * what a later exec could have given it. Needs CAP_SETPCAP in the caller's
 * user namespace, unless every capability to drop is already gone. Raw
 * system calls only (raw_syscall.h): safe in a child running beside the
 * process whose memory it shares. Returns 0, or the
 * errno of the first drop that failed, its capability in *failed_cap; the
 * drops before it stay made. */
int nsrun_sys_bounding_keep(uint64_t keep, int *failed_cap);

/* A child whose bounding-set prelude failed, before it runs any of its
 * function: "nsrun: child PID: bounding_set: PR_CAPBSET_DROP of capability
 * N: <strerror>" on stderr, then _exit(1). Call it only when no process
 * that shares the caller's memory runs (the parent is suspended or is
 * waiting for the child). */
_Noreturn void nsrun_sys_bounding_failed(int cap, int err);

/* Raw getpid(2)/gettid(2): right after a raw clone glibc's caches may be
 * stale (glibc < 2.25 cached the pid), so the child asks the kernel. */
pid_t nsrun_sys_getpid(void);
pid_t nsrun_sys_gettid(void);

/* pidfd_send_signal(2) with no siginfo. */
int nsrun_sys_pidfd_send_signal(int pidfd, int sig, unsigned int flags);

/* pidfd_open(2): a close-on-exec pidfd for `pid` (flags 0 or PIDFD_NONBLOCK). */
int nsrun_sys_pidfd_open(pid_t pid, unsigned int flags);

/* waitid(P_PIDFD, pidfd, ...): fills the fields a caller needs, so Swift
 * never touches siginfo_t's unions. *code is CLD_EXITED, CLD_KILLED,
 * CLD_DUMPED, ... ; *pid is 0 when WNOHANG found nothing to reap. */
int nsrun_sys_waitid_pidfd(int pidfd, int options, int *code, int *status,
                           pid_t *pid);

/* What the reaped child (and the descendants it waited for) used: the raw
 * waitid syscall's fifth argument, which glibc's waitid does not expose. */
struct nsrun_wait_usage {
    int64_t user_us;
    int64_t system_us;
    int64_t maxrss_kb;
};

/* nsrun_sys_waitid_pidfd, also filling *usage. */
int nsrun_sys_waitid_pidfd_usage(int pidfd, int options, int *code, int *status,
                                 pid_t *pid, struct nsrun_wait_usage *usage);

/* execveat(2). Returns only on failure. */
int nsrun_sys_execveat(int dirfd, const char *path,
                       char *_Nullable const *_Nonnull argv,
                       char *_Nullable const *_Nonnull envp, int flags);

/* Flush every stdio stream (Lua's io library writes through C stdio): called
 * before every clone and exec so buffered output is written once, by the
 * process that produced it. */
void nsrun_sys_flush_stdio(void);

/* The process environment, for exec calls that inherit it. */
char *_Nullable *_Nonnull nsrun_sys_environ(void);

/* openat2(2) (Linux 5.6) with a struct open_how built here from its three
 * fields: `flags` (O_*), `mode`, `resolve` (RESOLVE_*). Fails with ENOSYS on
 * older kernels: ProcFile falls back to openat(2) with its own checks;
 * the mount calls need it (Linux 5.12 for mount_setattr anyway). */
int nsrun_sys_openat2(int dirfd, const char *path, uint64_t flags,
                      uint64_t mode, uint64_t resolve);

/* _GNU_SOURCE functions Swift's Glibc module does not import: thin
 * wrappers with the same contract (-1 and errno on failure). */
int nsrun_sys_unshare(int flags);
int nsrun_sys_setns(int fd, int nstype);
int nsrun_sys_setresuid(uid_t ruid, uid_t euid, uid_t suid);
int nsrun_sys_setresgid(gid_t rgid, gid_t egid, gid_t sgid);
int nsrun_sys_pipe2(int fds[_Nonnull 2], int flags);
int nsrun_sys_dup3(int oldfd, int newfd, int flags);

/* fstatfs(2), reporting only the filesystem type (f_type) through *type. */
int nsrun_sys_fstatfs_type(int fd, int64_t *type);

/* This architecture's O_PATH (not visible without _GNU_SOURCE). */
int nsrun_sys_o_path(void);

#pragma clang assume_nonnull end

#endif
