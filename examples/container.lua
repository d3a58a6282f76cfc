-- container.lua: a container by hand, step by step.
--
-- A busybox root filesystem becomes the root through pivot_root, the old
-- root is detached, and the container gets its own /proc, a minimal /dev, a
-- tmpfs /tmp and a hostname. Then a shell shows ps, mount and hostname from
-- inside and checks what it sees. The host is shown unchanged at the end.
--
-- Run as root:  nsrun examples/container.lua
-- The rootfs is built by scripts/mkrootfs when missing (NSRUN_ROOTFS picks
-- another directory).

local here = (arg and arg[0] or "examples/container.lua"):match("^(.*)/[^/]*$") or "."
local rootfs = os.getenv("NSRUN_ROOTFS") or (here .. "/../.build/rootfs")

local function exists(path)
  local f = io.open(path)
  if f then f:close() end
  return f ~= nil
end

if not exists(rootfs .. "/bin/busybox") then
  assert(os.execute(("%q %q"):format(here .. "/../scripts/mkrootfs", rootfs)), "scripts/mkrootfs failed")
end

local function mountinfo()
  local f = assert(io.open("/proc/self/mountinfo"))
  local s = f:read("a")
  f:close()
  return s
end
local host_mounts, host_name = mountinfo(), assert(ns.gethostname())

-- What the container's shell shows, then checks (its exit status is ours).
local script = [[
echo "--- hostname"; hostname
echo "--- ps";       ps
echo "--- mount";    mount
test "$(hostname)" = container || { echo "wrong hostname"; exit 1; }
test "$(ps | grep -vc PID)" -le 3 || { echo "host processes visible"; exit 1; }
test -c /dev/null && test -e /dev/pts/ptmx || { echo "no /dev"; exit 1; }
test ! -e /old_root && ! grep -q " /old_root" /proc/mounts || { echo "old root still there"; exit 1; }
touch /tmp/ok && ! touch /proc/ok 2>/dev/null || { echo "tmp/proc wrong"; exit 1; }
]]

local pid, pidfd = assert(clone(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC, function()
  -- Nothing below may propagate back to the host.
  assert(ns.make_private("/"))
  -- pivot_root needs the new root to be a mount point: bind it onto itself.
  assert(ns.bind(rootfs, rootfs, { rec = true }))
  -- Targets are resolved inside the rootfs: a symlink there can not lead out.
  assert(ns.mount_proc("/proc", { root = rootfs }))
  assert(ns.mount_dev("/dev", { root = rootfs }))
  assert(ns.mount_tmpfs("/tmp", { root = rootfs, size = "16m", mode = tonumber("1777", 8) }))
  assert(ns.sethostname("container"))
  -- pivot_root(".", ".") stacks the old root over the new one; detaching "."
  -- then removes it, so no old-root directory is ever needed.
  assert(ns.chdir(rootfs))
  assert(ns.pivot_root(".", "."))
  assert(ns.umount(".", ns.MNT_DETACH))
  assert(ns.chdir("/"))
  return ns.execve("/bin/sh", { "sh", "-c", script }, { PATH = "/bin:/sbin:/usr/bin:/usr/sbin" })
end))

local ok, how, code = ns.wait(pidfd)
print(("--- the container (pid %d on the host) ended: %s %d"):format(pid, how, code))
local host_same = mountinfo() == host_mounts and ns.gethostname() == host_name
print("--- host mounts and hostname unchanged: " .. tostring(host_same))

if ok and host_same then
  print("container.lua: all claims hold")
  return 0
end
return 1
