/* nsrun_start.h — what the nsrun executable puts in place of parts of the
 * Swift runtime's start-up that cost time (start.c). */
#ifndef NSRUN_START_H
#define NSRUN_START_H

/* The Swift standard library's hook for CommandLine.arguments (see start.c). */
char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen);
void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc);

/* Removes the SWIFT_BACKTRACE that start.c's constructor set (if it set
 * one), so the process's environment is the one nsrun was given. Call it
 * first thing in main. Idempotent. */
void nsrun_start_restore_environment(void);

#endif
