-- sandbox{}: the spec, its refusals, results, supervision, fds, dry-run.
local T = require "testing"
local sandbox = require "nsrun.sandbox"
local E = ns.errno

local ROOT = T.rootfs()

-- A busybox sandbox running `script` with the default namespaces.
local function sh(script, extra) return T.busybox_spec(ROOT, script, extra) end

-- Runs another nsrun with `chunk`; returns pid, pidfd, and the read end of its stdout.
local function nsrun_child(chunk)
  local r, w = assert(ns.pipe())
  local pid, pidfd = assert(clone(0, function()
    ns.dup2(w, 1)
    ns.execve("/proc/self/exe", { "nsrun", "-e", chunk })
    return 127
  end))
  ns.close(w)
  return pid, pidfd, r
end

local read_all = T.read_all

T.test("with init = false a sandbox runs its program as pid 1 with a fresh /proc and its own hostname", function()
  -- /proc lists the shell (1), and the ls and the subshell of the test itself.
  local r = sandbox.run(sh('test $$ = 1 && test "$(hostname)" = box && test "$(ls -d /proc/[0-9]* | wc -l)" -le 4 ', { hostname = "box", init = false }))
  T.eq(r.status, "exit"); T.eq(r.code, 0)
  assert(r.wall_time > 0 and r.user_time >= 0 and r.sys_time >= 0 and r.max_rss > 0, "times and rss")
  T.eq(r.timed_out, false); T.eq(r.oom_killed, false)
end)

T.test("exit codes: 0, 42, 128+9, 128+11, 127 for a missing program", function()
  T.eq(sandbox.run(sh("exit 0")).code, 0)
  T.eq(sandbox.run(sh("exit 42")).code, 42)
  -- pid 1 ignores signals it has no handler for, even its own SIGKILL: a
  -- program that must be killable by signal runs outside a new pid namespace.
  local no_pid_ns = { namespaces = { "mount", "uts", "ipc", "net" } }
  local killed = sandbox.run(sh("kill -9 $$", no_pid_ns))
  T.eq(killed.status, "signal"); T.eq(killed.signal, 9)
  local segv = sandbox.run(sh("kill -11 $$", no_pid_ns))
  T.eq(segv.status, "signal"); T.eq(segv.signal, 11)
  -- By default (as bwrap) an init is pid 1: the program is pid 2 and its
  -- signal is reported as its own.
  local under_init = sandbox.run(sh("kill -9 $$"))
  T.eq(under_init.status, "signal"); T.eq(under_init.signal, 9)
  T.eq(sandbox.run(sh("test $$ = 2 && exit 42")).code, 42)
  -- init = false: the program is pid 1 itself.
  T.eq(sandbox.run(sh("test $$ = 1", { init = false })).code, 0)
  local missing = sandbox.run({ argv = { "/no/such/program" }, rootfs = ROOT })
  T.eq(missing.status, "exit"); T.eq(missing.code, 127); T.eq(missing.stage, "exec"); T.eq(missing.errno, E.ENOENT)
  assert(missing.error:find("/no/such/program", 1, true), missing.error)
end)

T.test("nsrun exits with the shell convention for a returned result", function()
  for _, case in ipairs({ { "exit 42", 42 }, { "kill -9 $$", 137 }, { "kill -11 $$", 139 } }) do
    local _, pidfd = nsrun_child(([[return require("nsrun.sandbox").run{argv = {"/bin/sh", "-c", %q}, rootfs = %q,
      namespaces = {"mount", "uts", "ipc"}}]]):format(case[1], ROOT))
    local _, _, code = ns.wait(pidfd)
    T.eq(code, case[2], case[1])
  end
end)

T.test("a setup failure names the stage and claims no exit code", function()
  local r = sandbox.run(sh("exit 0", { mounts = { { proc = "/no-such-dir" } } }))
  T.eq(r.status, "error"); T.eq(r.stage, "mounts"); T.eq(r.errno, E.ENOENT); T.eq(r.code, nil)
  assert(r.error:find("mount_proc /no-such-dir", 1, true), r.error)
  local hook = sandbox.run(sh("exit 0", { hooks = { in_child = function() error("hook says no") end } }))
  T.eq(hook.status, "error"); T.eq(hook.stage, "in_child"); assert(hook.error:find("hook says no", 1, true))
end)

T.test("env is cleared by default, set by map, inherited by name", function()
  -- busybox sh itself sets PATH, PWD and SHLVL; nothing else may be there.
  T.eq(sandbox.run({ argv = { "/bin/sh", "-c", 'test -z "$HOME$USER$TERM" && test "$(env | grep -vcE "^(PWD|SHLVL|PATH)=")" = 0' }, rootfs = ROOT }).code, 0)
  T.eq(sandbox.run({ argv = { "/bin/sh", "-c", 'test "$A" = b && test -n "$PATH"' }, rootfs = ROOT,
                     env = { A = "b", inherit = { "PATH" } } }).code, 0)
end)

T.test("cwd, uid and gid", function()
  T.eq(sandbox.run(sh('test "$(pwd)" = /tmp && test "$(id -u):$(id -g)" = 1000:1001', { cwd = "/tmp", uid = 1000, gid = 1001 })).code, 0)
end)

T.test("only stdio and pass_fds reach the program, even when the caller holds extra fds", function()
  local extra_r, extra_w = assert(ns.pipe())     -- close-on-exec: must not arrive
  local passed_r, passed_w = assert(ns.pipe())   -- passed on purpose
  local r = sandbox.run(sh(("ls /proc/self/fd | sort -n | tr '\\n' ' ' > /dev/stderr; test \"$(ls /proc/self/fd | sort -n | tr '\\n' ' ')\" = '0 1 2 %d 3 '"):format(passed_w):gsub("0 1 2 (%d+) 3 ", function(n) return "0 1 2 3 " .. n .. " " end),
    { pass_fds = { passed_w }, stdio = { stderr = "null" } }))
  T.eq(r.code, 0, "fds seen by the program")
  for _, fd in ipairs({ extra_r, extra_w, passed_r, passed_w }) do ns.close(fd) end
end)

T.test("a cwd or program path through /proc/self/fd is refused before anything is created", function()
  T.raises("cwd: a working directory through /proc/PID/fd", sandbox.run, sh("true", { cwd = "/proc/self/fd/3" }))
  T.raises("argv[1]: a program path through /proc/PID/fd", sandbox.run, { argv = { "/proc/self/fd/5" } })
  T.raises("cwd: must be an absolute path", sandbox.run, sh("true", { cwd = "tmp" }))
end)

T.test("every refusal names its key", function()
  local cases = {
    { { argv = { "/bin/true" }, bogus = 1 }, "bogus: unknown key" },
    { {}, "argv: required" },
    { { argv = {} }, "argv: needs at least 1 element" },
    { { argv = { 1 } }, "argv[1]: string expected" },
    { { argv = { "/bin/true" }, namespaces = { "pid", "nope" } }, "namespaces[2]: unknown namespace 'nope'" },
    { { argv = { "/bin/true" }, uid_map = { { 0, 1000, 1 } } }, "uid_map: needs the 'user' namespace" },
    { { argv = { "/bin/true" }, namespaces = { "pid" }, hostname = "x" }, "hostname: needs the 'uts' namespace" },
    { { argv = { "/bin/true" }, namespaces = { "pid" }, rootfs = "/" }, "rootfs: needs the 'mount' namespace" },
    { { argv = { "/bin/true" }, namespaces = { "mount" }, init = true }, "init: needs the 'pid' namespace" },
    { { argv = { "/bin/true" }, namespaces = { "pid" }, network = "none" }, "network: needs the 'net' namespace" },
    { { argv = { "/bin/true" }, time_offsets = { monotonic = 10 } }, "time_offsets: needs the 'time' namespace" },
    { { argv = { "/bin/true" }, mounts = { { proc = "/proc", dev = "/dev" } } }, "mounts[1]: both" },
    { { argv = { "/bin/true" }, mounts = { { bind = "/x", ro = "yes" } } }, "mounts[1].ro: boolean expected" },
    { { argv = { "/bin/true" }, mounts = { { tmpfs = "/t", sized = 1 } } }, "mounts[1]: unknown option 'sized' for tmpfs" },
    { { argv = { "/bin/true" }, env = { 1 } }, "env[1]: \"NAME=value\" expected" },
    { { argv = { "/bin/true" }, uid = -1 }, "uid: an integer" },
    { { argv = { "/bin/true" }, uid = 1.5 }, "uid: an integer" },
    { { argv = { "/bin/true" }, uid = math.huge }, "uid: an integer" },
    { { argv = { "/bin/true" }, gid = 0 / 0 }, "gid: an integer" },
    { { argv = { "/bin/true" }, pass_fds = { 3.5 } }, "pass_fds[1]: an fd number >= 3" },
    { { argv = { "/bin/true" }, stdio = { stdout = -math.huge } }, "stdio.stdout:" },
    { { argv = { "/bin/true", [2.5] = "x" } }, "argv: must be a list, found key 2.5" },
    { { argv = { "/bin/true" }, no_new_privs = 0 }, "no_new_privs: boolean expected" },
    { { argv = { "/bin/true" }, capabilities = "ALL" }, "capabilities: \"all\" or a list of names expected, got \"ALL\"" },
    { { argv = { "/bin/true" }, capabilities = true }, "capabilities: table expected, got boolean" },
    { { argv = { "/bin/true" }, seccomp = { deny = { "ptrce" } } }, "seccomp:" },
    { { argv = { "/bin/true" }, rlimits = { nofiles = 4 } }, "rlimits.nofiles:" },
    { { argv = { "/bin/true" }, timeout = -1 }, "timeout: a positive number" },
    { { argv = { "/bin/true" }, kill_after = 1 }, "kill_after: needs a timeout" },
    { { argv = { "/bin/true" }, hooks = { after_exec = print } }, "hooks: unknown hook 'after_exec'" },
    { { argv = { "/bin/true" }, stdio = { stdout = "file" } }, "stdio.stdout:" },
    { { argv = { "/bin/true" }, pass_fds = { 1 } }, "pass_fds[1]: an fd number >= 3" },
    { { argv = { "/bin/true" }, cgroup = { swap = 1 } }, "cgroup: unknown key 'swap'" },
    { { argv = { "/bin/true" }, landlock = { rx = {} } }, "landlock: unknown key 'rx'" },
  }
  local before = T.read("/proc/self/mountinfo")
  for _, c in ipairs(cases) do T.raises(c[2], sandbox.run, c[1]) end
  T.raises("bad argument #1 to 'run' (table expected, got string)", sandbox.run, "ls")
  T.eq(T.read("/proc/self/mountinfo"), before, "nothing was created")
end)

-- The steps of a spec's plan, as "stage call" lines.
local function plan_calls(spec)
  local lines = {}
  for _, st in ipairs(sandbox.plan(sandbox.validate(spec))) do lines[#lines + 1] = st.stage .. " " .. (st.call or st.text) end
  return table.concat(lines, "\n")
end

T.test("the host root read-only when no rootfs is given: in place, its submounts too, the host's untouched", function()
  local host = T.read("/proc/self/mountinfo")
  if not host:find(" /dev/shm ", 1, true) then T.skip("needs a mount at /dev/shm on the host") end
  local r = sandbox.run({ argv = { "/bin/sh", "-c",
      "test -d /etc && ! touch /etc/nsrun-test 2>/dev/null && ! touch /dev/shm/nsrun-test 2>/dev/null && touch /tmp/ok && " ..
      "grep -q ' / / ro,' /proc/self/mountinfo && ! grep -q nsrun-root /proc/self/mountinfo" },
    env = { PATH = "/usr/bin:/bin" }, mounts = { { proc = "/proc" }, { tmpfs = "/tmp" } } })
  T.eq(r.code, 0, tostring(r.error))
  -- The same in a user namespace, whose mount namespace holds the copy.
  local u = sandbox.run({ argv = { "/bin/sh", "-c", "test \"$(id -u)\" = 0 && ! touch /etc/nsrun-test 2>/dev/null && touch /tmp/ok" },
    env = { PATH = "/usr/bin:/bin" }, namespaces = { "pid", "mount", "uts", "ipc", "net", "user" },
    mounts = { { proc = "/proc" }, { tmpfs = "/tmp" } } })
  T.eq(u.code, 0, tostring(u.error))
  T.eq(T.read("/proc/self/mountinfo"), host, "the host's mounts are as they were")
  -- No staging and no pivot_root: the namespace's own copy is made read-only.
  local calls = plan_calls({ argv = { "/bin/true" }, mounts = { { proc = "/proc" }, { dev = "/dev" }, { bind = "/etc", to = "/mnt", ro = true } } })
  assert(calls:find("mounts remount_ro", 1, true) and not calls:find("pivot_root", 1, true) and not calls:find("mount_tmpfs", 1, true), calls)
end)

T.test("/dev under a read-only host root: the nodes are usable as devices", function()
  local r = sandbox.run({ argv = { "/bin/sh", "-c", "echo x > /dev/null && test \"$(head -c 4 /dev/zero | wc -c)\" = 4 && test -c /dev/urandom && touch /dev/shm/x" },
    env = { PATH = "/usr/bin:/bin" }, mounts = { { proc = "/proc" }, { dev = "/dev" } } })
  T.eq(r.code, 0, tostring(r.error))
end)

T.test("a writable bind under the read-only host root: staged, the bind writable, the rest read-only", function()
  local dir = os.tmpname(); os.remove(dir)
  assert(ns.mkdir(dir))
  local host = T.read("/proc/self/mountinfo")
  local r = sandbox.run({ argv = { "/bin/sh", "-c", "touch /mnt/made-inside && ! touch /etc/nsrun-test 2>/dev/null && ! touch " .. dir .. "/no 2>/dev/null" },
    env = { PATH = "/usr/bin:/bin" }, mounts = { { proc = "/proc" }, { bind = dir, to = "/mnt" } } })
  T.eq(r.code, 0, tostring(r.error))
  T.eq(io.open(dir .. "/made-inside") ~= nil, true, "the write reached the host's directory")
  T.eq(T.read("/proc/self/mountinfo"), host, "the host's mounts are as they were")
  local calls = plan_calls({ argv = { "/bin/true" }, mounts = { { bind = dir, to = "/mnt" } } })
  assert(calls:find("pivot_root pivot_root", 1, true) and not calls:find("remount_ro", 1, true), calls)
  os.execute("rm -rf '" .. dir .. "'")
end)

T.test("rootfs = \"/\" is the host's root, writable, as bwrap's --bind / /", function()
  -- Kept in place, as the read-only default is: no staging, no pivot_root.
  local dir = os.tmpname(); os.remove(dir)
  assert(ns.mkdir(dir))
  local r = sandbox.run({ argv = { "/bin/sh", "-c", "touch " .. dir .. "/made-inside && test -d /etc" },
                         env = { PATH = "/usr/bin:/bin" }, rootfs = "/", mounts = { { proc = "/proc" } } })
  T.eq(r.status, "exit", tostring(r.error)); T.eq(r.code, 0)
  T.eq(io.open(dir .. "/made-inside") ~= nil, true, "the write reached the host's file system")
  os.execute("rm -rf '" .. dir .. "'")
end)

T.test("binds, ro binds and a user namespace with maps", function()
  local dir = os.tmpname(); os.remove(dir); assert(ns.mkdir(dir))
  io.open(dir .. "/data", "w"):write("payload"):close()
  local r = sandbox.run(sh('test "$(cat /mnt/data)" = payload && ! touch /mnt/x 2>/dev/null && test "$(id -u)" = 0 && grep -q "0 *100000 *65536" /proc/self/uid_map', {
    namespaces = { "pid", "mount", "uts", "ipc", "net", "user" },
    uid_map = { { 0, 100000, 65536 } }, gid_map = { { 0, 100000, 65536 } },
    mounts = { { proc = "/proc" }, { dev = "/dev" }, { bind = dir, to = "/mnt", ro = true } },
  }))
  T.eq(r.code, 0, tostring(r.error))
  os.execute("rm -rf " .. dir)
end)

T.test("capabilities, no_new_privs, seccomp, landlock and rlimits apply to the program", function()
  local r = sandbox.run(sh([[
    grep -q "^CapEff:.*0000000000000400" /proc/self/status &&
    grep -q "^NoNewPrivs:.*1" /proc/self/status &&
    grep -q "^Seccomp:.*2" /proc/self/status &&
    test "$(ulimit -n)" = 64 &&
    ! mkdir /tmp/denied 2>/dev/null
  ]], { capabilities = { "net_bind_service" }, seccomp = { deny = { "mkdir", "mkdirat" } }, rlimits = { nofile = 64 } }))
  T.eq(r.code, 0, tostring(r.error))
  if ns.landlock_abi() then
    local l = sandbox.run(sh("head -c1 /etc/passwd >/dev/null && ! touch /tmp/x 2>/dev/null",
      { landlock = { ro = { "/" }, rw = { "/dev" }, exec = { "/bin" } } }))
    T.eq(l.code, 0, tostring(l.error))
  end
end)

T.test("capabilities = \"all\" plans no drop: the program keeps the bounding and effective sets nsrun has", function()
  local f = assert(io.open("/proc/self/status")); local status = f:read("a"); f:close()
  local bnd, eff = status:match("CapBnd:%s*(%x+)"), status:match("CapEff:%s*(%x+)")
  if bnd == "0000000000000000" then T.skip("nsrun itself has an empty bounding set") end
  local spec = sh(("grep -q '^CapBnd:.*%s' /proc/self/status && grep -q '^CapEff:.*%s' /proc/self/status"):format(bnd, eff),
    { capabilities = "all" })
  for _, st in ipairs(sandbox.plan(sandbox.validate(spec))) do
    assert(st.call ~= "drop_capabilities", "a drop_capabilities step was planned")
  end
  T.eq(sandbox.run(spec).code, 0)
  -- The default, for contrast: the same check fails once the sets are emptied.
  spec.capabilities = nil
  T.eq(sandbox.run(spec).code, 1)
end)

T.test("timeout: TERM, then KILL after the grace period", function()
  local t0 = ns.clock()
  -- Outside a new pid namespace: there, pid 1 would ignore the TERM.
  local r = sandbox.run(sh("sleep 30", { timeout = 0.3, namespaces = { "mount", "uts", "ipc" } }))
  T.eq(r.timed_out, true); T.eq(r.status, "signal"); T.eq(r.signal, 15)
  local stubborn = sandbox.run(sh("trap '' TERM; sleep 30", { timeout = 0.2, kill_after = 0.3 }))
  T.eq(stubborn.timed_out, true); T.eq(stubborn.signal, 9)
  assert(ns.clock() - t0 < 5, "bounded")
end)

T.test("signals sent to nsrun reach the sandboxed program", function()
  local pid, pidfd, out = nsrun_child(([[
    local r = require("nsrun.sandbox").run{ argv = {"/bin/sh", "-c", "trap 'echo got-usr1; exit 7' USR1; echo ready; while :; do sleep 0.05; done"}, rootfs = %q }
    return r]]):format(ROOT))
  local line = ""
  while not line:find("ready") do line = line .. ns.read(out, 64) end
  assert(ns.kill(pid, "USR1"))
  local _, _, code = ns.wait(pidfd)
  T.eq(code, 7, "the program's trap ran")
  local text = line .. read_all(out)
  assert(text:find("got-usr1", 1, true), "output: " .. text)
end)

T.test("init = true reaps 100 orphans and exits as the program", function()
  local r = sandbox.run(sh([[
    i=0; while [ $i -lt 100 ]; do (sleep 0.01 &) ; i=$((i+1)); done
    sleep 0.5
    test "$(grep -l '^State:.*Z' /proc/[0-9]*/status 2>/dev/null | wc -l)" = 0 || exit 9
    exit 5]], { init = true }))
  T.eq(r.status, "exit"); T.eq(r.code, 5, tostring(r.error))
end)

T.test("kill -9 of nsrun leaves no sandbox process", function()
  local _, pidfd, out = nsrun_child(([[
    local s = require("nsrun.sandbox").start{ argv = {"/bin/sh", "-c", "exec sleep 60"}, rootfs = %q }
    io.write(s.pid, "\n"); io.stdout:flush()
    s:wait()]]):format(ROOT))
  local text = ""
  while not text:find("\n") do text = text .. ns.read(out, 64) end
  local sandbox_pid = tonumber(text:match("^(%d+)"))
  local guard = assert(ns.pidfd_open(sandbox_pid))
  assert(pidfd_signal(pidfd, "KILL"))
  ns.wait(pidfd)
  local gone = ns.poll({ guard }, 2)
  T.eq(#gone, 1, "the sandbox died within 2 s")
end)

T.test("kill -9 of nsrun leaves no cgroup: the janitor removes it", function()
  local _, pidfd, out = nsrun_child(([[
    local s = require("nsrun.sandbox").start{ argv = {"/bin/sh", "-c", "exec sleep 60"}, rootfs = %q,
                                              cgroup = { pids = 16 } }
    io.write(s.cgroup.path, "\t", s.cgroup.v1_path or "", "\n"); io.stdout:flush()
    s:wait()]]):format(ROOT))
  local text = ""
  while not text:find("\n") do
    local chunk = ns.read(out, 256)
    if not chunk or chunk == "" then break end
    text = text .. chunk
  end
  ns.close(out)
  local v2, v1 = text:match("^([^\t]+)\t([^\n]*)\n")
  assert(v2, "the sandbox printed its cgroup: " .. text)
  T.eq(io.open(v2 .. "/cgroup.procs") ~= nil, true, "the cgroup exists while nsrun runs")
  assert(pidfd_signal(pidfd, "KILL"))
  ns.wait(pidfd)
  local gone = false
  for _ = 1, 150 do -- 3 s
    if not io.open(v2 .. "/cgroup.procs") and (v1 == "" or not io.open(v1 .. "/cgroup.procs")) then gone = true break end
    ns.sleep(0.02)
  end
  T.eq(gone, true, "the cgroup (and its v1 companion) removed within 3 s of the SIGKILL: " .. v2 .. " " .. v1)
end)

T.test("start, :signal, :pidfd, :join, :wait", function()
  local s = sandbox.start(sh("exec sleep 30", { hostname = "joined" }))
  assert(s:pidfd() and s.pid > 0)
  local ok = s:join(function() return ns.gethostname() == "joined" and 0 or 1 end)
  T.eq(ok, true, "join sees the sandbox's hostname")
  assert(s:signal("TERM"))
  local r = s:wait()
  T.eq(r.status, "signal"); T.eq(r.signal, 15)
  T.eq(s:wait(), r, "wait is idempotent")
end)

T.test("hooks run at their stages: after_clone in the parent, in_child and before_exec in the sandbox", function()
  local r_, w_ = assert(ns.pipe())
  local seen = {}
  local r = sandbox.run(sh("exit 0", { hooks = {
    after_clone = function(s) seen.after_clone = s.pid > 0 end,
    in_child = function() ns.write(w_, "in_child:" .. getpid() .. ";") end,
    before_exec = function() ns.write(w_, "before_exec;") end,
  } }))
  ns.close(w_)
  T.eq(r.code, 0)
  T.eq(seen.after_clone, true)
  T.eq(read_all(r_), "in_child:1;before_exec;")
end)

T.test("dry-run creates nothing: mountinfo, cgroups and processes unchanged", function()
  local mounts = T.read("/proc/self/mountinfo")
  local marker = os.tmpname(); os.remove(marker)
  local r_, w_ = assert(ns.pipe())
  local _, pidfd = assert(clone(0, function()
    ns.dup2(w_, 2)
    ns.execve("/proc/self/exe", { "nsrun", "--dry-run", "-e", ([[
      local r = require("nsrun.sandbox").run{ argv = {"/bin/touch", %q}, rootfs = %q, hostname = "dry",
        mounts = {{proc = "/proc"}}, cgroup = {pids = 8} }
      assert(r.status == "dry-run")]]):format(marker, ROOT) })
  end))
  ns.close(w_)
  local plan = read_all(r_)
  T.eq(ns.wait(pidfd), true)
  assert(plan:find("[dry-run] sandbox plan:", 1, true), plan)
  assert(plan:find("mount_proc(\"/proc\"", 1, true) and plan:find("sethostname(\"dry\")", 1, true) and plan:find("exec /bin/touch", 1, true), plan)
  T.eq(io.open(marker), nil, "the program did not run")
  T.eq(T.read("/proc/self/mountinfo"), mounts)
end)

T.test("network: only lo by default; a veth to the host with addresses on request", function()
  T.eq(sandbox.run(sh([[test "$(ls /sys/class/net 2>/dev/null || ip -o link | wc -l)" != "" && ip -o link | grep -c ": " | grep -qx 1 && ip -o link | grep -q "lo:.*UP"]])).code, 0)
  -- busybox ping needs a raw socket: the sandbox keeps CAP_NET_RAW for it.
  local r = sandbox.run(sh("ip -o addr | grep -q '169.254.79.2/30' && for i in 1 2 3 4 5; do ping -c1 -W1 169.254.79.1 >/dev/null && exit 0; done; exit 1", { capabilities = { "net_raw" },
    network = { veth = { host = "nsrun-sbx0", sandbox = "eth0", host_address = "169.254.79.1/30", sandbox_address = "169.254.79.2/30" } } }))
  T.eq(r.code, 0, tostring(r.error))
  -- The host end goes with the sandbox's namespace, which the kernel
  -- destroys asynchronously: allow it a moment.
  local deadline = ns.clock() + 3
  while os.execute("ip link show nsrun-sbx0 >/dev/null 2>&1") and ns.clock() < deadline do ns.sleep(0.05) end
  T.eq(os.execute("ip link show nsrun-sbx0 >/dev/null 2>&1"), nil, "host end removed")
end)

T.test("time offsets: a new time namespace with its own monotonic clock", function()
  local r = sandbox.run(sh("awk '{ exit !($1 > 86400 * 365) }' /proc/uptime", {
    namespaces = { "pid", "mount", "uts", "ipc", "time" }, time_offsets = { boottime = 86400 * 366 } }))
  T.eq(r.code, 0, tostring(r.error))
end)

T.test("a cgroup pids limit stops a fork bomb and is removed afterwards", function()
  -- 40 background sleeps: fine under a loose limit; under 12 the shell's
  -- fork fails and busybox sh gives up with status 2 ("can't fork").
  local bomb = "n=0; while [ $n -lt 40 ]; do sleep 2 & n=$((n+1)); done; echo all-started"
  local name = "nsrun-test-sbx-" .. getpid()
  local r_, w_ = assert(ns.pipe())
  local loose = sandbox.run(sh(bomb, { cgroup = { pids = 200, name = name }, stdio = { stdout = "null" } }))
  T.eq(loose.code, 0, tostring(loose.error))
  local tight = sandbox.run(sh(bomb, { cgroup = { pids = 12, name = name }, stdio = { stderr = w_, stdout = "null" } }))
  ns.close(w_)
  T.eq(tight.code, 2, tostring(tight.error))
  assert(read_all(r_):find("can't fork", 1, true), "the fork failed at the limit")
  for _, dir in ipairs({ "/sys/fs/cgroup/unified", "/sys/fs/cgroup/pids" }) do
    T.eq(os.execute("find " .. dir .. " -maxdepth 3 -name '" .. name .. "' | grep -q ."), nil, "left in " .. dir)
  end
end)

T.test("stdio: null and an fd", function()
  local r_, w_ = assert(ns.pipe())
  local r = sandbox.run(sh("echo to-the-pipe; echo to-null >&2", { stdio = { stdout = w_, stderr = "null" } }))
  ns.close(w_)
  T.eq(r.code, 0)
  T.eq(read_all(r_), "to-the-pipe\n")
end)

T.test("stdio and pass_fds: an fd given as an integral float is that fd", function()
  -- 5.0 passes validation as an fd; it was then skipped by the fd set-up,
  -- which looked for integers, and the program wrote to nsrun's stdout.
  local r_, w_ = assert(ns.pipe())
  local pr, pw = assert(ns.pipe())
  local r = sandbox.run(sh("echo to-the-pipe; echo passed >&" .. pw, { stdio = { stdout = w_ + 0.0 }, pass_fds = { pw + 0.0 } }))
  ns.close(w_); ns.close(pw)
  T.eq(r.code, 0)
  T.eq(read_all(r_), "to-the-pipe\n")
  T.eq(read_all(pr), "passed\n")
end)

T.test("under init, the program sees EOF on a stdin pipe: init holds no inherited fd", function()
  local r, w = assert(ns.pipe())
  local box = sandbox.start(sh("cat > /dev/null", { stdio = { stdin = r }, timeout = 5 }))
  ns.close(r); ns.close(w)
  local res = box:wait()
  T.eq(res.timed_out, false); T.eq(res.code, 0)
end)

T.test("max_rss is the sandbox's own, not every child's ever", function()
  local big = sandbox.run(sh("x=$(head -c 30000000 /dev/zero | tr '\\0' a); test ${#x} = 30000000"))
  local small = sandbox.run(sh("true"))
  T.eq(big.code, 0)
  assert(big.max_rss > 30000 and small.max_rss < big.max_rss / 2, ("big %d KiB, small %d KiB"):format(big.max_rss, small.max_rss))
end)

T.test("stdio null works in a root without /dev; stdin = 0 reaches the program", function()
  local bare = os.tmpname(); os.remove(bare)
  assert(ns.mkdir(bare .. "/bin", nil, true))
  io.open(bare .. "/bin/busybox", "w"):close()
  local r = sandbox.run({ argv = { "/bin/busybox", "true" }, rootfs = bare, stdio = { stdout = "null", stdin = "null" },
                          mounts = { { bind = ROOT .. "/bin/busybox", to = "/bin/busybox", ro = true } } })
  T.eq(r.code, 0, tostring(r.error))
  os.execute("rm -rf " .. bare)
  -- The script's own stdin (fd 0) passed as the program's stdin.
  local out_r, out_w = assert(ns.pipe())
  local _, pidfd = assert(clone(0, function()
    local pr, pw = assert(ns.pipe())
    ns.write(pw, "through-fd-0\n"); ns.close(pw)
    assert(ns.dup2(pr, 0)); ns.close(pr)
    local res = sandbox.run(sh("read line; test \"$line\" = through-fd-0", { stdio = { stdin = 0 } }))
    return res.code
  end))
  ns.close(out_r); ns.close(out_w)
  T.eq(select(3, ns.wait(pidfd)), 0)
end)

T.test("a user namespace with a non-zero uid and the default maps", function()
  local r = sandbox.run(sh('test "$(id -u):$(id -g)" = 1000:1000', {
    namespaces = { "pid", "mount", "uts", "ipc", "user" }, uid = 1000, gid = 1000 }))
  T.eq(r.code, 0, tostring(r.error))
end)

T.test("the parent-death signal survives the uid change", function()
  local r_, w_ = assert(ns.pipe())
  local r = sandbox.run(sh("true", { init = false, uid = 1000,
    hooks = { before_exec = function() ns.write(w_, tostring(ns.get_pdeathsig())) end } }))
  ns.close(w_)
  T.eq(r.code, 0); T.eq(read_all(r_), "9")
end)

T.test("a value validation let through fails its stage, claiming no exit code", function()
  local r = sandbox.run(sh("true", { mounts = { { tmpfs = "/tmp", size = { 1 } } } }))
  T.eq(r.status, "error"); T.eq(r.stage, "mounts"); T.eq(r.code, nil)
end)

T.test("under --dry-run, a returned result exits 0", function()
  local _, pidfd = assert(clone(0, function()
    ns.execve("/proc/self/exe", { "nsrun", "--dry-run", "-e",
      ("return require('nsrun.sandbox').run{argv = {'/bin/true'}, rootfs = %q}"):format(ROOT) })
  end))
  T.eq(select(3, ns.wait(pidfd)), 0)
end)

T.test("mounts: dir and symlink entries", function()
  local r = sandbox.run(sh([[test -d /tmp/made/deep && test "$(readlink /tmp/link)" = /tmp/made]], {
    mounts = { { proc = "/proc" }, { dev = "/dev" }, { tmpfs = "/tmp" }, { dir = "/tmp/made/deep" }, { symlink = "/tmp/made", to = "/tmp/link" } } }))
  T.eq(r.code, 0, tostring(r.error))
end)

T.test("new_session: the sandbox is a session of its own (led by its pid 1)", function()
  -- Field 6 of /proc/self/stat is the session id, in the sandbox's pid namespace.
  T.eq(sandbox.run(sh([[set -- $(cat /proc/self/stat); test "$6" = 1]])).code, 0)
  -- Without it the session is the caller's, whose leader is outside the namespace (0).
  T.eq(sandbox.run(sh([[set -- $(cat /proc/self/stat); test "$6" = 0]], { new_session = false })).code, 0)
end)

os.exit(T.done())
