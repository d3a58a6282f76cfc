-- confine.lua: a sandbox is only as good as what it takes away.
--
-- A busybox shell runs as root in its own namespaces, with every confinement
-- mechanism on at once, declared in one sandbox.run{} table:
--
--   capabilities = {}     all capabilities dropped    bwrap --cap-drop ALL
--   no_new_privs          exec never grants privilege  (bwrap and nsjail set it too)
--   seccomp               a deny list of system calls  bwrap --seccomp FD, nsjail --seccomp_string
--   landlock              read-only /, writable /tmp   (like bwrap's --ro-bind / / --tmpfs /tmp, without mounts)
--   rlimits               nofile and nproc             nsjail --rlimit_nofile, --rlimit_nproc
--   cgroup = {pids = N}   at most N tasks              nsjail --cgroup_pids_max
--
-- Then the shell shows from inside that each restriction holds, and this
-- script checks the transcript. A control run (the same sandbox without the
-- seccomp filter) tells the filter's refusals from those of the other walls.
-- The nproc limit is set below what the fork bomb reaches as root, to show
-- why the pids cgroup is needed: the kernel does not apply RLIMIT_NPROC to
-- root. A third run, as a uid of its own, shows the same limit holding.
--
-- Not demonstrated: ptrace, keyctl and the TIOCSTI ioctl are in the policy,
-- but busybox has no applet that makes those calls, so nothing here shows
-- them refused. (Tests/NSRunTests/lua/test_seccomp.lua shows the masked
-- TIOCSTI rule refusing the ioctl, high bits set or not, from Python.)
--
-- Run as root:  nsrun examples/confine.lua
-- The rootfs is built by scripts/mkrootfs when missing (NSRUN_ROOTFS picks
-- another directory).

local sandbox = require "nsrun.sandbox"

local here = (arg and arg[0] or "examples/confine.lua"):match("^(.*)/[^/]*$") or "."
local rootfs = os.getenv("NSRUN_ROOTFS") or (here .. "/../.build/rootfs")

local function exists(path)
  local f = io.open(path)
  if f then f:close() end
  return f ~= nil
end

if not exists(rootfs .. "/bin/busybox") then
  assert(os.execute(("%q %q"):format(here .. "/../scripts/mkrootfs", rootfs)), "scripts/mkrootfs failed")
end
-- sandbox.run takes an absolute rootfs.
if rootfs:sub(1, 1) ~= "/" then
  local pwd = assert(io.popen("pwd"))
  rootfs = assert(pwd:read("l")) .. "/" .. rootfs
  pwd:close()
end

local function mountinfo()
  local f = assert(io.open("/proc/self/mountinfo"))
  local s = f:read("a")
  f:close()
  return s
end
local host_mounts = mountinfo()

local PIDS = 16      -- tasks in the sandbox's cgroup, its init and shells included
local NOFILE = 64    -- open files: fds 0..63
local NPROC = 8      -- processes per real uid: ignored for root, see the third run

------------------------------------------------------------------------------
-- The seccomp policy. `deny` names fail with EPERM; every other call runs.
-- Each name is resolved by libseccomp when the spec is validated: a typo
-- raises instead of leaving a hole.
local POLICY = {
  deny = {
    "ptrace",                         -- read and write another process's memory and registers
    "mount", "umount2", "pivot_root", -- rearrange the filesystem the rules below are written for
    "keyctl", "add_key", "request_key", -- the kernel keyrings are not namespaced: shared with the host
    -- New namespaces. Root without capabilities can still create a user
    -- namespace, and gets a full set of capabilities inside it: a door to
    -- kernel code (netfilter, mounts of some filesystems) that is otherwise
    -- root-only. Denying unshare is what the demonstration below checks.
    "unshare", "setns",
    -- clone3 passes its flags in memory, where a filter can't read them. nsrun
    -- answers a denied clone3 with ENOSYS (not EPERM), so glibc falls back to
    -- clone, whose flags are in a register: the rule below sees them.
    "clone3",
  },
  rules = {
    -- clone(CLONE_NEWUSER): the same user namespace door, by another call.
    -- (The other namespace flags need CAP_SYS_ADMIN, which is gone.)
    { "clone", action = "errno:EPERM", args = { { 0, "&=", CLONE_NEWUSER, CLONE_NEWUSER } } },
    -- TIOCSTI pushes characters into a terminal's input, where the user's shell
    -- reads them as typed commands once the sandbox ends (CVE-2017-5226);
    -- TIOCLINUX can paste the console selection. The request is compared on its
    -- low 32 bits: the kernel ignores the high ones, so a plain `==` would let
    -- `TIOCSTI | 1 << 32` through (CVE-2019-10063). Here the sandbox also gets
    -- a new session (sandbox.run's default) and no CAP_SYS_ADMIN, which already
    -- stop TIOCSTI on the caller's terminal; the rule holds whatever the
    -- session and capabilities are. busybox can't issue these ioctls, so this
    -- example does not show them refused.
    { "ioctl", action = "errno:EPERM", args = { { 1, "&=", 0xffffffff, ns.TIOCSTI } } },
    { "ioctl", action = "errno:EPERM", args = { { 1, "&=", 0xffffffff, ns.TIOCLINUX } } },
  },
}

------------------------------------------------------------------------------
-- What the shell does inside. Each check prints a line this script reads.
-- busybox's ash gives up at its first failed fork ("can't fork"), so the
-- fork bomb runs in a shell of its own, which notes in /tmp how many
-- `sleep 1` it started (at most 64, so it ends even without a limit).
local BOMB = [[
echo 0 > /tmp/started
sh -c 'i=0; while [ $i -lt 64 ]; do sleep 1 & i=$((i+1)); echo $i > /tmp/started; done' 2> /tmp/bomb.err
read started < /tmp/started
read err < /tmp/bomb.err
echo "fork bomb: $started of 64 started; $err"
]]

local INSIDE = [[
echo "--- /proc/self/status"
grep -E '^(Cap|NoNewPrivs|Seccomp)' /proc/self/status
echo "--- seccomp"
unshare -U true 2>&1; echo "unshare -U: status $?"
mount -t tmpfs x /mnt 2>&1; echo "mount: status $?"
echo "--- landlock"
printf "uid: "; id -u
stat -c "/ is owned by uid %u, mode %a" /
grep -E '^[^ ]+ /(tmp)? ' /proc/mounts
read name < /etc/hostname && echo "read /etc/hostname: $name"
echo x > /confine-probe; echo "write /confine-probe: status $?"
echo ok > /tmp/probe && read back < /tmp/probe && echo "write /tmp/probe: $back"
cp /bin/busybox /tmp/busybox && stat -c "/tmp/busybox: mode %a" /tmp/busybox
/tmp/busybox true; echo "exec /tmp/busybox: status $?"
echo "--- rlimits"
printf "ulimit -n: "; ulimit -n
(exec 63> /tmp/fd63) && echo "fd 63: opened"
(exec 64> /tmp/fd64) 2>&1 || echo "fd 64: refused"
printf "ulimit -u: "; ulimit -u
echo "--- pids cgroup"
]] .. BOMB

-- Runs `script` in the sandbox; returns the result and everything the
-- shell wrote (stdout and stderr, through a pipe: a few hundred bytes, well
-- within a pipe's buffer, so it is read once the sandbox has ended).
local function run(spec)
  local r, w = assert(ns.pipe())
  spec.stdio = { stdin = "null", stdout = w, stderr = w }
  local result = sandbox.run(spec)
  ns.close(w)
  local out = {}
  repeat
    local chunk = assert(ns.read(r, 4096))
    out[#out + 1] = chunk
  until chunk == ""
  ns.close(r)
  return result, table.concat(out)
end

-- Where sandbox.run's cgroup will be: the cgroup2 directory below nsrun's
-- own cgroup, and, on a hybrid host, the v1 pids companion (README, Cgroups).
local CGROUP = "confine-" .. getpid()
local function cgroup_dirs(name)
  local own = {}
  for line in io.lines("/proc/self/cgroup") do
    local id, controllers, path = line:match("^(%d+):([^:]*):(.*)$")
    if id == "0" then own.v2 = path end
    if ("," .. (controllers or "") .. ","):find(",pids,", 1, true) then own.pids = path end
  end
  local dirs = {}
  for line in io.lines("/proc/self/mountinfo") do
    local mnt, fstype, opts = line:match("^%S+ %S+ %S+ %S+ (%S+) .- %- (%S+) %S+ (%S+)$")
    local path = (fstype == "cgroup2" and own.v2)
      or (fstype == "cgroup" and ("," .. opts .. ","):find(",pids,", 1, true) and own.pids)
    if path then dirs[#dirs + 1] = (mnt .. "/" .. path .. "/" .. name):gsub("//+", "/") end
  end
  return dirs
end
local cgroups = cgroup_dirs(CGROUP)
local cgroups_seen = 0

local function spec(script)
  return {
    argv = { "/bin/sh", "-c", script },
    rootfs = rootfs,
    -- The root is bind-mounted read-write and the shell is uid 0, the owner
    -- of /: no mount option and no file mode stops a write. Landlock does.
    mounts = { { proc = "/proc" }, { dev = "/dev" },
               { tmpfs = "/tmp", size = "8m", mode = tonumber("1777", 8) } },
    env = { PATH = "/bin:/sbin:/usr/bin:/usr/sbin" },
    -- Root keeps none of its capabilities: none in the bounding set (so no
    -- exec can give one back), none effective, permitted, inheritable or
    -- ambient. uid 0 then means little more than owning root's files.
    capabilities = {},
    -- PR_SET_NO_NEW_PRIVS: setuid bits and file capabilities are ignored by
    -- every exec from here on. (sandbox.run sets it by default; Landlock and
    -- seccomp would set it anyway.)
    no_new_privs = true,
    seccomp = POLICY,
    -- Landlock: the process takes filesystem rights away from itself, without
    -- any mount. Everything is readable; only /tmp (and /dev/null, for the
    -- shell's redirections) is writable; only /bin holds programs that may
    -- run. busybox is static, and every applet is a symlink to /bin/busybox,
    -- so /bin is all the exec right needs. A program written to /tmp can't run.
    landlock = { ro = { "/" }, rw = { "/tmp", "/dev/null" }, exec = { "/bin" } },
    -- nofile: an fd at or above it can't be opened. nproc: processes of the
    -- caller's real uid. The kernel skips that check for root (and for
    -- CAP_SYS_ADMIN or CAP_SYS_RESOURCE), so here it is set and does nothing;
    -- the fork bomb below goes past it. nsjail's --rlimit_nproc is the same.
    rlimits = { nofile = NOFILE, nproc = NPROC },
    -- pids: the cgroup counts every task in it, whoever its uid, and a fork
    -- beyond the limit fails with EAGAIN. On a hybrid host (this one: pids
    -- on cgroup v1), nsrun applies the limit through a v1 companion cgroup.
    -- Both are removed when the sandbox ends, and whatever is left in them
    -- is killed.
    cgroup = { pids = PIDS, name = CGROUP },
    hooks = {
      after_clone = function()
        for _, dir in ipairs(cgroups) do if exists(dir) then cgroups_seen = cgroups_seen + 1 end end
      end,
    },
    timeout = 30,    -- a safety net: nothing here should take a second
  }
end

------------------------------------------------------------------------------
-- 1. The confined sandbox.
print("--- the seccomp policy, as libseccomp resolved it")
print(ns.seccomp_explain(POLICY))

if ns.mode() == "dry-run" then
  -- nsrun --dry-run: sandbox.run prints its plan and creates nothing.
  sandbox.run(spec(INSIDE))
  print("confine.lua: dry run, nothing ran and no claim was checked")
  return 0
end
local result, inside = run(spec(INSIDE))
print(inside)
print(("--- the sandbox ended: %s %s"):format(result.status, result.code or result.signal or result.error))

-- 2. The control: the same sandbox without the seccomp filter. Creating a
-- user namespace needs no capability, so only the filter stops unshare -U.
-- mount(2) has two more walls: no CAP_SYS_ADMIN, and Landlock, which
-- refuses every mount to a process it restricts.
local control_spec = spec([[
unshare -U true 2>&1; echo "unshare -U: status $?"
mount -t tmpfs x /mnt 2>&1; echo "mount: status $?"
]])
control_spec.seccomp = nil
control_spec.hooks = nil
local control_result, control = run(control_spec)
print("--- control, without the seccomp filter")
print(control)

-- 3. RLIMIT_NPROC counts the processes of a real uid, and the kernel skips
-- the check for root. So above, only the cgroup held the fork bomb. Here
-- the same sandbox runs its shell as a uid of its own, without the cgroup.
-- The count is host-wide, so the uid is one nothing else is likely to use.
-- The sandbox's init stays root: the uid's processes are the two shells and
-- their sleeps.
local uid = 100000 + getpid()
local nproc_spec = spec("printf 'uid: '; id -u\nprintf 'ulimit -u: '; ulimit -u\n" .. BOMB)
nproc_spec.uid, nproc_spec.gid = uid, uid
nproc_spec.cgroup, nproc_spec.hooks = nil, nil
local nproc_result, nproc_out = run(nproc_spec)
print(("--- the same sandbox as uid %d, nproc %d, no cgroup"):format(uid, NPROC))
print(nproc_out)

------------------------------------------------------------------------------
-- The claims, each checked against what the shell printed.
if exists(rootfs .. "/confine-probe") then os.remove(rootfs .. "/confine-probe") end

local function has(text, plain) return text:find(plain, 1, true) ~= nil end
local function started(text)
  local n, err = text:match("fork bomb: (%d+) of 64 started; ([^\n]*)")
  return tonumber(n), err or ""
end

local claims = {}
local function claim(ok, text) claims[#claims + 1] = { ok = ok and true or false, text = text } end

claim(result.status == "exit" and result.code == 0 and not result.timed_out, "the sandbox ran and its shell ended by itself")
local zero = 0
for _, set in ipairs({ "CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb" }) do
  if inside:find("\n" .. set .. ":%s+0000000000000000\n") then zero = zero + 1 end
end
claim(zero == 5, "every capability set is zero (CapInh, CapPrm, CapEff, CapBnd, CapAmb)")
claim(inside:find("\nNoNewPrivs:%s+1\n") ~= nil, "NoNewPrivs is 1")
claim(inside:find("\nSeccomp:%s+2\n") ~= nil, "Seccomp is 2 (a filter is installed)")
claim(has(inside, "unshare(0x10000000): Operation not permitted") and has(inside, "unshare -U: status 1"),
      "unshare(CLONE_NEWUSER) fails with EPERM")
claim(control_result.status == "exit" and has(control, "unshare -U: status 0"),
      "... and succeeds without the filter (control): the filter is what refuses it")
-- busybox mount says "permission denied (are you root?)" exactly when mount(2) fails with EPERM.
claim(has(inside, "permission denied (are you root?)") and has(inside, "mount: status 1"), "mount(2) fails with EPERM")
claim(has(control, "permission denied (are you root?)") and has(control, "mount: status 1"),
      "... and fails with EPERM without the filter too (control): the filter is not the only wall")
claim(has(inside, "uid: 0\n") and has(inside, "/ is owned by uid 0, mode 755") and inside:find("\n%S+ / %S+ rw[,%s]") ~= nil,
      "the shell is uid 0, / is uid 0's with mode 755 and mounted read-write")
claim(has(inside, "read /etc/hostname: "), "a file outside /tmp can be read")
claim(has(inside, "can't create /confine-probe: Permission denied") and has(inside, "write /confine-probe: status 1"),
      "a write outside /tmp fails with EACCES (Landlock)")
claim(has(inside, "write /tmp/probe: ok"), "a write in /tmp works")
local tmp_options = inside:match("\n%S+ /tmp tmpfs (%S+)")
claim(has(inside, "/tmp/busybox: mode 755") and has(inside, "/tmp/busybox: Permission denied")
      and has(inside, "exec /tmp/busybox: status 126") and tmp_options and not tmp_options:find("noexec"),
      "a copy of busybox in /tmp (mode 755, /tmp not noexec) can't run (EACCES): Landlock's exec right is /bin's only")
claim(has(inside, "ulimit -n: " .. NOFILE .. "\n"), "ulimit -n shows " .. NOFILE)
claim(has(inside, "fd 63: opened") and has(inside, "Bad file descriptor") and has(inside, "fd 64: refused"),
      "fd 63 opens, fd 64 fails with EBADF (nofile " .. NOFILE .. ")")
claim(has(inside, "ulimit -u: " .. NPROC .. "\n"), "ulimit -u shows " .. NPROC)
local n, err = started(inside)
claim(n and n >= 1 and n + 3 <= PIDS and has(err, "can't fork: Resource temporarily unavailable"),
      ("the fork bomb stopped at the pids limit: %s sleeps of 64 started, with init and two shells at most %d tasks, then fork failed with EAGAIN")
        :format(tostring(n), PIDS))
claim(n and n > NPROC, ("... past nproc %d: the kernel does not apply it to root"):format(NPROC))
local gone = 0
for _, dir in ipairs(cgroups) do if not exists(dir) then gone = gone + 1 end end
claim(#cgroups > 0 and cgroups_seen == #cgroups and gone == #cgroups,
      ("the cgroup existed during the run and is gone, and so is every process that was in it: %s")
        :format(table.concat(cgroups, ", ")))
claim(nproc_result.status == "exit" and has(nproc_out, "uid: " .. uid .. "\n") and has(nproc_out, "ulimit -u: " .. NPROC .. "\n"),
      "the third sandbox ran as uid " .. uid .. " with nproc " .. NPROC)
local m, err2 = started(nproc_out)
claim(m and m >= 1 and m + 2 <= NPROC and has(err2, "can't fork: Resource temporarily unavailable"),
      ("... and its fork bomb stopped at nproc: %s sleeps of 64 started, with the two shells at most %d processes, then fork failed with EAGAIN")
        :format(tostring(m), NPROC))
claim(mountinfo() == host_mounts, "the host's mount table is unchanged")

print("--- claims")
local failed = {}
for _, c in ipairs(claims) do
  print((c.ok and "ok    " or "FAIL  ") .. c.text)
  if not c.ok then failed[#failed + 1] = c.text end
end
if #failed == 0 then
  print("confine.lua: all claims hold")
  return 0
end
print(("confine.lua: %d claim(s) failed: %s"):format(#failed, table.concat(failed, "; ")))
return 1
