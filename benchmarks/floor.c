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
 *
 *   Set G (floor --set g [N]) is set A plus the net, user and cgroup
 *   namespaces, with the user namespace's maps written, as
 *   benchmarks/set_g.lua does it:
 *     pipe2(O_CLOEXEC)
 *     clone3(CLONE_PIDFD|CLONE_NEWUSER|CLONE_NEWPID|CLONE_NEWNS|CLONE_NEWUTS|
 *            CLONE_NEWIPC|CLONE_NEWNET|CLONE_NEWCGROUP, SIGCHLD, no stack)
 *     child:  close the write end, read(1) until the parent has written the
 *             maps, then the same mounts and execve as set A
 *     parent: close the read end; write "0 UID 1" to /proc/PID/uid_map and
 *             "0 GID 1" to /proc/PID/gid_map (UID/GID the caller's own: root
 *             maps 0 inside to 0 outside); a caller that is not root writes
 *             "deny" to /proc/PID/setgroups first, as the kernel requires;
 *             write one byte to the pipe, close it, waitid P_PIDFD.
 *   `floor --set a [N]` is the same as `floor [N]`.
 *   Output: nothing on success (exit 0). On failure: a perror-style message
 *   on stderr naming the failing step, and a non-zero exit status.
 *
 *   Needs root (or CAP_SYS_ADMIN) and a kernel with clone3 and P_PIDFD (5.4+).
 *   Build: cc -O2 -o .build/bench/floor benchmarks/floor.c
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
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
#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif

#define SET_A_FLAGS (CLONE_PIDFD | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC)
#define SET_G_FLAGS (SET_A_FLAGS | CLONE_NEWUSER | CLONE_NEWNET | CLONE_NEWCGROUP)

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
/* Set G's maps, made once in main: "0 UID 1" and "0 GID 1". */
static uid_t uid;
static char uid_map[32], gid_map[32];
extern char **environ;

/* The child has its own copy of memory (fork semantics), so perror is safe;
 * it ends with _exit so nothing buffered in the parent is flushed twice.
 * Distinct statuses tell which step failed even if stderr is lost. */
static void child(int gate)
{
    if (gate >= 0) {
        /* Set G: wait until the parent has written the maps (one byte, or
         * end of file if the parent gave up). */
        char c;
        ssize_t r;
        do
            r = read(gate, &c, 1);
        while (r < 0 && errno == EINTR);
        if (r != 1) {
            if (r < 0)
                perror("floor: child: read gate");
            _exit(124);
        }
        close(gate);
    }
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

/* One write(2) of a whole map (the kernel takes a map in one write only). */
static int write_proc(long pid, const char *file, const char *text)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%ld/%s", pid, file);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) {
        fprintf(stderr, "floor: open %s: %s\n", path, strerror(errno));
        return -1;
    }
    size_t len = strlen(text);
    ssize_t w = write(fd, text, len);
    if (w != (ssize_t)len) {
        fprintf(stderr, "floor: write %s: %s\n", path, w < 0 ? strerror(errno) : "short write");
        close(fd);
        return -1;
    }
    close(fd);
    return 0;
}

static int one_sandbox(int set_g)
{
    int pidfd = -1;
    int gate[2] = {-1, -1};
    if (set_g && pipe2(gate, O_CLOEXEC) != 0) {
        perror("floor: pipe2");
        return -1;
    }
    struct clone_args_v0 args;
    memset(&args, 0, sizeof args);
    args.flags = set_g ? SET_G_FLAGS : SET_A_FLAGS;
    args.pidfd = (uint64_t)(uintptr_t)&pidfd;
    args.exit_signal = SIGCHLD;

    long pid = syscall(SYS_clone3, &args, sizeof args);
    if (pid < 0) {
        perror("floor: clone3");
        if (set_g) {
            close(gate[0]);
            close(gate[1]);
        }
        return -1;
    }
    if (pid == 0) {
        if (set_g)
            close(gate[1]);
        child(set_g ? gate[0] : -1); /* never returns */
    }

    if (set_g) {
        close(gate[0]);
        int failed = 0;
        if (uid != 0 && write_proc(pid, "setgroups", "deny") != 0)
            failed = 1;
        if (!failed && write_proc(pid, "uid_map", uid_map) != 0)
            failed = 1;
        if (!failed && write_proc(pid, "gid_map", gid_map) != 0)
            failed = 1;
        /* On failure, closing the pipe unblocks the child with end of file
         * and it exits 124; it is still reaped below. */
        if (!failed && write(gate[1], "x", 1) != 1) {
            perror("floor: write gate");
            failed = 1;
        }
        close(gate[1]);
        if (failed) {
            siginfo_t ignored;
            waitid((idtype_t)P_PIDFD, (id_t)pidfd, &ignored, WEXITED);
            close(pidfd);
            return -1;
        }
    }

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

static void usage(void)
{
    fprintf(stderr, "usage: floor [--set a|g] [N]\n");
}

int main(int argc, char **argv)
{
    long n = 1;
    int set_g = 0;
    int i = 1;
    if (argc > 1 && strcmp(argv[1], "--set") == 0) {
        if (argc < 3 || (strcmp(argv[2], "a") != 0 && strcmp(argv[2], "g") != 0)) {
            usage();
            return 2;
        }
        set_g = argv[2][0] == 'g';
        i = 3;
    }
    if (argc > i + 1) {
        usage();
        return 2;
    }
    if (argc == i + 1) {
        char *end;
        errno = 0;
        n = strtol(argv[i], &end, 10);
        if (errno != 0 || *end != '\0' || end == argv[i] || n < 1) {
            fprintf(stderr, "floor: bad count '%s' (want an integer >= 1)\n", argv[i]);
            return 2;
        }
    }
    uid = getuid();
    snprintf(uid_map, sizeof uid_map, "0 %u 1", (unsigned)uid);
    snprintf(gid_map, sizeof gid_map, "0 %u 1", (unsigned)getgid());
    for (long k = 0; k < n; k++)
        if (one_sandbox(set_g) != 0)
            return 1;
    return 0;
}
