-- The security regression suite (issue 7, "What the suite proves"): escapes,
-- isolation and faults. Each check proves one fact and, where it can, runs the
-- same attack against a deliberately weakened recipe and asserts that it then
-- succeeds, so the test proves the protection is what stops it.
-- Facts already proven elsewhere are not repeated here: the README's "Security model" maps
-- every promise to its test, in this file and in the other suites.
--
-- Bounded and safe under parallel load: every wait has a deadline, every race
-- is bounded by count and time, the weakened variants only ever touch scratch
-- directories made here (never a real host path), and each test cleans up
-- (processes, mounts, cgroups, IPC segments, files) even when it fails.
local T = require "testing"
local sandbox = require "nsrun.sandbox"
local E = ns.errno

local ROOT = T.rootfs()
local shell_out = T.shell_out
local NSRUN = arg[-1]
local NSRUN_REAL = shell_out(("readlink -f %q"):format(NSRUN)):match("[^\n]+")
local PYTHON = "/usr/bin/python3"
local TAG = "nsrun-sec-" .. getpid()

-- Runs fn(), then cleanup() whatever happened; re-raises fn's error.
local function finally(fn, cleanup)
  local ok, err = pcall(fn)
  cleanup()
  if not ok then error(err, 0) end
end

local function scratch()
  local d = os.tmpname(); os.remove(d)
  assert(ns.mkdir(d))
  return d
end
local function rm_rf(d) os.execute(("rm -rf %q"):format(d)) end

local function write_file(path, s)
  local f = assert(io.open(path, "w")); f:write(s); f:close()
end

local read_all = T.read_all

-- A busybox sandbox running `script`, its stdout captured.
local function sh(script, extra) return T.busybox_spec(ROOT, script, extra) end
local run_captured = T.run_captured

local function sha256(path) return (shell_out(("sha256sum %q"):format(path)):match("^(%x+)")) end
local function have(cmd) return os.execute(("command -v %s >/dev/null 2>&1"):format(cmd)) end

-- Waits (bounded) until every pidfd in `fds` is readable (its process ended).
local function all_gone(fds, limit)
  local deadline = ns.clock() + limit
  local left = {}
  for _, fd in ipairs(fds) do left[#left + 1] = fd end
  while #left > 0 and ns.clock() < deadline do
    local ready = ns.poll(left, math.max(0.01, deadline - ns.clock()))
    local set = {}
    for _, fd in ipairs(ready or {}) do set[fd] = true end  -- poll lists integer fds
    local rest = {}
    for _, fd in ipairs(left) do if not set[fd:fd()] then rest[#rest + 1] = fd end end
    left = rest
  end
  return #left == 0, #left
end

---------------------------------------------------------------------------
-- Escapes: CVE-2019-5736 (overwriting the runtime binary through /proc/PID/exe)
---------------------------------------------------------------------------

-- The program, under init (pid 1 is an nsrun process), tries every way to the
-- runtime's binary. The opens use <> (read-write, no truncation), so a wrong
-- outcome could not damage the binary either.
local EXE_ATTACK = [[
for t in /proc/self/exe /proc/$PPID/exe /proc/1/exe; do
  (exec 3<>$t) 2>/dev/null && echo "rw-open $t" || echo "rw-refused $t"
  (exec 3<$t) 2>/dev/null && echo "r-open $t" || echo "r-refused $t"
done
echo "ppid $PPID"
echo "init-exe $(readlink /proc/1/exe 2>/dev/null)"
]]

T.test("CVE-2019-5736: the program can neither write nor even open the nsrun binary through /proc/{self,PPID,1}/exe; it stays unchanged", function()
  local before = sha256(NSRUN_REAL)
  assert(before, "sha256 of " .. NSRUN_REAL)
  local r, out = run_captured(sh(EXE_ATTACK))
  T.eq(r.code, 0, tostring(r.error))
  -- Under init the parent is pid 1, the nsrun init: nothing of it opens.
  assert(out:find("ppid 1\n", 1, true), out)
  for _, t in ipairs({ "/proc/1/exe" }) do
    assert(out:find("rw-refused " .. t, 1, true) and out:find("r-refused " .. t, 1, true), out)
  end
  -- /proc/self/exe is busybox, running: never writable (ETXTBSY).
  assert(out:find("rw-refused /proc/self/exe", 1, true), out)
  assert(out:find("init-exe \n", 1, true), "the init's exe link is not even readable:\n" .. out)
  T.eq(sha256(NSRUN_REAL), before, "the nsrun binary")
end)

T.test("CVE-2019-5736, weakened: keeping sys_ptrace, the program reaches the host's nsrun binary through /proc/1/exe (only ETXTBSY stops a write)", function()
  local before = sha256(NSRUN_REAL)
  local r, out = run_captured(sh(EXE_ATTACK, { capabilities = { "sys_ptrace", "dac_override" } }))
  T.eq(r.code, 0, tostring(r.error))
  -- The handle the CVE needs: a read fd on the host binary, from inside the root.
  assert(out:find("r-open /proc/1/exe", 1, true), out)
  assert(out:find("init-exe " .. NSRUN_REAL .. "\n", 1, true), "pid 1 runs the binary under test:\n" .. out)
  assert(out:find("rw-refused /proc/1/exe", 1, true), out)
  T.eq(sha256(NSRUN_REAL), before, "the nsrun binary")
end)

T.test("CVE-2019-5736 without init: pid 1 is the program, the parent nsrun is not visible (PPid 0)", function()
  local r, out = run_captured(sh(EXE_ATTACK, { init = false }))
  T.eq(r.code, 0, tostring(r.error))
  assert(out:find("ppid 0\n", 1, true), out)
  assert(out:find("init-exe /bin/busybox\n", 1, true), out)
  assert(out:find("rw-refused /proc/1/exe", 1, true), out)
end)

---------------------------------------------------------------------------
-- Isolation
---------------------------------------------------------------------------

-- Lists, for every process in the sandbox's /proc: pid, PPid, readlink of
-- root and exe ("-" when refused); and "reach N" when a host file, MARKER,
-- can be read through /proc/N/root.
local PROC_LIST = [=[
for p in /proc/[0-9]*; do
  n=${p#/proc/}
  pp=$(sed -n 's/^PPid:[[:space:]]*//p' $p/status 2>/dev/null)
  echo "proc $n ${pp:--} $(readlink $p/root 2>/dev/null || echo -) $(readlink $p/exe 2>/dev/null || echo -)"
  grep -qs host-marker "$p/rootMARKER" && echo "reach $n"
done
true
]=]

local function parse_procs(out)
  local procs = {}
  for pid, ppid, root, exe in out:gmatch("proc (%d+) (%S+) (%S+) (%S+)\n") do
    procs[#procs + 1] = { pid = tonumber(pid), ppid = tonumber(ppid), root = root, exe = exe }
  end
  return procs
end

-- Runs PROC_LIST with a host marker file; returns the result, the output, the processes.
local function proc_list(extra)
  local d = scratch()
  local out, r
  finally(function()
    write_file(d .. "/marker", "host-marker\n")
    r, out = run_captured(sh((PROC_LIST:gsub("MARKER", d .. "/marker")), extra))
  end, function() rm_rf(d) end)
  return r, out, parse_procs(out)
end

T.test("isolation: pid 1 has parent 0, /proc lists only sandbox pids, every /proc/*/root is / and no /proc/*/exe leads to a host path", function()
  local r, out, procs = proc_list()
  T.eq(r.code, 0, tostring(r.error))
  assert(#procs >= 2, out)
  local pids = {}
  for _, p in ipairs(procs) do pids[p.pid] = true end
  for _, p in ipairs(procs) do
    if p.pid == 1 then T.eq(p.ppid, 0, "pid 1's parent")
    elseif p.ppid then assert(pids[p.ppid] or p.ppid == 1, "parent outside the sandbox: " .. out) end
    assert(p.pid < 100, "a small pid of the sandbox's own namespace: " .. out)
    assert(p.root == "/" or p.root == "-", "root of " .. p.pid .. ": " .. p.root)
    -- Every exe readable from inside is a file of the rootfs; the init's is refused.
    assert(p.exe == "-" or p.exe:match("^/bin/"), "exe of " .. p.pid .. ": " .. p.exe)
  end
  T.eq(procs[1].pid, 1); T.eq(procs[1].exe, "-", "the init's exe is refused")
  T.eq(out:find("reach ", 1, true), nil, "a host file read through /proc/N/root:\n" .. out)
end)

T.test("isolation, weakened: without the pid namespace and keeping sys_ptrace, host processes, host exe paths and host files show through /proc", function()
  local r, out, procs = proc_list({ namespaces = { "mount", "uts", "ipc", "net" }, capabilities = { "sys_ptrace" } })
  T.eq(r.code, 0, tostring(r.error))
  local host_exe, me = false, false
  for _, p in ipairs(procs) do
    if p.exe ~= "-" and not p.exe:match("^/bin/") then host_exe = true end
    if p.pid == getpid() then me = true end
  end
  assert(me, "the test runner itself (a host process) is listed")
  assert(host_exe, "some exe shows a host path")
  assert(out:find("reach ", 1, true), "the host's marker file is read through some /proc/N/root")
end)

T.test("isolation: SysV IPC - a host shm segment is invisible inside, visible with the ipc namespace off", function()
  if not have("ipcmk") then T.skip("ipcmk (util-linux) is not installed") end
  local text = shell_out("ipcmk -M 4096 2>&1")
  local id = tonumber(text:match("(%d+)%s*$"))
  assert(id, "ipcmk: " .. text)
  finally(function()
    local probe = ("awk 'NR > 1 && $2 == %d { found = 1 } END { print found ? \"seen\" : \"unseen\" }' /proc/sysvipc/shm"):format(id)
    local _, inside = run_captured(sh(probe))
    T.eq(inside, "unseen\n", "inside the default sandbox")
    local _, weak = run_captured(sh(probe, { namespaces = { "pid", "mount", "uts", "net" } }))
    T.eq(weak, "seen\n", "without the ipc namespace")
  end, function() os.execute(("ipcrm -m %d >/dev/null 2>&1"):format(id)) end)
end)

T.test("isolation: /proc/self/cgroup is / in every hierarchy inside; without the cgroup namespace the sandbox's cgroup shows", function()
  local name = TAG .. "-cg"
  local probe = "cat /proc/self/cgroup"
  local _, inside = run_captured(sh(probe))
  for line in inside:gmatch("[^\n]+") do assert(line:match(":/$"), "inside: " .. line) end
  assert(inside:find("0::/\n", 1, true), inside)
  -- In the sandbox's own cgroup (made for it and removed), the v2 line is still /.
  local _, boxed = run_captured(sh(probe, { cgroup = { pids = 64, name = name } }))
  assert(boxed:find("0::/\n", 1, true), boxed)
  local _, weak = run_captured(sh(probe, { cgroup = { pids = 64, name = name }, namespaces = { "pid", "mount", "uts", "ipc", "net" } }))
  assert(weak:match("\n0::/[^\n]*" .. name:gsub("%-", "%%-")), "the host path shows without the namespace: " .. weak)
  for _, dir in ipairs({ "/sys/fs/cgroup/unified", "/sys/fs/cgroup/pids" }) do
    T.eq(os.execute("find " .. dir .. " -maxdepth 4 -name '" .. name .. "*' | grep -q ."), nil, "left in " .. dir)
  end
end)

T.test("isolation: uid and gid maps are exactly the ones asked, line for line", function()
  local probe = "cat /proc/self/uid_map; echo --; cat /proc/self/gid_map; echo --; id -u; id -g"
  local ns_user = { "pid", "mount", "uts", "ipc", "net", "user" }
  local r, out = run_captured(sh(probe, { namespaces = ns_user,
    uid_map = { { 0, 100000, 1000 }, { 1000, 200000, 10 } }, gid_map = { { 0, 300000, 5 } }, uid = 1005, gid = 3 }))
  T.eq(r.code, 0, tostring(r.error))
  local norm = out:gsub("[ \t]+", " "):gsub("\n ", "\n"):gsub("^ ", "")
  T.eq(norm, "0 100000 1000\n1000 200000 10\n--\n0 300000 5\n--\n1005\n3\n", "maps and ids")
  -- The defaults: 0 -> the caller's uid (0 here), plus uid -> uid for a non-zero uid.
  local _, def = run_captured(sh(probe, { namespaces = ns_user, uid = 1000, gid = 1000 }))
  T.eq(def:gsub("[ \t]+", " "):gsub("\n ", "\n"):gsub("^ ", ""), "0 0 1\n1000 1000 1\n--\n0 0 1\n1000 1000 1\n--\n1000\n1000\n", "default maps")
end)

T.test("isolation: the program cannot set the hostname (EPERM, capabilities dropped); keeping sys_admin it can, in its own uts namespace only", function()
  local host = ns.gethostname()
  local r = sandbox.run(sh("! hostname evil 2>/dev/null && test \"$(hostname)\" = box", { hostname = "box" }))
  T.eq(r.code, 0, tostring(r.error))
  local weak = sandbox.run(sh("hostname evil && test \"$(hostname)\" = evil", { hostname = "box", capabilities = { "sys_admin" } }))
  T.eq(weak.code, 0, tostring(weak.error))
  T.eq(ns.gethostname(), host, "the host's hostname")
end)

---------------------------------------------------------------------------
-- ptrace
---------------------------------------------------------------------------

local PTRACE = [[
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
libc.ptrace.argtypes = [ctypes.c_long, ctypes.c_long, ctypes.c_void_p, ctypes.c_void_p]
out = []
for pid in sorted(int(p) for p in os.listdir("/proc") if p.isdigit() and int(p) != os.getpid()):
    r = libc.ptrace(0x4206, pid, None, None)  # PTRACE_SEIZE: never stops the tracee
    out.append("%d:%s" % (pid, "attached" if r == 0 else "errno%d" % ctypes.get_errno()))
print(" ".join(out))
]]

T.test("ptrace of anything visible (the init) fails with EPERM when capabilities are dropped; keeping sys_ptrace it works", function()
  if not io.open(PYTHON) then T.skip(PYTHON .. " is not installed") end
  local spec = { argv = { PYTHON, "-c", PTRACE }, mounts = { { proc = "/proc" }, { tmpfs = "/tmp" } } }
  local r, out = run_captured(spec)
  T.eq(r.code, 0, tostring(r.error))
  T.eq(out, ("1:errno%d\n"):format(E.EPERM), "dropped")
  -- Also as a non-root uid.
  spec = { argv = { PYTHON, "-c", PTRACE }, mounts = { { proc = "/proc" }, { tmpfs = "/tmp" } }, uid = 1000, gid = 1000 }
  r, out = run_captured(spec)
  T.eq(r.code, 0, tostring(r.error))
  T.eq(out, ("1:errno%d\n"):format(E.EPERM), "dropped, uid 1000")
  spec = { argv = { PYTHON, "-c", PTRACE }, mounts = { { proc = "/proc" }, { tmpfs = "/tmp" } }, capabilities = { "sys_ptrace" } }
  r, out = run_captured(spec)
  T.eq(r.code, 0, tostring(r.error))
  T.eq(out, "1:attached\n", "weakened: sys_ptrace kept")
end)

---------------------------------------------------------------------------
-- Symlinks in the rootfs (CVE-2019-19921, CVE-2021-30465, CVE-2025-31133)
---------------------------------------------------------------------------

-- A scratch rootfs: busybox's /bin bound read-only, the rest plain directories.
local function scratch_root()
  local d = scratch()
  for _, sub in ipairs({ "root/bin", "root/tmp", "root/mnt", "root/etc", "outside", "src" }) do
    assert(ns.mkdir(d .. "/" .. sub, tonumber("755", 8), true))
  end
  return d
end
local function root_spec(d, script, mounts)
  local m = { { bind = ROOT .. "/bin", to = "/bin", ro = true } }
  for _, x in ipairs(mounts) do m[#m + 1] = x end
  return { argv = { "/bin/sh", "-c", script }, rootfs = d .. "/root", env = { PATH = "/bin" }, mounts = m }
end
local function host_mentions(d) return T.read("/proc/self/mountinfo"):find(d, 1, true) ~= nil end

T.test("a rootfs whose /proc, /dev or a bind target is a symlink to a host directory: the sandbox fails at 'mounts' (ELOOP), the host directory is untouched", function()
  local d = scratch_root()
  finally(function()
    local cases = {
      { "proc", { proc = "/proc" } },
      { "dev", { dev = "/dev" } },
      { "mnt/t", { bind = d .. "/src", to = "/mnt/t" } },
      { "mnt/u", { tmpfs = "/mnt/u" } },
    }
    for _, c in ipairs(cases) do
      assert(ns.symlink(d .. "/outside", d .. "/root/" .. c[1]))
      local r = sandbox.run(root_spec(d, "exit 0", { c[2] }))
      T.eq(r.status, "error", c[1]); T.eq(r.stage, "mounts", c[1]); T.eq(r.errno, E.ELOOP, c[1] .. ": " .. tostring(r.error))
      assert(not host_mentions(d), "nothing mounted on the host")
      T.eq(shell_out(("ls -A %q"):format(d .. "/outside")), "", "the host directory stays empty")
    end
  end, function() rm_rf(d) end)
end)

T.test("CVE-2025-31133: a rootfs /dev/null that is a symlink never receives writes under {dev = \"/dev\"}; without it, it does", function()
  local d = scratch_root()
  finally(function()
    assert(ns.mkdir(d .. "/root/dev"))
    write_file(d .. "/root/etc/victim", "")
    assert(ns.symlink("/etc/victim", d .. "/root/dev/null"))
    local attack = "echo pwned > /dev/null; test -c /dev/null"
    local r = sandbox.run(root_spec(d, attack, { { dev = "/dev" } }))
    T.eq(r.code, 0, tostring(r.error))
    T.eq(T.read(d .. "/root/etc/victim"), "", "the symlink's target")
    -- Weakened: no fresh /dev, so the rootfs's own symlink is what /dev/null is.
    local weak = sandbox.run(root_spec(d, attack, {}))
    T.eq(weak.code, 1, "weakened: /dev/null is not a device")
    T.eq(T.read(d .. "/root/etc/victim"), "pwned\n", "weakened: the write went through the symlink")
  end, function() rm_rf(d) end)
end)

-- The racer: swaps a directory and a symlink to the outside, in the middle of
-- the path (mnt/sw <-> mnt/swl) and as the last component (mnt/d2/t <-> tl),
-- with renameat2(RENAME_EXCHANGE), until killed, its parent dies, or 30 s.
local RACER = [[
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl(1, 9)  # PR_SET_PDEATHSIG SIGKILL
pairs = [(sys.argv[1].encode(), sys.argv[2].encode()), (sys.argv[3].encode(), sys.argv[4].encode())]
for a, b in pairs:
    if libc.renameat2(-100, a, -100, b, 2) != 0:
        sys.exit("renameat2: " + os.strerror(ctypes.get_errno()))
print("ready", flush=True)
deadline = time.monotonic() + 30
while time.monotonic() < deadline:
    for a, b in pairs:
        libc.renameat2(-100, a, -100, b, 2)
]]

local function race_tree()
  local d = scratch_root()
  assert(ns.mkdir(d .. "/root/mnt/sw/t", tonumber("755", 8), true))
  assert(ns.symlink("../../outside", d .. "/root/mnt/swl"))           -- from root/mnt: d/outside
  assert(ns.mkdir(d .. "/root/mnt/d2/t", tonumber("755", 8), true))
  assert(ns.symlink("../../../outside/t", d .. "/root/mnt/d2/tl"))     -- from root/mnt/d2: d/outside/t
  assert(ns.mkdir(d .. "/outside/t"))
  write_file(d .. "/racer.py", RACER)
  return d
end

local function start_racer(d)
  local r, w = assert(ns.pipe())
  local _, pidfd = assert(clone(0, function()
    ns.dup2(w, 1)
    ns.execve(PYTHON, { "python3", d .. "/racer.py", d .. "/root/mnt/sw", d .. "/root/mnt/swl", d .. "/root/mnt/d2/t", d .. "/root/mnt/d2/tl" }, {})
    return 127
  end))
  ns.close(w)
  local ready = ns.poll({ r }, 10)
  local line = #ready == 1 and ns.read(r, 64) or ""
  ns.close(r)
  if not line:find("ready", 1, true) then
    pidfd_signal(pidfd, "KILL"); ns.wait(pidfd)
    error("the racer did not start: " .. line)
  end
  return pidfd
end

-- In a child with a private mount namespace: `attempt(i)` up to `max` times
-- (and at least `min`, and for at most `seconds`), until `enough(stats)`.
-- Returns the counts and where each new mount landed, inside `inside` or not.
local function race_in_child(inside, attempt, min, max, seconds, enough)
  local r, w = assert(ns.pipe())
  local _, pidfd = assert(clone(CLONE_NEWNS, function()
    ns.close(r)
    assert(ns.make_private("/"))
    local base = {}
    for id in T.read("/proc/self/mountinfo"):gmatch("(%d+) [^\n]*\n") do base[id] = true end
    local st = { tries = 0, ok = 0, refused = {}, inside = 0, outside = 0 }
    local deadline = ns.clock() + seconds
    for i = 1, max do
      local ok, _, errno = attempt(i)
      st.tries = i
      if ok then st.ok = st.ok + 1 else st.refused[errno] = (st.refused[errno] or 0) + 1 end
      if i >= min and (enough(st) or ns.clock() > deadline) then break end
      if i % 64 == 0 and i >= min then
        -- Where did the mounts land so far? (Cheap enough every 64 tries.)
        st.outside = 0
        for id, mp in T.read("/proc/self/mountinfo"):gmatch("(%d+) %d+ %S+ %S+ (%S+)[^\n]*\n") do
          if not base[id] and mp:sub(1, #inside + 1) ~= inside .. "/" then st.outside = st.outside + 1 end
        end
        if enough(st) then break end
      end
    end
    st.inside, st.outside = 0, 0
    local where = {}
    for id, mp in T.read("/proc/self/mountinfo"):gmatch("(%d+) %d+ %S+ %S+ (%S+)[^\n]*\n") do
      if not base[id] then
        if mp:sub(1, #inside + 1) == inside .. "/" then st.inside = st.inside + 1
        else st.outside = st.outside + 1; where[mp] = true end
      end
    end
    local refused = {}
    for e, n in pairs(st.refused) do refused[#refused + 1] = ("errno%d=%d"):format(e, n) end
    table.sort(refused)
    local places = {}
    for mp in pairs(where) do places[#places + 1] = mp end
    ns.write(w, ("%d %d %d %d %s|%s"):format(st.tries, st.ok, st.inside, st.outside, table.concat(refused, ","), table.concat(places, ",")))
    return 0
  end))
  ns.close(w)
  local text = read_all(r)
  ns.close(r)
  local ok, how, code = ns.wait(pidfd)
  T.eq(ok, true, ("race child ended %s %s"):format(how, code))
  local tries, okn, ins, outs, refused, places = text:match("^(%d+) (%d+) (%d+) (%d+) ([^|]*)|(.*)$")
  assert(tries, "race child said: " .. text)
  return { tries = tonumber(tries), ok = tonumber(okn), inside = tonumber(ins), outside = tonumber(outs), refused = refused, places = places }
end

T.test("CVE-2021-30465: 1,000 binds and tmpfs mounts with {root=} against a symlink-exchange race never land outside the rootfs", function()
  if not io.open(PYTHON) then T.skip(PYTHON .. " is not installed") end
  local d = race_tree()
  local racer
  finally(function()
    local host_before = host_mentions(d)
    T.eq(host_before, false)
    racer = start_racer(d)
    local rootdir = d .. "/root"
    local targets = { "/mnt/sw/t", "/mnt/d2/t" }
    local st = race_in_child(rootdir, function(i)
      local target = targets[(i >> 1) % 2 + 1]
      if i % 2 == 0 then return ns.bind(d .. "/src", target, { root = rootdir }) end
      return ns.mount_tmpfs(target, { root = rootdir, size = "64k" })
    end, 1000, 20000, 15, function(s)
      -- Enough once the race was seen both ways: some mounts made, some refused.
      return s.tries >= 1000 and s.ok > 0 and s.ok < s.tries
    end)
    print(("# protected: %d tries, %d mounted (all inside: %d), refused %s"):format(st.tries, st.ok, st.inside, st.refused))
    T.eq(st.outside, 0, "mounts outside the rootfs (" .. st.places .. ")")
    T.eq(st.inside, st.ok, "every mount made is inside")
    assert(st.tries >= 1000, "1,000 tries")
    assert(st.ok > 0 and st.ok < st.tries, "the race was exercised both ways: " .. st.ok .. " of " .. st.tries)
    T.eq(host_mentions(d), false, "the host's mountinfo")
    T.eq(shell_out(("ls -A %q"):format(d .. "/outside/t")), "", "the outside stays empty")
  end, function()
    if racer then pidfd_signal(racer, "KILL"); ns.wait(racer) end
    rm_rf(d)
  end)
end)

T.test("CVE-2021-30465, weakened: the same race against plain mount(2) by path lands outside the rootfs (the race is real)", function()
  if not io.open(PYTHON) then T.skip(PYTHON .. " is not installed") end
  local d = race_tree()
  local racer
  finally(function()
    racer = start_racer(d)
    local rootdir = d .. "/root"
    local targets = { rootdir .. "/mnt/sw/t", rootdir .. "/mnt/d2/t" }
    local st = race_in_child(rootdir, function(i)
      local target = targets[(i >> 1) % 2 + 1]
      if i % 2 == 0 then return ns.mount(d .. "/src", target, nil, { "bind" }) end
      return ns.mount("tmpfs", target, "tmpfs", { "nosuid", "nodev" }, "size=64k")
    end, 1, 20000, 15, function(s) return s.outside > 0 end)
    print(("# weakened: %d tries, %d mounted, %d inside, %d outside (%s)"):format(st.tries, st.ok, st.inside, st.outside, st.places))
    assert(st.outside > 0, "a mount by path followed the swapped symlink out of the rootfs")
    -- Only the scratch stand-in for a host directory was ever reached.
    for mp in st.places:gmatch("[^,]+") do assert(mp:sub(1, #d + 1) == d .. "/", "landed at " .. mp) end
    T.eq(host_mentions(d), false, "the host's own mountinfo (the child's namespace was private)")
  end, function()
    if racer then pidfd_signal(racer, "KILL"); ns.wait(racer) end
    rm_rf(d)
  end)
end)

---------------------------------------------------------------------------
-- Faults
---------------------------------------------------------------------------

-- The host pids of every process in the pid namespace of `pid`.
local function pids_in_pidns_of(pid)
  local want = assert(ns.ns_ids(pid)).pid
  local found = {}
  for name in shell_out("ls /proc"):gmatch("[^\n]+") do
    local p = tonumber(name)
    if p then
      local ids = ns.ns_ids(p)
      if ids and ids.pid == want then found[#found + 1] = p end
    end
  end
  return found
end

T.test("the sandbox's pid 1 SIGKILLed: every process of its namespace is gone within 2 s", function()
  local r, w = assert(ns.pipe())
  local s = sandbox.start(sh("for i in 1 2 3; do sleep 30 & done; (sleep 30 &); echo ready; wait", { stdio = { stdout = w }, timeout = 20 }))
  ns.close(w)
  local fds = {}
  finally(function()
    T.eq(#ns.poll({ r }, 10), 1, "the program started")
    assert(ns.read(r, 64):find("ready", 1, true))
    local pids = pids_in_pidns_of(s.pid)
    assert(#pids >= 6, "init, sh and 4 sleeps: " .. #pids)
    for _, p in ipairs(pids) do
      local fd = ns.pidfd_open(p)
      if fd then fds[#fds + 1] = fd end
    end
    local t0 = ns.clock()
    assert(pidfd_signal(s:pidfd(), "KILL"))
    local gone, left = all_gone(fds, 2)
    T.eq(gone, true, left .. " processes left after 2 s")
    print(("# %d processes gone in %.3f s"):format(#fds, ns.clock() - t0))
  end, function()
    for _, fd in ipairs(fds) do pidfd_signal(fd, "KILL"); fd:close() end
    ns.close(r)
    s:wait()
  end)
end)

T.test("weakened: without a pid namespace, killing the program leaves its children running", function()
  local r, w = assert(ns.pipe())
  local s = sandbox.start(sh("sleep 30 & echo $!; sleep 30 & echo $!; wait", { stdio = { stdout = w }, timeout = 20,
    namespaces = { "mount", "uts", "ipc" } }))
  ns.close(w)
  local fds = {}
  finally(function()
    local text = ""
    local deadline = ns.clock() + 10
    while select(2, text:gsub("\n", "")) < 2 and ns.clock() < deadline do
      if #ns.poll({ r }, 1) == 1 then text = text .. ns.read(r, 64) end
    end
    for p in text:gmatch("%d+") do fds[#fds + 1] = assert(ns.pidfd_open(tonumber(p))) end
    T.eq(#fds, 2, "two sleeps: " .. text)
    assert(pidfd_signal(s:pidfd(), "KILL"))
    s:wait()
    ns.sleep(0.3)
    for _, fd in ipairs(fds) do T.eq(pidfd_signal(fd, 0), true, "a sleep outlived the program") end
  end, function()
    for _, fd in ipairs(fds) do pidfd_signal(fd, "KILL") end
    all_gone(fds, 5)
    for _, fd in ipairs(fds) do fd:close() end
    ns.close(r)
    s:wait()
  end)
end)

-- Runs a sandbox in a fresh nsrun under strace with `inject`; returns the
-- nested nsrun's exit status, its report, and the sandbox's host pid (from
-- after_clone, when the clone happened).
local function injected(inject, cgname)
  local script = os.tmpname()
  write_file(script, ([[
    local r = require("nsrun.sandbox").run{ argv = {"/bin/sh", "-c", "exit 3"}, rootfs = %q, hostname = "x",
      mounts = {{proc = "/proc"}, {dev = "/dev"}, {tmpfs = "/tmp"}}, %s
      hooks = { after_clone = function(s) io.write("pid=", s.pid, "\n"); io.stdout:flush() end } }
    io.write("status=", r.status, " stage=", tostring(r.stage), " code=", tostring(r.code), " error=", tostring(r.error), "\n")
    return r]]):format(ROOT, cgname and ("cgroup = { pids = 64, name = %q },"):format(cgname) or ""))
  local out, _ = shell_out(("timeout -s KILL 60 strace -f -qq -o /dev/null -e inject=%s %s %s 2>&1; echo \"rc=$?\""):format(inject, NSRUN, script))
  os.remove(script)
  return tonumber(out:match("rc=(%d+)")), out, tonumber(out:match("pid=(%d+)"))
end

T.test("a setup step failing (strace fault injection) fails its stage by name, exit 125, and leaves no process, mount or cgroup", function()
  if not have("strace") then T.skip("strace is not installed") end
  local cases = {
    { "mount:error=EPERM", "mounts", "mount /" },                      -- making / private
    { "fsmount:error=EPERM:when=2", "mounts", "fsmount tmpfs" },       -- /dev's tmpfs
    { "open_tree:error=EPERM:when=2", "mounts", "bind /dev/null" },
    { "move_mount:error=EPERM:when=3", "mounts", "mount_dev /dev" },
    { "sethostname:error=EPERM", "hostname", "sethostname x" },
    { "pivot_root:error=EPERM", "pivot_root", "pivot_root" },
    { "setsid:error=EPERM", "session", "setsid" },
    { "capset:error=EPERM", "capabilities", "capset" },
    -- The first process is cloned with vfork semantics, by the legacy
    -- clone; without a cgroup (whose janitor forks first) it is the first.
    { "clone:error=EPERM", "clone", "clone", nocgroup = true },
  }
  for i, c in ipairs(cases) do
    local cg = not c.nocgroup and ("%s-inj%d"):format(TAG, i) or nil
    local rc, out, pid = injected(c[1], cg)
    T.eq(rc, 125, c[1] .. ": " .. out)
    assert(out:find("status=error stage=" .. c[2] .. " code=nil", 1, true), c[1] .. ": " .. out)
    assert(out:find(c[3], 1, true) and out:find("Operation not permitted", 1, true), c[1] .. ": " .. out)
    if c[2] ~= "clone" then
      assert(pid, c[1] .. ": after_clone ran: " .. out)
      T.fails(E.ESRCH, c[1] .. ": the sandbox's process is gone", ns.pidfd_open(pid))
    end
    for _, dir in ipairs(cg and { "/sys/fs/cgroup/unified", "/sys/fs/cgroup/pids" } or {}) do
      T.eq(os.execute("find " .. dir .. " -maxdepth 4 -name '" .. cg .. "*' | grep -q ."), nil, c[1] .. ": cgroup left in " .. dir)
    end
  end
  T.eq(T.read("/proc/self/mountinfo"):find(ROOT, 1, true), nil, "no mount of the rootfs on the host")
end)

T.test("clone3 ENOSYS: sandbox.run works through the legacy clone, with a cgroup too (joined by the parent before the first process runs)", function()
  if not have("strace") then T.skip("strace is not installed") end
  local rc, out = injected("clone3:error=ENOSYS")
  T.eq(rc, 3, out)
  assert(out:find("status=exit stage=nil code=3", 1, true), out)
  local cg = TAG .. "-enosys"
  rc, out = injected("clone3:error=ENOSYS", cg)
  T.eq(rc, 3, out)
  assert(out:find("status=exit stage=nil code=3", 1, true), out)
  for _, dir in ipairs({ "/sys/fs/cgroup/unified", "/sys/fs/cgroup/pids" }) do
    T.eq(os.execute("find " .. dir .. " -maxdepth 4 -name '" .. cg .. "*' | grep -q ."), nil, "cgroup left in " .. dir)
  end
end)

os.exit(T.done())
