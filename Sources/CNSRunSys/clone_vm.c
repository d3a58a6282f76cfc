/* The clone paths whose child shares the caller's memory
 * (CLONE_VM|CLONE_VFORK). They must be C: the child runs on a stack of its
 * own while the parent's frames stay live. nsrun_sys_clone_vm_exec's child
 * touches nothing but the arguments prepared for it, then execs;
 * nsrun_sys_clone_vm_call's child runs a function (a Lua child) and then
 * execs or _exits; nsrun_sys_clone_vm_call_sync's may instead release its
 * parent early and live on as an init (init.c). */
#define _GNU_SOURCE 1
#include "nsrun_sys.h"
#include "clone_vm_internal.h"
#include "raw_syscall.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
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

/* Reserved stacks, kept for the next calls: their touched pages are then
 * already there, and a set-A child costs no stack faults. Two, because a
 * sandbox's first process (itself on one) starts its program on another.
 * A slot is busy while a child runs on it; a deeper nesting gets a fresh
 * stack, unmapped afterwards. */
#define NSRUN_VM_CACHED_STACKS 2

static struct {
    char *map;
    size_t len;
    int busy;
} vm_cache[NSRUN_VM_CACHED_STACKS];

/* The stacks of children that became inits (init.c), freed once the kernel
 * has cleared their `alive` word: it does so when the child exits, however
 * it ends (set_tid_address(2)). Only the parent walks or frees the list;
 * a child appends to it while its parent is blocked. */
static struct nsrun_vm_retired *vm_retired;

void nsrun_vm_retire(struct nsrun_vm_retired *r)
{
    r->next = vm_retired;
    vm_retired = r;
}

static void vm_reap_retired(void)
{
    struct nsrun_vm_retired **p = &vm_retired;

    while (*p) {
        struct nsrun_vm_retired *r = *p;
        if (__atomic_load_n(&r->alive, __ATOMIC_ACQUIRE) == 0) {
            *p = r->next;
            munmap(r->stack, r->len);
            free(r);
        } else {
            p = &r->next;
        }
    }
}

struct vm_call_args {
    int (*fn)(void *);
    void *arg;
};

/* The pid of the CLONE_VFORK child running now, and the sync child's
 * arguments (with its pid): set by each child as it starts, restored by its
 * parent once it returns, so that nested children see their own. */
static pid_t vm_vfork_self;
static struct vm_sync_args *vm_sync_self;

static int vm_call_child(void *p)
{
    struct vm_call_args *a = p;

    vm_vfork_self = (pid_t)syscall(SYS_getpid);
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

/* A stack for a child about to be cloned: a free cached one (reserved on
 * first use), or a fresh one when both are busy (*slot is then -1 and the
 * caller unmaps it afterwards). Frees the stacks of inits that have ended.
 * NULL and errno if mmap fails. */
static char *vm_stack_acquire(size_t *len, int *slot)
{
    char *map;
    int i;

    vm_reap_retired();
    for (i = 0; i < NSRUN_VM_CACHED_STACKS; i++) {
        if (vm_cache[i].busy)
            continue;
        if (vm_cache[i].map == NULL) {
            vm_cache[i].map = vm_stack(&vm_cache[i].len);
            if (vm_cache[i].map == NULL)
                return NULL;
        }
        vm_cache[i].busy = 1;
        *slot = i;
        *len = vm_cache[i].len;
        return vm_cache[i].map;
    }
    *slot = -1;
    map = vm_stack(len);
    return map;
}

/* The child no longer runs on `map` (it exec'd, exited, or moved to an
 * init stack of its own): free again. */
static void vm_stack_release(char *map, size_t len, int slot)
{
    if (slot >= 0)
        vm_cache[slot].busy = 0;
    else
        munmap(map, len);
}

int nsrun_vm_child_kind(void)
{
    pid_t self = (pid_t)syscall(SYS_getpid);

    if (vm_vfork_self == self)
        return NSRUN_VM_CHILD_VFORK;
    if (vm_sync_self != NULL && vm_sync_self->self == self)
        return NSRUN_VM_CHILD_SYNC;
    return NSRUN_VM_CHILD_NONE;
}

struct vm_sync_args *nsrun_vm_sync_self(void)
{
    return vm_sync_self;
}

pid_t nsrun_sys_clone_vm_call(unsigned long flags, int exit_signal,
                              int (*fn)(void *), void *arg, int *pidfd)
{
    struct vm_call_args args = { .fn = fn, .arg = arg };
    pid_t prev_self = vm_vfork_self;
    char *map;
    size_t len;
    int slot, saved;
    pid_t pid;

    *pidfd = -1;
    map = vm_stack_acquire(&len, &slot);
    if (map == NULL)
        return -1;
    pid = clone(vm_call_child, map + len,
                (int)(flags | CLONE_PIDFD | (unsigned long)exit_signal),
                &args, pidfd);
    saved = errno;
    /* CLONE_VFORK: the child has exec'd or exited. */
    vm_vfork_self = prev_self;
    vm_stack_release(map, len, slot);
    errno = saved;
    return pid;
}

/* Until the go, the parent runs too, in the same memory: the child makes
 * raw system calls only (no errno written) and writes nothing but `a`'s
 * fields the parent does not read meanwhile. */
static int vm_sync_child(void *p)
{
    struct vm_sync_args *a = p;
    char c = 0;
    long n;
    int failed_cap = 0, failed = 0;

    a->self = (pid_t)raw6(SYS_getpid, 0, 0, 0, 0, 0, 0);
    if (a->has_bounding)
        failed = nsrun_sys_bounding_keep(a->bounding_keep, &failed_cap);
    /* This fd table is the child's own copy: closing here leaves the
     * parent's ends open. done's write end stays, close-on-exec: the
     * parent reads EOF when this process has exec'd or exited. */
    raw6(SYS_close, a->go_w, 0, 0, 0, 0, 0);
    raw6(SYS_close, a->done_r, 0, 0, 0, 0, 0);
    do
        n = raw6(SYS_read, a->go_r, (long)&c, 1, 0, 0, 0);
    while (n == -EINTR);
    /* EOF: the parent gave up (it kills us too) or died. */
    if (n != 1 || c != 'g')
        _exit(1);
    /* Released: the parent waits for our exec or exit from here on. Only
     * now is the global ours to set (the parent may read it in its step:
     * it tells an init it is one). */
    vm_sync_self = a;
    close(a->go_r);
    if (failed)
        nsrun_sys_bounding_failed(failed_cap, failed);
    _exit(a->fn(a->arg));
}

pid_t nsrun_sys_clone_vm_call_sync(unsigned long flags, int exit_signal,
                                   int (*fn)(void *), void *arg, int *pidfd,
                                   int (*step)(pid_t, int, void *), void *step_arg,
                                   int *step_failed, const uint64_t *bounding_keep)
{
    struct vm_sync_args args = {
        .fn = fn, .arg = arg,
        .has_bounding = bounding_keep != NULL,
        .bounding_keep = bounding_keep ? *bounding_keep : 0,
    };
    struct vm_sync_args *prev_self = vm_sync_self;
    int go[2], done[2];
    char *map;
    size_t len;
    int slot, saved, masked = 0;
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
    args.done_w = done[1];
    map = vm_stack_acquire(&len, &slot);
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
        if (step(pid, *pidfd, step_arg) != 0) {
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
     * our memory or on our stack (exec'd, exited, or became an init on a
     * stack of its own: EOF on done). Nothing here allocates. */
    if (pid > 0)
        while (read(done[0], &c, 1) < 0 && errno == EINTR)
            ;
    if (masked)
        sigprocmask(SIG_SETMASK, &old_mask, NULL);
    close(done[0]);
    vm_sync_self = prev_self;
    vm_stack_release(map, len, slot);
    errno = saved;
    return pid;
}
