/* Debian libcap-dev. */
#include <sys/capability.h>
