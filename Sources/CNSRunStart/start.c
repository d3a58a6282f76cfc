/* See nsrun_start.h.
 *
 * CommandLine.arguments asks the runtime for argv through
 * _swift_stdlib_getUnsafeArgvArgc. On Linux, libswiftCore's CommandLine.cpp
 * answers it from a static constructor that opens and parses
 * /proc/self/maps at every start-up (0.06 ms of a 1.0 ms static Swift
 * program here, paired). The two functions below define the same symbols
 * first, so the linker never takes CommandLine.cpp from libswiftCore.a and
 * its constructor never runs: argv comes from glibc, which passes argc,
 * argv and envp to every ELF constructor, static executables included.
 *
 * Contract, as the runtime's: _swift_stdlib_getUnsafeArgvArgc stores argc in
 * *outArgLen and returns argv (never NULL: an empty list before the
 * constructor ran); _swift_stdlib_overrideUnsafeArgvArgc replaces both for
 * every later call.
 *
 * The crash backtracer. libswiftCore's Backtrace.cpp has a constructor that
 * reads SWIFT_BACKTRACE and, unless that names the helper, searches for the
 * swift-backtrace program (readlink of /proc/self/exe and eight stat calls)
 * and asks whether stdin and stdout are terminals. A static nsrun never has
 * the helper beside it, so backtracing always ends up off. nsrun_start runs
 * before that constructor (priority 101) and, when the variable is unset,
 * sets it to what the search would conclude (documented keys: enable,
 * interactive, color, swift-backtrace); nsrun_start_restore_environment,
 * called first thing in main, removes it again so that no recipe and no
 * program it starts sees it. A SWIFT_BACKTRACE the user set is left alone. */
#include "nsrun_start.h"

#include <stddef.h>
#include <stdlib.h>

static char *no_arguments[] = { NULL };
static char **start_argv = no_arguments;
static int start_argc;
static char **override_argv;
static int override_argc = -1;
static int backtrace_variable_set;

__attribute__((constructor(101))) static void nsrun_start(int argc, char **argv, char **envp)
{
    (void)envp;
    if (argv != NULL) {
        start_argv = argv;
        start_argc = argc;
    }
    if (getenv("SWIFT_BACKTRACE") == NULL
        && setenv("SWIFT_BACKTRACE", "enable=no,interactive=no,color=no,swift-backtrace=/nonexistent", 1) == 0)
        backtrace_variable_set = 1;
}

void nsrun_start_restore_environment(void)
{
    if (backtrace_variable_set) {
        unsetenv("SWIFT_BACKTRACE");
        backtrace_variable_set = 0;
    }
}

char **_swift_stdlib_getUnsafeArgvArgc(int *outArgLen)
{
    if (override_argc >= 0) {
        *outArgLen = override_argc;
        return override_argv;
    }
    *outArgLen = start_argc;
    return start_argv;
}

void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc)
{
    override_argv = argv;
    override_argc = argc;
}
