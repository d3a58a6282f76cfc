/*
 * maxrss.c — peak RSS of a command, measured from a launcher small enough not
 * to hide it.
 *
 * Contract:
 *   Usage:  maxrss COMMAND [ARGS...]
 *   Runs COMMAND (PATH search, stdout sent to /dev/null, stderr kept), waits
 *   for it with wait4 and prints ru_maxrss in KiB on stdout: the largest
 *   resident set of any single process of the tree that was waited for
 *   (COMMAND and the children it reaped), not their sum.
 *   Exit status: 0 when COMMAND exited 0; otherwise 1, with the reason on
 *   stderr (COMMAND's failure is a benchmark failure, not a number).
 *
 * Why not read ru_maxrss in the timer itself: at execve the kernel folds the
 * high-water mark of the pre-exec address space into the new program's
 * maxrss. A child forked or vforked by Python starts with Python's ~15 MiB,
 * so every command would report Python's size. Built with -static, this
 * launcher's own address space is a few hundred KiB, below anything measured.
 *
 * Build: cc -O2 -static -o .build/bench/maxrss benchmarks/maxrss.c
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: maxrss COMMAND [ARGS...]\n");
        return 2;
    }
    pid_t pid = fork();
    if (pid < 0) {
        perror("maxrss: fork");
        return 1;
    }
    if (pid == 0) {
        int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
        if (null < 0 || dup2(null, STDOUT_FILENO) < 0) {
            perror("maxrss: /dev/null");
            _exit(127);
        }
        execvp(argv[1], argv + 1);
        perror("maxrss: exec");
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) < 0) {
        perror("maxrss: wait4");
        return 1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "maxrss: %s ended with %s %d\n", argv[1],
                WIFEXITED(status) ? "exit status" : "signal",
                WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
        return 1;
    }
    printf("%ld\n", ru.ru_maxrss);
    return 0;
}
