/* A minimal init (pid 1) in C, as tini and bwrap's pid 1: what a sandbox's
 * first process turns into once it has started its program. */
#ifndef NSRUN_INIT_H
#define NSRUN_INIT_H

#include <sys/types.h>

#pragma clang assume_nonnull begin

struct nsrun_init_config {
    /* The program: a pidfd of it and its pid as the caller sees it. */
    int pidfd;
    pid_t pid;
    /* A signalfd whose signals are forwarded to the program, or -1. */
    int forward_fd;
    /* Where the program's end is written ("exit N -", "signal N core" or
     * "signal N -"), or -1. */
    int status_fd;
};

/* Turns the calling process into a minimal init and never returns:
 *   - blocks every signal (those of forward_fd are read from it, and no
 *     handler of the caller's may run), and closes every fd from 3 up but
 *     pidfd, forward_fd and status_fd (an inherited pipe end held by the
 *     init would keep its other end from ever seeing EOF);
 *   - in a child of nsrun_sys_clone_vm_call_sync, which shares its parent's
 *     memory, moves to a small stack of its own (freed by the parent once
 *     this process has exited, however it ends) and releases the parent,
 *     which resumes as after an exec; from there on it touches nothing of
 *     the parent's memory and makes raw system calls only (errno is the
 *     parent's);
 *   - forwards each signal read from forward_fd to the program
 *     (pidfd_send_signal), reaps every child (orphans re-parented to it
 *     too), and once the program has ended, writes how to status_fd and
 *     exits with its code, or 128 + its signal.
 * Returns -1 with errno, having changed nothing, only when it cannot start:
 * EINVAL in a CLONE_VFORK child (its parent waits for an exec or exit the
 * kernel tracks; it cannot be released), ECHILD when the program is not a
 * child of the caller (it could never be reaped), ENOMEM if the stack
 * cannot be mapped. A forward_fd that turns out not to be pollable is
 * dropped. */
int nsrun_sys_become_init(const struct nsrun_init_config *config);

#pragma clang assume_nonnull end

#endif
