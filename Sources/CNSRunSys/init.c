/* nsrun_sys_become_init: the sandbox's pid 1 in C. Its reason to be C: a
 * first process cloned with vfork semantics (CLONE_VM) shares the memory
 * of the nsrun that started it; once released, that nsrun runs Lua and
 * Swift again, so this process may only touch its own stack and may only
 * make raw system calls (glibc's wrappers write errno, which is the
 * parent's: same thread pointer). */
#define _GNU_SOURCE 1
#include "nsrun_init.h"
#include "clone_vm_internal.h"
#include "raw_syscall.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_pidfd_send_signal
#define SYS_pidfd_send_signal 424
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef SYS_close_range
#define SYS_close_range 436
#endif

/* The init's own stack: its frames are a few hundred bytes, a read buffer
 * of forwarded signals 1 KiB. A guard page below it. */
#define NSRUN_INIT_STACK_SIZE (32 * 1024)

/* The kernel's sigset: 64 bits. */
#define KERNEL_SIGSET_SIZE 8

/* Appends the decimal `v` (0..999) to `p`; returns the new end. */
static char *put_uint(char *p, int v)
{
    if (v >= 100)
        *p++ = (char)('0' + v / 100);
    if (v >= 10)
        *p++ = (char)('0' + v / 10 % 10);
    *p++ = (char)('0' + v % 10);
    return p;
}

static char *put_str(char *p, const char *s)
{
    while (*s)
        *p++ = *s++;
    return p;
}

/* "exit N -", "signal N core" or "signal N -": what the Lua init wrote. */
static void report_end(int fd, int code, int status)
{
    char buf[32], *p = buf;

    if (fd < 0)
        return;
    if (code == CLD_EXITED) {
        p = put_str(p, "exit ");
        p = put_uint(p, status & 0xff);
        p = put_str(p, " -");
    } else {
        p = put_str(p, "signal ");
        p = put_uint(p, status & 0x7f);
        p = put_str(p, code == CLD_DUMPED ? " core" : " -");
    }
    raw3(SYS_write, fd, buf, p - buf);
}

/* Closes every fd from 3 up but those of `c` and `also` (-1: none): an
 * inherited pipe end held by the init would keep the program, or the
 * supervisor, from ever seeing EOF on it. */
static void close_others(const struct nsrun_init_config *c, int also)
{
    int keep[4] = { c->pidfd, c->forward_fd, c->status_fd, also };
    int from = 3, i, j, t;

    /* Four values: an insertion sort. */
    for (i = 1; i < 4; i++)
        for (j = i; j > 0 && keep[j - 1] > keep[j]; j--) {
            t = keep[j];
            keep[j] = keep[j - 1];
            keep[j - 1] = t;
        }
    for (i = 0; i < 4; i++) {
        if (keep[i] < from)
            continue;
        if (keep[i] > from)
            raw3(SYS_close_range, from, keep[i] - 1, 0);
        from = keep[i] + 1;
    }
    raw3(SYS_close_range, from, ~0U, 0);
}

static __attribute__((noreturn)) void init_loop(const struct nsrun_init_config *c)
{
    uint64_t chld_mask = 1ULL << (SIGCHLD - 1);
    struct signalfd_siginfo sigs[8];
    struct pollfd fds[3];
    int chld, nfds, i, exit_status = -1, forward = c->forward_fd;
    long n;

    /* Orphans' ends wake us too; a SIGCHLD already pending is read from
     * it as well (signalfd reports pending signals). */
    chld = (int)raw4(SYS_signalfd4, -1, &chld_mask, KERNEL_SIGSET_SIZE, SFD_CLOEXEC | SFD_NONBLOCK);
    for (;;) {
        /* Reap whatever ended: orphans re-parented to us, and the program. */
        for (;;) {
            siginfo_t si;
            si.si_pid = 0;
            if (raw5(SYS_waitid, P_ALL, 0, &si, WEXITED | WNOHANG | __WALL, 0) < 0 || si.si_pid == 0)
                break;
            if (si.si_pid == c->pid) {
                /* pid 1 cannot die by the program's signal; the supervisor
                 * learns the program's real end from status_fd. */
                report_end(c->status_fd, si.si_code, si.si_status);
                exit_status = si.si_code == CLD_EXITED ? (si.si_status & 0xff) : 128 + (si.si_status & 0x7f);
            }
        }
        if (exit_status >= 0)
            break;
        nfds = 0;
        fds[nfds].fd = c->pidfd;
        fds[nfds++].events = POLLIN;
        if (chld >= 0) {
            fds[nfds].fd = chld;
            fds[nfds++].events = POLLIN;
        }
        if (forward >= 0) {
            fds[nfds].fd = forward;
            fds[nfds++].events = POLLIN;
        }
        /* Every signal is blocked: no EINTR to loop on. */
        if (raw5(SYS_ppoll, fds, nfds, 0, 0, KERNEL_SIGSET_SIZE) < 0)
            continue;
        for (i = 0; i < nfds; i++) {
            if (fds[i].fd == forward && (fds[i].revents & (POLLNVAL | POLLERR | POLLHUP))) {
                forward = -1; /* not a signalfd after all: poll it no more */
                continue;
            }
            if (!(fds[i].revents & POLLIN) || fds[i].fd == c->pidfd)
                continue;
            while ((n = raw3(SYS_read, fds[i].fd, sigs, sizeof sigs)) > 0) {
                if (fds[i].fd != forward)
                    continue; /* SIGCHLD: the reaping above is the answer */
                for (long k = 0; k < n / (long)sizeof sigs[0]; k++)
                    raw4(SYS_pidfd_send_signal, c->pidfd, sigs[k].ssi_signo, 0, 0);
            }
        }
    }
    /* Whatever the program left behind dies with the namespace. */
    raw1(SYS_exit_group, exit_status);
    __builtin_unreachable();
}

/* What the init needs on its new stack: nothing of the parent's. */
struct init_frame {
    struct nsrun_init_config config;
    int release_fd;
};

static __attribute__((noreturn, used)) void init_entry(struct init_frame *f)
{
    close_others(&f->config, f->release_fd);
    /* EOF on the parent's done pipe: it resumes, as after an exec. Nothing
     * below reads the parent's memory. */
    raw1(SYS_close, f->release_fd);
    init_loop(&f->config);
}

/* Moves to the stack whose top is `top` (16-byte aligned) and calls
 * init_entry(f) there. */
static __attribute__((noreturn)) void switch_stack(char *top, struct init_frame *f)
{
#if defined(__x86_64__)
    __asm__ volatile("mov %0, %%rsp\n\t"
                     "xor %%ebp, %%ebp\n\t"
                     "call *%1\n\t"
                     "ud2"
                     :
                     : "r"(top), "r"(init_entry), "D"(f)
                     : "memory");
#elif defined(__aarch64__)
    register struct init_frame *x0 __asm__("x0") = f;
    __asm__ volatile("mov sp, %0\n\t"
                     "mov x29, xzr\n\t"
                     "blr %1\n\t"
                     "brk #0"
                     :
                     : "r"(top), "r"(init_entry), "r"(x0)
                     : "memory", "x30");
#endif
    __builtin_unreachable();
}

int nsrun_sys_become_init(const struct nsrun_init_config *config)
{
    struct nsrun_vm_retired *retired;
    struct init_frame *f;
    struct vm_sync_args *sync;
    long page = sysconf(_SC_PAGESIZE);
    size_t len = NSRUN_INIT_STACK_SIZE + (size_t)page;
    sigset_t all;
    char *map, *top;
    int kind = nsrun_vm_child_kind();

    if (kind == NSRUN_VM_CHILD_VFORK) {
        errno = EINVAL;
        return -1;
    }
    /* Only a child of ours can be reaped: anything else would leave the
     * loop waiting forever (WNOWAIT: nothing is consumed). */
    {
        siginfo_t si;
        long r = raw5(SYS_waitid, P_PIDFD, config->pidfd, &si, WEXITED | WNOHANG | WNOWAIT | __WALL, 0);
        if (r < 0) {
            errno = (int)-r;
            return -1;
        }
    }
    sigfillset(&all);
    if (kind == NSRUN_VM_CHILD_NONE) {
        /* Memory of its own: the loop can run right here. */
        sigprocmask(SIG_SETMASK, &all, NULL);
        close_others(config, -1);
        init_loop(config);
    }
    /* A sync child: the parent is blocked until we release it, so malloc
     * and the retired list are still ours to use. */
    sync = nsrun_vm_sync_self();
    retired = malloc(sizeof *retired);
    if (retired == NULL)
        return -1;
    map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (map == MAP_FAILED) {
        free(retired);
        errno = ENOMEM;
        return -1;
    }
    /* The guard: an overflow faults instead of writing the parent's heap. */
    if (mprotect(map, (size_t)page, PROT_NONE) < 0) {
        munmap(map, len);
        free(retired);
        errno = ENOMEM;
        return -1;
    }
    sigprocmask(SIG_SETMASK, &all, NULL);
    retired->stack = map;
    retired->len = len;
    retired->alive = 1;
    nsrun_vm_retire(retired);
    /* From here the kernel clears `alive` when this process exits, SIGKILL
     * included: the parent then frees the stack (clone_vm.c). */
    raw1(SYS_set_tid_address, &retired->alive);
    top = map + len - sizeof *f;
    top = (char *)((uintptr_t)top & ~(uintptr_t)15);
    f = (struct init_frame *)top;
    f->config = *config;
    f->release_fd = sync->done_w;
    switch_stack(top, f);
}
