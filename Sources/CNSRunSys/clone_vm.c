/* The clone paths whose child shares the caller's memory
 * (CLONE_VM|CLONE_VFORK). They must be C: the child runs on a stack of its
 * own while the parent's frames stay live. nsrun_sys_clone_vm_exec's child
 * touches nothing but the arguments prepared for it, then execs;
 * nsrun_sys_clone_vm_call's child runs a function (a Lua child) and then
 * execs or _exits. */
#define _GNU_SOURCE 1
#include "nsrun_sys.h"

#include <errno.h>
#include <fcntl.h>
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

/* A Lua child's C stack: Lua's C-call limit (200 nested calls) times the
 * larger Swift binding frames. Reserved, not committed: a child touches a few
 * pages of it. */
#define NSRUN_VM_CALL_STACK_SIZE (8 * 1024 * 1024)

/* The reserved stack, kept for the next call: its touched pages are then
 * already there, and a set-A child costs no stack faults. `vm_call_busy` is
 * set while a child runs on it; a child that clones again gets a fresh one. */
static char *vm_call_stack;
static size_t vm_call_len;
static int vm_call_busy;

struct vm_call_args {
    int (*fn)(void *);
    void *arg;
};

static int vm_call_child(void *p)
{
    struct vm_call_args *a = p;

    /* _exit, never exit: no atexit handlers run in a process that shares
     * the caller's memory. */
    _exit(a->fn(a->arg));
}

static char *vm_stack(size_t *len)
{
    long page = sysconf(_SC_PAGESIZE);
    char *map;
    int saved;

    *len = NSRUN_VM_CALL_STACK_SIZE + (size_t)page;
    map = mmap(NULL, *len, PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK | MAP_NORESERVE, -1, 0);
    if (map == MAP_FAILED)
        return NULL;
    if (mprotect(map, (size_t)page, PROT_NONE) < 0) {
        saved = errno;
        munmap(map, *len);
        errno = saved;
        return NULL;
    }
    return map;
}

/* A stack for a child about to be cloned: the cached one, or a fresh one
 * when it is in use (a vfork child cloning again; *own is then set and the
 * caller unmaps it afterwards). Marks the cached stack busy. NULL and errno
 * if mmap fails. */
static char *vm_stack_acquire(size_t *len, int *own)
{
    char *map;

    *own = vm_call_busy;
    if (*own || vm_call_stack == NULL) {
        map = vm_stack(len);
        if (map == NULL)
            return NULL;
        if (!*own) {
            vm_call_stack = map;
            vm_call_len = *len;
        }
    } else {
        map = vm_call_stack;
        *len = vm_call_len;
    }
    vm_call_busy = 1;
    return map;
}

/* The child no longer runs on `map` (it exec'd or exited): free again. */
static void vm_stack_release(char *map, size_t len, int own)
{
    vm_call_busy = own;
    if (own)
        munmap(map, len);
}

pid_t nsrun_sys_clone_vm_call(unsigned long flags, int exit_signal,
                              int (*fn)(void *), void *arg, int *pidfd)
{
    struct vm_call_args args = { .fn = fn, .arg = arg };
    char *map;
    size_t len;
    int own, saved;
    pid_t pid;

    *pidfd = -1;
    map = vm_stack_acquire(&len, &own);
    if (map == NULL)
        return -1;
    pid = clone(vm_call_child, map + len,
                (int)(flags | CLONE_PIDFD | (unsigned long)exit_signal),
                &args, pidfd);
    saved = errno;
    /* CLONE_VFORK: the child has exec'd or exited. */
    vm_stack_release(map, len, own);
    errno = saved;
    return pid;
}

struct vm_sync_args {
    int (*fn)(void *);
    void *arg;
    int go_r, go_w, done_r;
};

static int vm_sync_child(void *p)
{
    struct vm_sync_args *a = p;
    char c = 0;
    ssize_t n;

    /* This fd table is the child's own copy: closing here leaves the
     * parent's ends open. done's write end stays, close-on-exec: the
     * parent reads EOF when this process has exec'd or exited. */
    close(a->go_w);
    close(a->done_r);
    do
        n = read(a->go_r, &c, 1);
    while (n < 0 && errno == EINTR);
    /* EOF: the parent gave up (it kills us too) or died. */
    if (n != 1 || c != 'g')
        _exit(1);
    close(a->go_r);
    _exit(a->fn(a->arg));
}

pid_t nsrun_sys_clone_vm_call_sync(unsigned long flags, int exit_signal,
                                   int (*fn)(void *), void *arg, int *pidfd,
                                   int (*step)(pid_t, void *), void *step_arg,
                                   int *step_failed)
{
    struct vm_sync_args args = { .fn = fn, .arg = arg };
    int go[2], done[2];
    char *map;
    size_t len;
    int own, saved, masked = 0;
    sigset_t old_mask;
    pid_t pid;
    char c;

    *pidfd = -1;
    *step_failed = 0;
    if (pipe2(go, O_CLOEXEC) < 0)
        return -1;
    if (pipe2(done, O_CLOEXEC) < 0) {
        saved = errno;
        close(go[0]);
        close(go[1]);
        errno = saved;
        return -1;
    }
    args.go_r = go[0];
    args.go_w = go[1];
    args.done_r = done[0];
    map = vm_stack_acquire(&len, &own);
    if (map == NULL) {
        saved = errno;
        close(go[0]); close(go[1]); close(done[0]); close(done[1]);
        errno = saved;
        return -1;
    }
    pid = clone(vm_sync_child, map + len,
                (int)((flags & ~(unsigned long)CLONE_VFORK) | CLONE_PIDFD | (unsigned long)exit_signal),
                &args, pidfd);
    saved = errno;
    close(go[0]);
    close(done[1]);
    if (pid > 0) {
        /* The child is blocked in read() on go: it touches no memory of
         * ours, so the step may allocate (malloc takes no lock in a process
         * glibc thinks single-threaded; nothing else runs now). */
        if (step(pid, step_arg) != 0) {
            *step_failed = 1;
            nsrun_sys_pidfd_send_signal(*pidfd, SIGKILL, 0);
        } else {
            /* From the go on the child runs in our memory, errno included
             * (it shares our thread pointer): with every signal blocked, no
             * call of ours below can fail with EINTR and write errno under
             * it. CLONE_VFORK holds signals back the same way. */
            sigset_t all;
            sigfillset(&all);
            sigprocmask(SIG_SETMASK, &all, &old_mask);
            masked = 1;
            c = 'g';
            while (write(go[1], &c, 1) < 0 && errno == EINTR)
                ;
        }
    }
    close(go[1]);
    /* As CLONE_VFORK would: return only when the child no longer runs in
     * our memory (exec'd or exited: EOF on done). Nothing here allocates. */
    if (pid > 0)
        while (read(done[0], &c, 1) < 0 && errno == EINTR)
            ;
    if (masked)
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
    close(done[0]);
    vm_stack_release(map, len, own);
    errno = saved;
    return pid;
}
