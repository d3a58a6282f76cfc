/* What clone_vm.c shares with init.c, and nothing else sees: which kind of
 * CLONE_VM child the caller is, how a sync child releases its parent, and
 * the list of stacks that outlive a call (an init's). */
#ifndef NSRUN_CLONE_VM_INTERNAL_H
#define NSRUN_CLONE_VM_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A child of nsrun_sys_clone_vm_call_sync. Lives on the parent's stack for
 * as long as the parent waits: the child may read it only until it
 * releases the parent. */
struct vm_sync_args {
    int (*fn)(void *);
    void *arg;
    int go_r, go_w, done_r;
    /* done's write end, held by the child: closing it releases the parent. */
    int done_w;
    /* The child's pid, set by the child as it starts. */
    pid_t self;
    /* clone's bounding_set: the child empties its bounding set but for
     * these before it waits for the go (nsrun_sys_bounding_keep). */
    int has_bounding;
    uint64_t bounding_keep;
};

enum {
    NSRUN_VM_CHILD_NONE = 0,  /* memory of its own (or the first process) */
    NSRUN_VM_CHILD_SYNC = 1,  /* nsrun_sys_clone_vm_call_sync's: may release */
    NSRUN_VM_CHILD_VFORK = 2, /* CLONE_VFORK's: the kernel holds the parent */
};

/* Which kind of child the calling process is. */
int nsrun_vm_child_kind(void);

/* The running sync child's arguments; valid only in that child, before it
 * releases its parent. */
struct vm_sync_args *nsrun_vm_sync_self(void);

/* A stack that outlives the call that made it: unmapped (and the node
 * freed, both with the parent's malloc and munmap) once `alive` reads 0. */
struct nsrun_vm_retired {
    char *stack;
    size_t len;
    /* Non-zero while the process on the stack lives; the kernel writes 0
     * here when it exits (its clear_child_tid). */
    volatile int alive;
    struct nsrun_vm_retired *next;
};

/* Adds `r` to the list the parent frees from. Called by the child while its
 * parent is blocked. */
void nsrun_vm_retire(struct nsrun_vm_retired *r);

#endif
