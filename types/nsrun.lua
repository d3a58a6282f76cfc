---@meta nsrun
-- Type definitions of nsrun's Lua API for lua-language-server (LuaCATS
-- annotations). Nothing here runs: the functions are implemented in the
-- nsrun binary. README.md ("Lua API", "sandbox{}") is the reference.
--
-- Use: point the language server at this directory, e.g. in .luarc.json
--   { "runtime.version": "Lua 5.4", "workspace.library": ["/usr/local/share/nsrun/types"] }
-- (or the repository's types/). `require "nsrun"` then has these types, and
-- so has `require "nsrun.sandbox"` where types/nsrun/sandbox.lua is beside
-- this file; elsewhere use ns.sandbox, or annotate the local:
--   ---@type nsrun.sandbox
--   local sandbox = require "nsrun.sandbox"
--
-- Kept in sync with the binary by Tests/NSRunTests/TypesTests.swift: every
-- name the binary registers (ns.*, its tables, the handle methods, the
-- globals) must be declared here, as `function ns.NAME(`, `ns.NAME = ` or
-- `function Class:method(`, one per line at the start of the line, and
-- nothing may be declared that the binary lacks. Constant values are compared
-- too.
--
-- Conventions (README "Conventions"), as Lua's io and os libraries:
--   * the system said no: `nil, message, errno` (errno comparable with ns.errno.*);
--   * the script is wrong (type, unknown name, refused flags): a Lua error is raised.

------------------------------------------------------------------------------
-- Shared types

---A signal: a number (0-64; 0 probes) or a name in any case, with or without SIG.
---@alias nsrun.Signal
---| integer
---| "TERM" | "KILL" | "INT" | "HUP" | "QUIT" | "USR1" | "USR2" | "CHLD" | "STOP" | "CONT" | "ALRM" | "WINCH" | "PIPE"
---| "SIGTERM" | "SIGKILL" | "SIGINT" | "SIGHUP" | "SIGQUIT" | "SIGUSR1" | "SIGUSR2" | "SIGCHLD"
---| "RTMIN" | "RTMIN+1" | "RTMAX"
---| string

---A pidfd: a handle from clone, raw_clone or ns.pidfd_open, or its integer fd.
---@alias nsrun.PidfdLike nsrun.Pidfd|integer

---An environment: a list of "NAME=value" strings or a map {NAME = "value"}.
---@alias nsrun.Env string[]|table<string, string>

---mount(8) words accepted in a flags list: "ro", "rw", "nosuid", "bind", "rbind", ...
---@alias nsrun.MountWord
---| "ro" | "rw" | "nosuid" | "suid" | "nodev" | "dev" | "noexec" | "exec" | "sync" | "remount"
---| "dirsync" | "nosymfollow" | "noatime" | "nodiratime" | "bind" | "rbind" | "move" | "rec" | "silent"
---| "private" | "rprivate" | "slave" | "rslave" | "shared" | "rshared" | "unbindable" | "runbindable"
---| "relatime" | "strictatime" | "lazytime"
---| string

---prlimit(1)'s resource names (any case, an RLIMIT_ prefix accepted).
---@alias nsrun.RlimitName
---| "as" | "core" | "cpu" | "data" | "fsize" | "locks" | "memlock" | "msgqueue"
---| "nice" | "nofile" | "nproc" | "rss" | "rtprio" | "rttime" | "sigpending" | "stack"
---| string

---A resource limit: a non-negative integer or "unlimited".
---@alias nsrun.Rlimit integer|"unlimited"

---A seccomp action: "allow", "log", "errno", "errno:NAME", "errno:N", "trap", "kill", "kill_process", "kill_thread".
---@alias nsrun.SeccompAction
---| "allow" | "log" | "errno" | "errno:EPERM" | "errno:EACCES" | "errno:ENOSYS" | "trap"
---| "kill" | "kill_process" | "kill_thread"
---| string

---clone3's arguments as a table (README "clone").
---@class nsrun.CloneArgs
---@field flags integer CLONE_* bits
---@field exit_signal? nsrun.Signal signal the parent gets when the child ends (default SIGCHLD; 0 for none)
---@field cgroup? integer|nsrun.Cgroup|{fd: integer} a cgroup2 directory fd (CLONE_INTO_CGROUP)
---@field uid_map? nsrun.IdMap clone only, with CLONE_NEWUSER: written by the parent before fn runs
---@field gid_map? nsrun.IdMap clone only, with CLONE_NEWUSER: written by the parent before fn runs
---@field setgroups? "deny"|"allow" clone only: "deny" is written to /proc/PID/setgroups before the maps
---@field after_clone? fun(pid: integer, pidfd: nsrun.Pidfd): any, string?, integer? clone only: called in the parent (after the maps) while the child waits; true goes on, `nil, message, errno` or false makes clone kill and reap the child and return those, an error is raised by clone. The pidfd is the handle clone returns

---`{root = dir}`: resolve the target inside `dir` (openat2 RESOLVE_IN_ROOT).
---@class nsrun.RootOption
---@field root? string

---Options of ns.bind.
---@class nsrun.BindOptions: nsrun.RootOption
---@field ro? boolean
---@field rec? boolean
---@field nosuid? boolean
---@field nodev? boolean
---@field noexec? boolean

---Options of ns.mount_tmpfs.
---@class nsrun.TmpfsOptions: nsrun.RootOption
---@field size? string|integer "16m" or bytes
---@field mode? integer e.g. tonumber("1777", 8)
---@field options? string more tmpfs options, "nr_inodes=100,..."

---A uid/gid map: a list of {inside, outside, count} (or named fields), or the kernel's text form.
---@alias nsrun.IdMap string|({[1]: integer, [2]: integer, [3]: integer}|{inside: integer, outside: integer, count: integer})[]

---A time namespace offset: seconds, or {seconds, nanoseconds}.
---@alias nsrun.TimeOffset integer|{[1]: integer, [2]: integer}

---@class nsrun.TimeOffsets
---@field monotonic? nsrun.TimeOffset
---@field boottime? nsrun.TimeOffset

---The five capability sets, each a sorted list of names ("kill", "net_bind_service", "cap_41").
---@class nsrun.Capabilities
---@field bounding string[]
---@field effective string[]
---@field permitted string[]
---@field inheritable string[]
---@field ambient string[]

---Options of ns.drop_capabilities.
---@class nsrun.DropOptions
---@field ambient? boolean|string[] inheritable and ambient afterwards: none (default), every kept one, or these

---Namespace inode ids by name (absent when the kernel lacks the kind).
---@class nsrun.NsIds
---@field cgroup? integer
---@field ipc? integer
---@field mnt? integer
---@field net? integer
---@field pid? integer
---@field time? integer
---@field user? integer
---@field uts? integer

---Resource usage: CPU seconds and peak resident set in KiB.
---@class nsrun.Rusage
---@field utime number
---@field stime number
---@field maxrss integer

---A Landlock policy (README "Landlock").
---@class nsrun.LandlockPolicy
---@field ro? string[] read files, list directories
---@field rw? string[] ro plus write, create, remove, rename, truncate, device ioctl
---@field exec? string[] execute (and read) files
---@field best_effort? boolean apply what the kernel's ABI can, reporting the rest as a second result

---A seccomp condition: {index, op, value} or {index, "&=", mask, value}.
---@alias nsrun.SeccompCondition {[1]: integer, [2]: "=="|"!="|"<"|"<="|">"|">="|"&=", [3]: integer, [4]: integer?}

---A seccomp rule: {"name", action = ..., args = {...}}.
---@class nsrun.SeccompRule
---@field [1] string the syscall name, as in man 2 syscalls
---@field action nsrun.SeccompAction
---@field args? nsrun.SeccompCondition[]

---A seccomp policy: {default =, rules =}, {deny = {names}} or {allow = {names}}.
---@class nsrun.SeccompPolicy
---@field default? nsrun.SeccompAction ("allow" by default; "errno:EPERM" with allow)
---@field rules? nsrun.SeccompRule[]
---@field deny? string[] these fail with EPERM, everything else runs
---@field allow? string[] only these run, everything else fails with EPERM

---Limits of cg:limit.
---@class nsrun.CgroupLimits
---@field memory? integer|string bytes, "256M", "1G", "max"
---@field pids? integer|"max"
---@field cpu? string a share of one CPU: "50%", "250%", "max"

---Options of ns.cgroup.create.
---@class nsrun.CgroupOptions
---@field parent? nsrun.Cgroup|string a handle, or the absolute path of a cgroup2 directory

---cg:events(): the counters by file (a file the cgroup lacks is left out).
---@class nsrun.CgroupEvents
---@field cgroup? {populated: integer, frozen: integer}
---@field memory? table<string, integer> low, high, max, oom, oom_kill, ...
---@field pids? {max: integer}

------------------------------------------------------------------------------
-- The ns table

---nsrun's API (also `require "nsrun"`).
---@class nsrun
ns = {}

---`"nsrun 0.1.0 (Lua 5.4.x)"`.
---@type string
ns.version = "nsrun 0.1.0 (Lua 5.4.x)"

--- Processes --------------------------------------------------------------

---Creates a child that runs `fn(...)` in the namespaces `flags` asks for, then `_exit`s
---(an integer result is the status, true/nothing 0, false 1, an error 1).
---With `CLONE_VM|CLONE_VFORK` the child shares the caller's memory (vfork): the second argument is
---either an argv (searched in PATH) and an optional env, or `fn`, run on a stack of its own while the
---caller waits for its exec or exit; the Lua values it changes are the caller's, and it must never wait
---for the caller.
---Raises for refused flags (CLONE_VM without CLONE_VFORK, CLONE_THREAD, ...). Returns `nil, message, errno` when the kernel refuses.
---@param flags integer|nsrun.CloneArgs
---@param fn fun(...: any): integer|boolean|nil
---@param ... any arguments for fn
---@return integer|nil pid
---@return nsrun.Pidfd|string pidfd the pidfd handle, or the failure message
---@return integer? errno
---@overload fun(flags: integer|nsrun.CloneArgs, argv: string[], env?: nsrun.Env): integer|nil, nsrun.Pidfd|string, integer?
function clone(flags, fn, ...) end

---Fork semantics: returns twice, `pid, pidfd` in the parent and `0` in the child.
---Returns `nil, message, errno` when the kernel refuses.
---@param flags integer|nsrun.CloneArgs
---@return integer|nil pid 0 in the child
---@return nsrun.Pidfd|string|nil pidfd the pidfd handle (parent), nil (child), or the failure message
---@return integer? errno
function raw_clone(flags) end

---pidfd_send_signal(2). `sig` 0 probes liveness.
---@param pidfd nsrun.PidfdLike
---@param sig nsrun.Signal
---@param flags? integer
---@return true|nil ok
---@return string? message
---@return integer? errno ESRCH once reaped, EBADF
function pidfd_signal(pidfd, sig, flags) end

---The raw getpid syscall (1 for the first process of a new pid namespace).
---@return integer
function getpid() end

---The raw gettid syscall.
---@return integer
function gettid() end

ns.clone = clone
ns.raw_clone = raw_clone
ns.pidfd_signal = pidfd_signal
ns.getpid = getpid
ns.gettid = gettid

---Reaps a child through its pidfd (waitid P_PIDFD). Results as os.execute's:
---`true, "exit", 0`; `nil, "exit", code`; `nil, "signal", signo`; then core_dumped and the child's usage.
---With "nohang" and the child still running: `false`. On failure: `nil, message, errno` (ECHILD).
---@param pidfd nsrun.PidfdLike
---@param nohang? "nohang"
---@return boolean|nil ok true for exit 0, false (nohang) while running
---@return "exit"|"signal"|string|nil how or the failure message
---@return integer? n exit code, signal number or errno
---@return boolean? core_dumped
---@return nsrun.Rusage? usage
function ns.wait(pidfd, nohang) end

---A pidfd handle for an existing process.
---@param pid integer
---@return nsrun.Pidfd|nil pidfd
---@return string? message
---@return integer? errno ESRCH
function ns.pidfd_open(pid) end

---How ns calls are carried out: "run", or under `--trace` / `--dry-run`.
---@return "run"|"trace"|"dry-run"
function ns.mode() end

---Flushes stdio, then _exit(2) with `code` (0-255, default 0). Never returns.
---@param code? integer
function ns._exit(code) end

--- Exec ----------------------------------------------------------------------

---execve(2). Returns only on failure. Without env the current environment is kept.
---@param path string
---@param argv string[] at least one element
---@param env? nsrun.Env
---@return nil
---@return string message "execve PATH: ..."
---@return integer errno
function ns.execve(path, argv, env) end

---execveat(2). `dirfd` an fd or ns.AT_FDCWD; flags from ns.AT_EMPTY_PATH, ns.AT_SYMLINK_NOFOLLOW. Returns only on failure.
---@param dirfd integer
---@param path string
---@param argv string[]
---@param env? nsrun.Env
---@param flags? integer
---@return nil
---@return string message
---@return integer errno
function ns.execveat(dirfd, path, argv, env, flags) end

---Searches PATH for argv[1] as execvp(3) does. Returns only on failure.
---@param argv string[]
---@param env? nsrun.Env
---@return nil
---@return string message "exec NAME: ..."
---@return integer errno
function ns.exec(argv, env) end

--- Mounts and the root ------------------------------------------------------

---mount(2). `flags`: ns.MS_* bits, or mount(8) words (`{"bind", "rec", "ro"}`, `"rbind"`).
---With `{root = dir}` the target is resolved inside dir.
---@param source string?
---@param target string
---@param fstype string?
---@param flags integer|nsrun.MountWord|nsrun.MountWord[]
---@param data? string
---@param opts? nsrun.RootOption
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.mount(source, target, fstype, flags, data, opts) end

---umount2(2); flags from ns.MNT_DETACH, MNT_FORCE, MNT_EXPIRE, UMOUNT_NOFOLLOW.
---@param target string
---@param flags? integer
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.umount(target, flags) end

---A bind mount, read-only (etc.) from the moment it appears.
---@param src string
---@param dst string
---@param opts? nsrun.BindOptions
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.bind(src, dst, opts) end

---MS_PRIVATE, recursive unless `recursive` is false.
---@param path string
---@param recursive? boolean
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.make_private(path, recursive) end

---A fresh procfs (nosuid, nodev, noexec) for the caller's pid namespace.
---@param target string
---@param opts? nsrun.RootOption
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.mount_proc(target, opts) end

---A minimal /dev as bwrap's --dev.
---@param target string
---@param opts? nsrun.RootOption
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.mount_dev(target, opts) end

---A tmpfs (nosuid, nodev).
---@param target string
---@param opts? nsrun.TmpfsOptions
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.mount_tmpfs(target, opts) end

---pivot_root(2); new_root must be a mount point (else EBUSY).
---@param new_root string
---@param put_old string
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.pivot_root(new_root, put_old) end

---Makes the mount at path read-only in place (mount_setattr MOUNT_ATTR_RDONLY,
---nothing cleared): bwrap's --remount-ro; with rec, every mount below too
---(crun's "rro"). path must be the root of a mount (else EINVAL).
---@param path string
---@param opts? {rec?: boolean, root?: string}
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.remount_ro(path, opts) end

---chroot(2).
---@param path string
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.chroot(path) end

---chdir(2).
---@param path string
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.chdir(path) end

---mkdir(2); mode defaults to 0755; `parents = true` acts as mkdir -p.
---@param path string
---@param mode? integer
---@param parents? boolean
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.mkdir(path, mode, parents) end

---symlink(2): `path` pointing to `target`.
---@param target string
---@param path string
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.symlink(target, path) end

--- Identity -------------------------------------------------------------------

---sethostname(2) (at most 64 bytes).
---@param name string
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.sethostname(name) end

---setdomainname(2) (at most 64 bytes).
---@param name string
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.setdomainname(name) end

---The caller's UTS namespace's hostname.
---@return string|nil name
---@return string? message
---@return integer? errno
function ns.gethostname() end

---The real uid, as seen in the caller's user namespace.
---@return integer
function ns.getuid() end

---The effective uid.
---@return integer
function ns.geteuid() end

---The real gid.
---@return integer
function ns.getgid() end

---The effective gid.
---@return integer
function ns.getegid() end

---setresuid(2); -1 keeps an id.
---@param ruid integer
---@param euid integer
---@param suid integer
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.setresuid(ruid, euid, suid) end

---setresgid(2); -1 keeps an id.
---@param rgid integer
---@param egid integer
---@param sgid integer
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.setresgid(rgid, egid, sgid) end

---setgroups(2): the supplementary groups ({} drops them all).
---@param list integer[]
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.setgroups(list) end

---Writes /proc/PID/uid_map in one write (checked to be procfs).
---@param pid integer
---@param map nsrun.IdMap
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.write_uid_map(pid, map) end

---Writes /proc/PID/gid_map in one write (checked to be procfs).
---@param pid integer
---@param map nsrun.IdMap
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.write_gid_map(pid, map) end

---Writes "deny" to /proc/PID/setgroups.
---@param pid integer
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.deny_setgroups(pid) end

--- Namespaces -----------------------------------------------------------------

---unshare(2): CLONE_NEW*, CLONE_FILES, CLONE_FS, CLONE_SYSVSEM.
---@param flags integer
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.unshare(flags) end

---setns(2): a pidfd with CLONE_NEW* flags (required), or a /proc/PID/ns/* fd.
---@param fd nsrun.PidfdLike
---@param nstype? integer
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.setns(fd, nstype) end

---The namespace inode ids of a process (default: the caller).
---@param pid? integer
---@return nsrun.NsIds|nil ids
---@return string? message
---@return integer? errno
function ns.ns_ids(pid) end

---Offsets of a new time namespace (after unshare(CLONE_NEWTIME), before the first child).
---@param offsets nsrun.TimeOffsets
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.set_time_offsets(offsets) end

--- File descriptors -------------------------------------------------------------

---pipe2(2) with O_CLOEXEC.
---@return integer|nil r the read end
---@return integer|string w the write end, or the failure message
---@return integer? errno
function ns.pipe() end

---read(2) of at most n bytes ("" at end of file).
---@param fd integer
---@param n integer 0..67108864
---@return string|nil data
---@return string? message
---@return integer? errno
function ns.read(fd, n) end

---Writes all of s.
---@param fd integer
---@param s string
---@return integer|nil written #s
---@return string? message
---@return integer? errno
function ns.write(fd, s) end

---close(2).
---@param fd integer
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.close(fd) end

---close_range(2) over first..last (default: every fd from first on); "cloexec" marks instead of closing.
---@param first integer
---@param last? integer
---@param how? "cloexec"
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.close_range(first, last, how) end

---F_DUPFD_CLOEXEC: a close-on-exec copy at or above min (default 3).
---@param fd integer
---@param min? integer
---@return integer|nil fd
---@return string? message
---@return integer? errno
function ns.dup(fd, min) end

---dup3(2) without close-on-exec, so an exec'd program inherits `new`.
---@param old integer
---@param new integer
---@return integer|nil new
---@return string? message
---@return integer? errno
function ns.dup2(old, new) end

---open(2), always with O_CLOEXEC; mode defaults to 0666.
---@param path string
---@param flags integer ns.O_* bits
---@param mode? integer
---@return integer|nil fd
---@return string? message
---@return integer? errno
function ns.open(path, flags, mode) end

--- Network ------------------------------------------------------------------------

---Brings an interface up, as `ip link set NAME up`.
---@param name string
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.ifup(name) end

---A veth pair; `peer_name` is created in peer_netns (a pidfd, or a /proc/PID/ns/net fd).
---@param name string
---@param peer_name string
---@param peer_netns? nsrun.PidfdLike
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.veth(name, peer_name, peer_netns) end

---Adds an IPv4 address "A.B.C.D/len" (or "A.B.C.D" for a /32).
---@param ifname string
---@param address string
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.addr_add(ifname, address) end

---Adds the IPv4 default route through ifname, via gateway if given.
---@param ifname string
---@param gateway? string
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.route_add_default(ifname, gateway) end

--- Capabilities, privileges, limits and sessions -----------------------------------

---Keeps the named capabilities, drops every other one from all five sets.
---@param keep string[] names, any case, with or without CAP_
---@param opts? nsrun.DropOptions
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.drop_capabilities(keep, opts) end

---The five capability sets of the caller, or of pid (from /proc/PID/status).
---@param pid? integer
---@return nsrun.Capabilities|nil sets
---@return string? message
---@return integer? errno
function ns.capabilities(pid) end

---PR_SET_KEEPCAPS.
---@param on boolean
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.set_keepcaps(on) end

---PR_SET_NO_NEW_PRIVS (it cannot be unset: takes no arguments).
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.no_new_privs() end

---setrlimit(2); without hard, both limits are set to soft.
---@param name nsrun.RlimitName
---@param soft nsrun.Rlimit
---@param hard? nsrun.Rlimit
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.setrlimit(name, soft, hard) end

---The caller's soft and hard limits.
---@param name nsrun.RlimitName
---@return nsrun.Rlimit soft
---@return nsrun.Rlimit hard
function ns.getrlimit(name) end

---setsid(2): a new session, no controlling terminal.
---@return integer|nil sid
---@return string? message
---@return integer? errno
function ns.setsid() end

---getsid(2) of pid (default: the caller).
---@param pid? integer
---@return integer|nil sid
---@return string? message
---@return integer? errno
function ns.getsid(pid) end

--- Seccomp --------------------------------------------------------------------------

---Installs a seccomp filter on the caller (setting no_new_privs first).
---@param policy nsrun.SeccompPolicy
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.seccomp(policy) end

---The validated policy as text, one line per rule. Installs nothing.
---@param policy nsrun.SeccompPolicy
---@return string
function ns.seccomp_explain(policy) end

---Writes the filter's BPF program (struct sock_filter[]) to path.
---@param policy nsrun.SeccompPolicy
---@param path string
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.seccomp_export(policy, path) end

--- Landlock ---------------------------------------------------------------------------

---The kernel's Landlock ABI version.
---@return integer|nil abi
---@return string? message
---@return integer? errno ENOSYS, EOPNOTSUPP
function ns.landlock_abi() end

---Restricts the caller's filesystem access to the given trees (sets no_new_privs).
---With best_effort, a second result says what could not be applied.
---@param policy nsrun.LandlockPolicy
---@return true|nil ok
---@return string? message the failure, or (with ok) the best-effort note
---@return integer? errno
function ns.landlock(policy) end

--- Supervision -----------------------------------------------------------------------

---Blocks signals, then returns a close-on-exec, non-blocking signalfd for them.
---@param signals nsrun.Signal[]
---@return integer|nil fd
---@return string? message
---@return integer? errno
function ns.signalfd(signals) end

---Every signal pending on a signalfd ({} when none). Never waits.
---@param fd integer
---@return integer[]|nil signals
---@return string? message
---@return integer? errno
function ns.read_signals(fd) end

---Changes the blocked signals.
---@param how "block"|"unblock"|"set"
---@param signals nsrun.Signal[]
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.sigprocmask(how, signals) end

---Waits until one of fds is ready or timeout seconds pass; returns the ready fds ({} on timeout).
---@param fds (integer|nsrun.Pidfd)[]
---@param timeout? number seconds; nil, negative or math.huge wait forever
---@return integer[]|nil ready
---@return string? message
---@return integer? errno
function ns.poll(fds, timeout) end

---Turns the calling process into a minimal init for the program `pidfd` (pid 1 of a new pid namespace,
---as tini) and never returns: every signal blocked, every fd from 3 up closed but pidfd, `forward` and
---`status`; the signals read from `forward` (a signalfd) are sent on to the program, every child is
---reaped, and once the program has ended, "exit N -", "signal N core" or "signal N -" is written to
---`status` and the process exits with the program's code or 128 + its signal. In a child with vfork
---semantics cloned with `after_clone` or maps, it first moves to a stack of its own and releases the
---caller, which resumes as after an exec. Raises in a plain CLONE_VFORK child (its caller waits for an
---exec the kernel tracks). Returns `nil, message, errno` only when it cannot start (ECHILD: not a child of the caller; ENOMEM).
---@param pidfd nsrun.Pidfd the program (a handle from clone)
---@param opts? {forward?: integer, status?: integer}
---@return nil
---@return string message
---@return integer errno
function ns.become_init(pidfd, opts) end

---Reaps a child that has exited (pid, or -1 for any); with "nohang", 0 when none has.
---@param pid integer
---@param nohang? "nohang"
---@return integer|nil pid
---@return "exit"|"signal"|string|nil how or the failure message
---@return integer? n exit code, signal number or errno
---@return boolean? core_dumped
function ns.waitpid(pid, nohang) end

---kill(2): pid > 0, 0 (process group), -1 (everything but the caller), < -1 (group -pid).
---@param pid integer
---@param sig nsrun.Signal
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.kill(pid, sig) end

---PR_SET_PDEATHSIG: the caller gets sig when its parent exits (0 clears).
---@param sig nsrun.Signal
---@return true|nil ok
---@return string? message
---@return integer? errno
function ns.set_pdeathsig(sig) end

---PR_GET_PDEATHSIG (0 for none).
---@return integer|nil sig
---@return string? message
---@return integer? errno
function ns.get_pdeathsig() end

---The parent's pid (0 when it is outside the caller's pid namespace).
---@return integer
function ns.getppid() end

---getrusage(2) of "self" or "children".
---@param who "self"|"children"
---@return nsrun.Rusage
function ns.getrusage(who) end

---The monotonic clock in seconds (only differences mean something).
---@return number
function ns.clock() end

---Sleeps at least `seconds` (fractional allowed).
---@param seconds number
---@return true
function ns.sleep(seconds) end

------------------------------------------------------------------------------
-- pidfd handles

---A pidfd handle: closes itself when collected; works with `<close>`.
---`tostring(pidfd)` gives "pidfd 3 (pid 1234)".
---@class nsrun.Pidfd
local Pidfd = {}

---The integer fd (raises once closed).
---@return integer
function Pidfd:fd() end

---The pid it was opened for.
---@return integer
function Pidfd:pid() end

---pidfd_signal(self, sig, flags).
---@param sig nsrun.Signal
---@param flags? integer
---@return true|nil ok
---@return string? message
---@return integer? errno
function Pidfd:signal(sig, flags) end

---ns.wait(self, nohang).
---@param nohang? "nohang"
---@return boolean|nil ok
---@return "exit"|"signal"|string|nil how
---@return integer? n
---@return boolean? core_dumped
---@return nsrun.Rusage? usage
function Pidfd:wait(nohang) end

---Closes it; further use raises "pidfd is closed".
function Pidfd:close() end

------------------------------------------------------------------------------
-- Cgroups

---@class nsrun.cgroup_lib
ns.cgroup = {}

---Creates the cgroup2 directory `name` below parent (default: the caller's own cgroup).
---@param name string one path component
---@param opts? nsrun.CgroupOptions
---@return nsrun.Cgroup|nil cgroup
---@return string? message
---@return integer? errno
function ns.cgroup.create(name, opts) end

---A cgroup handle: removed (its processes killed) when closed or collected.
---`tostring(cg)` gives "cgroup /sys/fs/cgroup/...", with " (removed)" once removed.
---@class nsrun.Cgroup
---@field path string the cgroup2 directory
---@field name string the name it was created with
---@field fd integer an O_DIRECTORY fd of the directory (what clone's cgroup takes)
---@field v1_path string? the v1 pids companion on hybrid hosts, after a pids limit
local Cgroup = {}

---Writes value to the file key in one write.
---@param key string
---@param value string|integer
---@return true|nil ok
---@return string? message
---@return integer? errno
function Cgroup:set(key, value) end

---The file's content, trailing newline stripped.
---@param key string
---@return string|nil content
---@return string? message
---@return integer? errno
function Cgroup:get(key) end

---Moves a process in (0: the caller).
---@param pid integer|nsrun.Pidfd
---@return true|nil ok
---@return string? message
---@return integer? errno
function Cgroup:add(pid) end

---The pids in cgroup.procs (this cgroup only).
---@return integer[]|nil pids
---@return string? message
---@return integer? errno
function Cgroup:procs() end

---SIGKILL to every process in it and below (cgroup.kill).
---@return true|nil ok
---@return string? message
---@return integer? errno
function Cgroup:kill() end

---Freezes it and waits for "frozen 1".
---@return true|nil ok
---@return string? message
---@return integer? errno
function Cgroup:freeze() end

---Thaws it and waits for "frozen 0".
---@return true|nil ok
---@return string? message
---@return integer? errno
function Cgroup:thaw() end

---The event counters by file.
---@return nsrun.CgroupEvents|nil events
---@return string? message
---@return integer? errno
function Cgroup:events() end

---Limits by friendly name; none is written if one cannot be applied.
---@param limits nsrun.CgroupLimits
---@return true|nil ok
---@return string? message
---@return integer? errno EOPNOTSUPP where the controller is missing
function Cgroup:limit(limits) end

---Kills what is left, waits until it is empty, removes it (nested ones first).
---@return true|nil ok
---@return string? message
---@return integer? errno
function Cgroup:remove() end

------------------------------------------------------------------------------
-- sandbox{}: require "nsrun.sandbox", or ns.sandbox

---One entry of a sandbox's `mounts`: exactly one of proc, dev, tmpfs, bind, dir, symlink.
---@class nsrun.SandboxMount
---@field proc? string a fresh /proc at this path
---@field dev? string a minimal /dev at this path
---@field tmpfs? string a tmpfs at this path
---@field size? string|integer tmpfs: "16m" or bytes
---@field mode? integer tmpfs, dir: e.g. tonumber("1777", 8)
---@field options? string tmpfs: more options
---@field bind? string bind: the host path
---@field to? string bind: the target inside (default: the same path); symlink: the link's path
---@field ro? boolean bind
---@field rec? boolean bind
---@field nosuid? boolean bind
---@field nodev? boolean bind
---@field noexec? boolean bind
---@field dir? string a directory to create
---@field symlink? string symlink: the link's target

---The sandbox's environment: a map, a list of "NAME=value", plus inherit.
---@class nsrun.SandboxEnv: {[string]: string, [integer]: string}
---@field inherit? string[] names copied from nsrun's environment

---@class nsrun.SandboxVeth
---@field host string the host end's name
---@field sandbox string the sandbox end's name
---@field host_address? string "A.B.C.D/len"
---@field sandbox_address? string "A.B.C.D/len"
---@field gateway? string the sandbox's default route

---@class nsrun.SandboxStdio
---@field stdin? "inherit"|"null"|integer
---@field stdout? "inherit"|"null"|integer
---@field stderr? "inherit"|"null"|integer

---@class nsrun.SandboxCgroup
---@field memory? integer|string
---@field pids? integer|"max"
---@field cpu? string
---@field name? string

---Hooks: raising or returning false fails the stage.
---@class nsrun.SandboxHooks
---@field after_clone? fun(sandbox: nsrun.Sandbox): boolean? in the parent, before the child goes on
---@field in_child? fun(): boolean? in the sandbox after the mounts, before confinement
---@field before_exec? fun(): boolean? just before seccomp and the exec

---@alias nsrun.NamespaceName "pid"|"mount"|"uts"|"ipc"|"net"|"user"|"cgroup"|"time"

---The spec of a sandbox (README "The spec"). Unknown keys raise.
---@class nsrun.SandboxSpec
---@field argv string[] required: the program and its arguments (argv[1] without "/" is searched in PATH)
---@field env? nsrun.SandboxEnv default {} (cleared)
---@field cwd? string default "/"
---@field namespaces? nsrun.NamespaceName[] default {"pid", "mount", "uts", "ipc", "net", "cgroup"}
---@field rootfs? string the new root; default the host's / read-only
---@field mounts? nsrun.SandboxMount[] in order, targets inside the new root
---@field hostname? string needs "uts"
---@field uid_map? nsrun.IdMap needs "user"
---@field gid_map? nsrun.IdMap needs "user"
---@field uid? integer the uid the program runs as (default 0)
---@field gid? integer the gid the program runs as (default 0)
---@field capabilities? string[]|"all" kept capabilities (default {}); "all" plans no drop
---@field no_new_privs? boolean default true
---@field seccomp? nsrun.SeccompPolicy installed last, right before the exec
---@field landlock? nsrun.LandlockPolicy
---@field rlimits? table<nsrun.RlimitName, nsrun.Rlimit|{[1]: nsrun.Rlimit, [2]: nsrun.Rlimit}>
---@field cgroup? nsrun.SandboxCgroup a cgroup made for the sandbox, removed afterwards
---@field network? "none"|{veth: nsrun.SandboxVeth} default "none" (only lo)
---@field time_offsets? nsrun.TimeOffsets needs "time"
---@field stdio? nsrun.SandboxStdio default inherited
---@field pass_fds? integer[] fds >= 3 that reach the program
---@field init? boolean default true with "pid": a minimal pid 1, the program is pid 2
---@field new_session? boolean default true: setsid()
---@field die_with_parent? boolean default true: PR_SET_PDEATHSIG(SIGKILL)
---@field timeout? number seconds; then TERM, and KILL kill_after seconds later
---@field kill_after? number default 2; needs timeout
---@field hooks? nsrun.SandboxHooks

---A validated, normalised spec (sandbox.validate).
---@class nsrun.ValidatedSpec: nsrun.SandboxSpec
---@field ns table<nsrun.NamespaceName, true> the namespaces asked for
---@field clone_flags integer
---@field environment string[] "NAME=value", sorted
---@field hooks nsrun.SandboxHooks

---One step of a plan: an ns call (call, args) or an action (text, run).
---@class nsrun.SandboxStep
---@field where "parent"|"child"|"program"
---@field stage string
---@field call? string the ns function's name
---@field args? table the call's arguments (packed; "$pid" and "$pidfd" are substituted)
---@field text? string
---@field run? fun(sandbox: nsrun.Sandbox): any

---What sandbox.run and handle:wait() return (README "Results").
---@class nsrun.SandboxResult
---@field status "exit"|"signal"|"error"|"dry-run"
---@field code? integer the exit status ("exit"); 127 not found, 126 could not run
---@field signal? integer ("signal")
---@field core_dumped? boolean
---@field stage? string ("error", or "exec"): the step that failed
---@field error? string why
---@field errno? integer
---@field timed_out? boolean
---@field oom_killed? boolean
---@field wall_time? number seconds
---@field user_time? number seconds
---@field sys_time? number seconds
---@field max_rss? integer KiB
---@field plan? nsrun.SandboxStep[] ("dry-run")

---The sandbox{} library.
---@class nsrun.sandbox
ns.sandbox = {}

---Namespaces unshared unless the spec says otherwise.
---@type nsrun.NamespaceName[]
ns.sandbox.default_namespaces = { "pid", "mount", "uts", "ipc", "net", "cgroup" }

---Signals sent to nsrun that reach the sandboxed program.
---@type string[]
ns.sandbox.forwarded_signals = { "INT", "TERM", "HUP", "QUIT", "USR1", "USR2" }

---Where the host's root is staged when no rootfs is given.
---@type string
ns.sandbox.staging_root = "/tmp/.nsrun-root"

---Seconds between TERM and KILL after a timeout.
---@type number
ns.sandbox.default_kill_after = 2

---The status reported when setup fails before the program starts.
---@type integer
ns.sandbox.setup_failure_status = 125

---Validates the spec; raises naming the key (`bad argument #1 to 'run' (KEY: WHY)`).
---@param spec nsrun.SandboxSpec
---@param fname? string the function name used in errors (default "run")
---@return nsrun.ValidatedSpec
function ns.sandbox.validate(spec, fname) end

---The ordered steps, as data.
---@param spec nsrun.ValidatedSpec
---@return nsrun.SandboxStep[]
function ns.sandbox.plan(spec) end

---One line per step.
---@param plan nsrun.SandboxStep[]
---@return string
function ns.sandbox.describe(plan) end

---Starts a sandbox; returns once the program runs or setup failed.
---@param spec nsrun.SandboxSpec
---@param fname? string
---@return nsrun.Sandbox
function ns.sandbox.start(spec, fname) end

---Runs a sandbox to its end. A script that returns the result exits with its code, 128 + signal, or 125.
---@param spec nsrun.SandboxSpec
---@return nsrun.SandboxResult
function ns.sandbox.run(spec) end

---A running sandbox (sandbox.start).
---@class nsrun.Sandbox
---@field spec nsrun.ValidatedSpec
---@field plan nsrun.SandboxStep[]
---@field pid? integer the sandbox's first process
local Sandbox = {}

---Supervises until the program ends; returns the result (again on later calls).
---@return nsrun.SandboxResult
function Sandbox:wait() end

---Signals the sandbox's first process.
---@param sig nsrun.Signal
---@return true|nil ok
---@return string? message
---@return integer? errno
function Sandbox:signal(sig) end

---The sandbox's pidfd.
---@return nsrun.Pidfd
function Sandbox:pidfd() end

---Runs fn(...) in a new process inside the sandbox's namespaces; returns ns.wait's results,
---or `nil, message, errno` (fn not run) when the process cannot join (the sandbox has ended).
---@param fn fun(...: any): integer|boolean|nil
---@param ... any
---@return boolean|nil ok
---@return "exit"|"signal"|string|nil how
---@return integer? n
---@return boolean? core_dumped
---@return nsrun.Rusage? usage
function Sandbox:join(fn, ...) end

------------------------------------------------------------------------------
-- Constants: ns.*, with this machine's (x86_64) values

-- clone flags (LXC's process_utils.h), also globals
ns.CSIGNAL = 0x000000ff
ns.CLONE_VM = 0x00000100
ns.CLONE_FS = 0x00000200
ns.CLONE_FILES = 0x00000400
ns.CLONE_SIGHAND = 0x00000800
ns.CLONE_PIDFD = 0x00001000
ns.CLONE_PTRACE = 0x00002000
ns.CLONE_VFORK = 0x00004000
ns.CLONE_PARENT = 0x00008000
ns.CLONE_THREAD = 0x00010000
ns.CLONE_NEWNS = 0x00020000
ns.CLONE_SYSVSEM = 0x00040000
ns.CLONE_SETTLS = 0x00080000
ns.CLONE_PARENT_SETTID = 0x00100000
ns.CLONE_CHILD_CLEARTID = 0x00200000
ns.CLONE_DETACHED = 0x00400000
ns.CLONE_UNTRACED = 0x00800000
ns.CLONE_CHILD_SETTID = 0x01000000
ns.CLONE_NEWCGROUP = 0x02000000
ns.CLONE_NEWUTS = 0x04000000
ns.CLONE_NEWIPC = 0x08000000
ns.CLONE_NEWUSER = 0x10000000
ns.CLONE_NEWPID = 0x20000000
ns.CLONE_NEWNET = 0x40000000
ns.CLONE_IO = 0x80000000
ns.CLONE_CLEAR_SIGHAND = 0x100000000
ns.CLONE_INTO_CGROUP = 0x200000000
ns.CLONE_NEWTIME = 0x00000080
-- sizes of clone3's argument block
ns.CLONE_ARGS_SIZE_VER0 = 64
ns.CLONE_ARGS_SIZE_VER1 = 80
ns.CLONE_ARGS_SIZE_VER2 = 88
-- waitid's idtype for a pidfd
ns.P_PIDFD = 3

-- mount(2) flags
ns.MS_RDONLY = 1
ns.MS_NOSUID = 2
ns.MS_NODEV = 4
ns.MS_NOEXEC = 8
ns.MS_SYNCHRONOUS = 16
ns.MS_REMOUNT = 32
ns.MS_MANDLOCK = 64
ns.MS_DIRSYNC = 128
ns.MS_NOSYMFOLLOW = 256
ns.MS_NOATIME = 1024
ns.MS_NODIRATIME = 2048
ns.MS_BIND = 4096
ns.MS_MOVE = 8192
ns.MS_REC = 16384
ns.MS_SILENT = 32768
ns.MS_UNBINDABLE = 131072
ns.MS_PRIVATE = 262144
ns.MS_SLAVE = 524288
ns.MS_SHARED = 1048576
ns.MS_RELATIME = 2097152
ns.MS_STRICTATIME = 16777216
ns.MS_LAZYTIME = 33554432
-- umount2(2) flags
ns.MNT_FORCE = 1
ns.MNT_DETACH = 2
ns.MNT_EXPIRE = 4
ns.UMOUNT_NOFOLLOW = 8

-- open(2) flags
ns.O_RDONLY = 0
ns.O_WRONLY = 1
ns.O_RDWR = 2
ns.O_CREAT = 64
ns.O_EXCL = 128
ns.O_TRUNC = 512
ns.O_APPEND = 1024
ns.O_NONBLOCK = 2048
ns.O_DIRECTORY = 65536
ns.O_NOFOLLOW = 131072
ns.O_CLOEXEC = 524288
ns.O_PATH = 2097152

-- execveat(2)
ns.AT_FDCWD = -100
ns.AT_SYMLINK_NOFOLLOW = 256
ns.AT_EMPTY_PATH = 4096

-- ioctl requests that push input into a terminal (deny them with seccomp, masked)
ns.TIOCSTI = 0x5412
ns.TIOCLINUX = 0x541C

---Errno values by name, to compare with the third result of a failure.
---@class nsrun.errno
ns.errno = {}
ns.errno.EPERM = 1
ns.errno.ENOENT = 2
ns.errno.ESRCH = 3
ns.errno.EINTR = 4
ns.errno.EIO = 5
ns.errno.ENXIO = 6
ns.errno.E2BIG = 7
ns.errno.ENOEXEC = 8
ns.errno.EBADF = 9
ns.errno.ECHILD = 10
ns.errno.EAGAIN = 11
ns.errno.ENOMEM = 12
ns.errno.EACCES = 13
ns.errno.EFAULT = 14
ns.errno.ENOTBLK = 15
ns.errno.EBUSY = 16
ns.errno.EEXIST = 17
ns.errno.EXDEV = 18
ns.errno.ENODEV = 19
ns.errno.ENOTDIR = 20
ns.errno.EISDIR = 21
ns.errno.EINVAL = 22
ns.errno.ENFILE = 23
ns.errno.EMFILE = 24
ns.errno.ENOTTY = 25
ns.errno.ETXTBSY = 26
ns.errno.EFBIG = 27
ns.errno.ENOSPC = 28
ns.errno.ESPIPE = 29
ns.errno.EROFS = 30
ns.errno.EMLINK = 31
ns.errno.EPIPE = 32
ns.errno.EDOM = 33
ns.errno.ERANGE = 34
ns.errno.EDEADLK = 35
ns.errno.ENAMETOOLONG = 36
ns.errno.ENOLCK = 37
ns.errno.ENOSYS = 38
ns.errno.ENOTEMPTY = 39
ns.errno.ELOOP = 40
ns.errno.ENODATA = 61
ns.errno.EOVERFLOW = 75
ns.errno.EUSERS = 87
ns.errno.ENOTSOCK = 88
ns.errno.EOPNOTSUPP = 95
ns.errno.EADDRINUSE = 98
ns.errno.EADDRNOTAVAIL = 99
ns.errno.ENETDOWN = 100
ns.errno.ENETUNREACH = 101
ns.errno.ECONNRESET = 104
ns.errno.ETIMEDOUT = 110
ns.errno.ECONNREFUSED = 111
ns.errno.EHOSTUNREACH = 113
ns.errno.EALREADY = 114
ns.errno.EINPROGRESS = 115
ns.errno.EDQUOT = 122
ns.errno.ECANCELED = 125
ns.errno.EOWNERDEAD = 130

---The standard signals by name.
---@class nsrun.signals
ns.signals = {}
ns.signals.SIGHUP = 1
ns.signals.SIGINT = 2
ns.signals.SIGQUIT = 3
ns.signals.SIGILL = 4
ns.signals.SIGTRAP = 5
ns.signals.SIGABRT = 6
ns.signals.SIGBUS = 7
ns.signals.SIGFPE = 8
ns.signals.SIGKILL = 9
ns.signals.SIGUSR1 = 10
ns.signals.SIGSEGV = 11
ns.signals.SIGUSR2 = 12
ns.signals.SIGPIPE = 13
ns.signals.SIGALRM = 14
ns.signals.SIGTERM = 15
ns.signals.SIGSTKFLT = 16
ns.signals.SIGCHLD = 17
ns.signals.SIGCONT = 18
ns.signals.SIGSTOP = 19
ns.signals.SIGTSTP = 20
ns.signals.SIGTTIN = 21
ns.signals.SIGTTOU = 22
ns.signals.SIGURG = 23
ns.signals.SIGXCPU = 24
ns.signals.SIGXFSZ = 25
ns.signals.SIGVTALRM = 26
ns.signals.SIGPROF = 27
ns.signals.SIGWINCH = 28
ns.signals.SIGIO = 29
ns.signals.SIGPWR = 30
ns.signals.SIGSYS = 31

---Each namespace's name, as in /proc/PID/ns, to its CLONE_NEW* flag.
---@class nsrun.namespaces
ns.namespaces = {}
ns.namespaces.cgroup = 0x02000000
ns.namespaces.ipc = 0x08000000
ns.namespaces.mnt = 0x00020000
ns.namespaces.net = 0x40000000
ns.namespaces.pid = 0x20000000
ns.namespaces.time = 0x00000080
ns.namespaces.user = 0x10000000
ns.namespaces.uts = 0x04000000

------------------------------------------------------------------------------
-- Globals: every CLONE_* constant, as ns.CLONE_*

CSIGNAL = 0x000000ff
CLONE_VM = 0x00000100
CLONE_FS = 0x00000200
CLONE_FILES = 0x00000400
CLONE_SIGHAND = 0x00000800
CLONE_PIDFD = 0x00001000
CLONE_PTRACE = 0x00002000
CLONE_VFORK = 0x00004000
CLONE_PARENT = 0x00008000
CLONE_THREAD = 0x00010000
CLONE_NEWNS = 0x00020000
CLONE_SYSVSEM = 0x00040000
CLONE_SETTLS = 0x00080000
CLONE_PARENT_SETTID = 0x00100000
CLONE_CHILD_CLEARTID = 0x00200000
CLONE_DETACHED = 0x00400000
CLONE_UNTRACED = 0x00800000
CLONE_CHILD_SETTID = 0x01000000
CLONE_NEWCGROUP = 0x02000000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000
CLONE_IO = 0x80000000
CLONE_CLEAR_SIGHAND = 0x100000000
CLONE_INTO_CGROUP = 0x200000000
CLONE_NEWTIME = 0x00000080
CLONE_ARGS_SIZE_VER0 = 64
CLONE_ARGS_SIZE_VER1 = 80
CLONE_ARGS_SIZE_VER2 = 88

return ns
