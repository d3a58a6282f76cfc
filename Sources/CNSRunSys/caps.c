/* See nsrun_caps.h. */
#define _GNU_SOURCE
#include "nsrun_caps.h"

#include <linux/capability.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

int nsrun_sys_prctl(int option, unsigned long arg2, unsigned long arg3,
                    unsigned long arg4, unsigned long arg5) {
    return prctl(option, arg2, arg3, arg4, arg5);
}

int nsrun_sys_capget(pid_t pid, uint64_t *effective, uint64_t *permitted,
                     uint64_t *inheritable) {
    struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, pid };
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = { { 0, 0, 0 } };
    if (syscall(SYS_capget, &header, data) < 0) return -1;
    *effective = (uint64_t)data[1].effective << 32 | data[0].effective;
    *permitted = (uint64_t)data[1].permitted << 32 | data[0].permitted;
    *inheritable = (uint64_t)data[1].inheritable << 32 | data[0].inheritable;
    return 0;
}

int nsrun_sys_capset(uint64_t effective, uint64_t permitted, uint64_t inheritable) {
    struct __user_cap_header_struct header = { _LINUX_CAPABILITY_VERSION_3, 0 };
    struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {
        { (uint32_t)effective, (uint32_t)permitted, (uint32_t)inheritable },
        { (uint32_t)(effective >> 32), (uint32_t)(permitted >> 32), (uint32_t)(inheritable >> 32) },
    };
    return (int)syscall(SYS_capset, &header, data);
}

int nsrun_sys_getrlimit(int resource, uint64_t *soft, uint64_t *hard) {
    struct rlimit64 r;
    if (getrlimit64((__rlimit_resource_t)resource, &r) < 0) return -1;
    *soft = r.rlim_cur == RLIM64_INFINITY ? UINT64_MAX : (uint64_t)r.rlim_cur;
    *hard = r.rlim_max == RLIM64_INFINITY ? UINT64_MAX : (uint64_t)r.rlim_max;
    return 0;
}

int nsrun_sys_setrlimit(int resource, uint64_t soft, uint64_t hard) {
    struct rlimit64 r = {
        soft == UINT64_MAX ? RLIM64_INFINITY : (rlim64_t)soft,
        hard == UINT64_MAX ? RLIM64_INFINITY : (rlim64_t)hard,
    };
    return setrlimit64((__rlimit_resource_t)resource, &r);
}
