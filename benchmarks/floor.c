/*
 * floor.c — the floor for "set A": the cheapest possible version of the
 * sandbox that benchmarks/set_a.lua builds through nsrun.
 *
 * Contract:
 *   What it measures: the kernel's own cost of set A, with no runtime on top.
 *   One sandbox is:
 *     clone3(CLONE_PIDFD|CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWIPC,
 *            exit_signal SIGCHLD, fork semantics: no stack)
 *     child:  mount(NULL, "/", NULL, MS_REC|MS_PRIVATE, NULL)
 *             mount("proc", "/proc", "proc", MS_NOSUID|MS_NODEV|MS_NOEXEC, NULL)
 *             execve("/bin/true")
 *     parent: waitid(P_PIDFD, pidfd, WEXITED), the child must exit 0.
 *   Any nsrun overhead is measured against this program (DESIGN.md 2.5).
 *
 *   Usage: floor [N]   run N sandboxes one after another (default 1), so a
 *                      throughput comparison can amortise process start-up.
 *   Output: nothing on success (exit 0). On failure: a perror-style message
 *   on stderr naming the failing step, and a non-zero exit status.
 *
 *   Needs root (or CAP_SYS_ADMIN) and a kernel with clone3 and P_PIDFD (5.4+).
 *   Build: cc -O2 -o .build/bench/floor benchmarks/floor.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef SYS_clone3
#define SYS_clone3 435
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

/* Our own copy of clone3's argument block (version 0, 64 bytes), so the
 * program builds with older kernel headers too. */
struct clone_args_v0 {
    uint64_t flags;
    uint64_t pidfd;
    uint64_t child_tid;
    uint64_t parent_tid;
    uint64_t exit_signal;
    uint64_t stack;
    uint64_t stack_size;
    uint64_t tls;
};

static char *const true_argv[] = {"true", NULL};
extern char **environ;

/* The child has its own copy of memory (fork semantics), so perror is safe;
 * it ends with _exit so nothing buffered in the parent is flushed twice.
 * Distinct statuses tell which step failed even if stderr is lost. */
static void child(void)
{
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        perror("floor: child: mount / rec-private");
        _exit(125);
    }
    if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) != 0) {
        perror("floor: child: mount proc on /proc");
        _exit(126);
    }
    execve("/bin/true", true_argv, environ); /* like nsrun: env inherited */
    perror("floor: child: execve /bin/true");
    _exit(127);
}

static int one_sandbox(void)
{
    int pidfd = -1;
    struct clone_args_v0 args;
    memset(&args, 0, sizeof args);
    args.flags = CLONE_PIDFD | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC;
    args.pidfd = (uint64_t)(uintptr_t)&pidfd;
    args.exit_signal = SIGCHLD;

    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) {
        perror("floor: clone3");
        return -1;
    }
    if (pid == 0)
        child(); /* never returns */

    siginfo_t info;
    memset(&info, 0, sizeof info);
    int rc;
    do
        rc = waitid((idtype_t)P_PIDFD, (id_t)pidfd, &info, WEXITED);
    while (rc != 0 && errno == EINTR);
    if (rc != 0) {
        perror("floor: waitid P_PIDFD");
        close(pidfd);
        return -1;
    }
    close(pidfd);
    if (info.si_code != CLD_EXITED || info.si_status != 0) {
        fprintf(stderr, "floor: child %ld ended with %s %d\n", pid,
                info.si_code == CLD_EXITED ? "exit status" : "signal", info.si_status);
        return -1;
    }
    return 0;
}

int main(int argc, char **argv)
{
    long n = 1;
    if (argc > 2) {
        fprintf(stderr, "usage: floor [N]\n");
        return 2;
    }
    if (argc == 2) {
        char *end;
        errno = 0;
        n = strtol(argv[1], &end, 10);
        if (errno != 0 || *end != '\0' || end == argv[1] || n < 1) {
            fprintf(stderr, "floor: bad count '%s' (want an integer >= 1)\n", argv[1]);
            return 2;
        }
    }
    for (long i = 0; i < n; i++)
        if (one_sandbox() != 0)
            return 1;
    return 0;
}
