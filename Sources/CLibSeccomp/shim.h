/* Debian libseccomp-dev. */
#include <seccomp.h>
