-- sandbox-shell.lua: a busybox shell in a sandbox{} with all the defaults.
--
-- What `bwrap --unshare-all --die-with-parent --new-session --cap-drop ALL
-- --bind ROOTFS / --proc /proc --dev /dev --tmpfs /tmp /bin/sh` gives you,
-- from one table: new pid, mount, uts, ipc, net and cgroup namespaces, a
-- busybox root through pivot_root (the host's root detached), a fresh /proc,
-- a minimal /dev and a tmpfs /tmp, a minimal init as pid 1 with the shell as
-- pid 2, no capabilities in any set, no_new_privs, a new session, an empty
-- environment, and the sandbox killed if nsrun dies. The only keys given are
-- argv, rootfs, the three mounts and a hostname (left unchanged by default:
-- a new uts namespace starts with a copy of the host's name).
--
-- Like bwrap's --bind (not --ro-bind), `rootfs` is bound read-write: the
-- sandbox's root owns those files and can change them, capabilities or not.
-- Put { bind = rootfs, to = "/", ro = true } first in `mounts` for a
-- read-only root (the mounts after it stack on top; /tmp stays writable).
--
-- With a terminal on stdin the shell is yours (type `exit` to leave). Without
-- one (or with `--scripted`), a short scripted session runs instead, its output
-- is captured through a pipe, and what it shows is checked: the pid view, the
-- capabilities, no_new_privs, the hostname, the namespaces and the result.
--
-- Run as root:  nsrun examples/sandbox-shell.lua [--scripted]
-- The rootfs is built by scripts/mkrootfs when missing (NSRUN_ROOTFS picks
-- another directory).

local sandbox = require "nsrun.sandbox"

local here = (arg and arg[0] or "examples/sandbox-shell.lua"):match("^(.*)/[^/]*$") or "."
local rootfs = os.getenv("NSRUN_ROOTFS") or (here .. "/../.build/rootfs")

local function exists(path)
  local f = io.open(path)
  if f then f:close() end
  return f ~= nil
end

if not exists(rootfs .. "/bin/busybox") then
  assert(os.execute(("%q %q"):format(here .. "/../scripts/mkrootfs", rootfs)), "scripts/mkrootfs failed")
end
-- sandbox{} takes absolute paths only.
local function absolute(path)
  local p = io.popen("realpath -- '" .. path:gsub("'", "'\\''") .. "'")
  local abs = p:read("l")
  p:close()
  return assert(abs, "realpath " .. path)
end
rootfs = absolute(rootfs)

local function mountinfo()
  local f = assert(io.open("/proc/self/mountinfo"))
  local s = f:read("a")
  f:close()
  return s
end
local host_mounts, host_name, host_ids = mountinfo(), assert(ns.gethostname()), assert(ns.ns_ids())

local claims = {}
local function claim(ok, what)
  claims[#claims + 1] = { ok = ok, what = what }
  print(("%s %s"):format(ok and "  yes:" or "   NO:", what))
end

-- The spec: everything not written here is a default.
local spec = {
  argv = { "/bin/sh" },
  rootfs = rootfs,
  mounts = { { proc = "/proc" }, { dev = "/dev" }, { tmpfs = "/tmp", size = "16m", mode = tonumber("1777", 8) } },
  hostname = "sandbox",
}

local interactive = arg[1] ~= "--scripted" and os.execute("test -t 0") == true

if interactive then
  -- The environment is cleared by default; a shell is nicer with these.
  spec.env = { PATH = "/bin:/sbin:/usr/bin:/usr/sbin", HOME = "/root", PS1 = "sandbox:\\w# ", inherit = { "TERM" } }
  print("sandbox-shell: a busybox shell in a sandbox; `exit` to leave.")
  print("  (no job control: the shell has no controlling terminal, by design)")
  local r = sandbox.run(spec)
  print(("sandbox-shell: the shell ended: status %s, code %s, signal %s, %.2f s")
    :format(r.status, tostring(r.code), tostring(r.signal), r.wall_time or 0))
  claim(r.status == "exit" or r.status == "signal", "the shell started and ended (status " .. tostring(r.status) .. ")")
else
  -- A scripted session: its stdout goes into a pipe that this script reads.
  local script = [[
echo "--- id"; id
echo "--- shell pid"; echo $$
echo "--- hostname"; hostname
echo "--- ps"; ps -o pid,user,comm
echo "--- ls /"; ls /
echo "--- status"; grep -E '^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs):' /proc/self/status
echo "--- namespaces"; for n in cgroup ipc mnt net pid user uts; do echo "$n $(readlink /proc/self/ns/$n)"; done
echo "--- env"; tr "\\0" "\\n" < /proc/$$/environ && echo "(end of environ)"
echo "--- end"
]]
  spec.argv = { "/bin/sh", "-c", script }
  spec.timeout = 20
  local r_fd, w_fd = assert(ns.pipe())
  spec.stdio = { stdin = "null", stdout = w_fd }
  local box = sandbox.start(spec)
  ns.close(w_fd)
  -- Read until EOF (the last holder of the write end, the sandbox, is gone),
  -- bounded: 20 s at most.
  local chunks, deadline = {}, ns.clock() + 20
  while ns.clock() < deadline do
    if #assert(ns.poll({ r_fd }, deadline - ns.clock())) == 0 then break end
    local data = assert(ns.read(r_fd, 65536))
    if data == "" then break end
    chunks[#chunks + 1] = data
  end
  ns.close(r_fd)
  local out = table.concat(chunks)
  local r = box:wait()
  io.write(out)

  local section = {}
  local current
  for line in out:gmatch("[^\n]*") do
    local name = line:match("^%-%-%- (.*)$")
    if name then current = name; section[name] = {}
    elseif current and line ~= "" then table.insert(section[current], line) end
  end
  local function text(name) return table.concat(section[name] or {}, "\n") end

  print("--- the result table")
  local keys = {}
  for k in pairs(r) do keys[#keys + 1] = k end
  table.sort(keys)
  for _, k in ipairs(keys) do print(("  %-12s %s"):format(k, tostring(r[k]))) end

  print("--- claims")
  claim(section["end"] ~= nil, "the scripted session ran to its end")
  claim(text("id"):match("^uid=0%(root%) gid=0%(root%)") ~= nil, "the shell runs as uid 0 (root of the host: no user namespace by default)")

  -- The pid view: pid 1 is the sandbox's init, the shell is pid 2, and the
  -- only other process is ps itself.
  local pids = {}
  for _, line in ipairs(section.ps or {}) do
    local pid = line:match("^%s*(%d+)%s")
    if pid then pids[#pids + 1] = tonumber(pid) end
  end
  claim(text("shell pid") == "2" and #pids == 3 and pids[1] == 1 and pids[2] == 2,
    "a pid namespace of its own: ps shows 3 processes, init as 1, the shell as 2, ps (pids " .. table.concat(pids, " ") .. ")")

  local status = {}
  for _, line in ipairs(section.status or {}) do
    local k, v = line:match("^(%w+):%s*(%S+)$")
    if k then status[k] = v end
  end
  local zero = "0000000000000000"
  claim(status.CapEff == zero, "no effective capabilities (CapEff " .. tostring(status.CapEff) .. ")")
  claim(status.CapPrm == zero and status.CapBnd == zero and status.CapInh == zero and status.CapAmb == zero,
    "and none permitted, inheritable, ambient or in the bounding set")
  claim(status.NoNewPrivs == "1", "no_new_privs is set (NoNewPrivs " .. tostring(status.NoNewPrivs) .. ")")
  claim(text("hostname") == "sandbox" and host_name ~= "sandbox",
    ("its own hostname %q, not the host's %q"):format(text("hostname"), host_name))

  local inside = {}
  for _, line in ipairs(section.namespaces or {}) do
    local name, id = line:match("^(%w+) %w+:%[(%d+)%]$")
    if name then inside[name] = tonumber(id) end
  end
  local new_ones = true
  for _, name in ipairs({ "cgroup", "ipc", "mnt", "net", "pid", "uts" }) do
    if not inside[name] or inside[name] == host_ids[name] then new_ones = false end
  end
  claim(new_ones and inside.user == host_ids.user,
    "new cgroup, ipc, mnt, net, pid and uts namespaces; the host's user namespace")
  local listing = " " .. text("ls /"):gsub("\n", " ") .. " "
  claim(listing:find(" busybox ") == nil and listing:find(" linuxrc ") ~= nil and listing:find(" home ") == nil,
    "/ is the busybox rootfs, not the host's root")
  claim(section.env ~= nil and text("env") == "(end of environ)", "the environment was cleared: the shell was exec'd with none")

  claim(r.status == "exit" and r.code == 0 and r.signal == nil, "the result: status \"exit\", code 0, no signal")
  claim(r.timed_out == false and r.oom_killed == false and r.core_dumped == false, "not timed out, not OOM-killed, no core")
  claim(type(r.wall_time) == "number" and r.wall_time > 0 and r.wall_time < 20
    and type(r.user_time) == "number" and type(r.sys_time) == "number"
    and math.type(r.max_rss) == "integer" and r.max_rss > 0,
    "the result measures wall, user and system time and the peak RSS")
end

claim(mountinfo() == host_mounts and ns.gethostname() == host_name, "the host's mounts and hostname are unchanged")

for _, c in ipairs(claims) do
  if not c.ok then
    io.stderr:write("sandbox-shell.lua: a claim did not hold: ", c.what, "\n")
    return 1
  end
end
print("sandbox-shell.lua: all claims hold")
return 0
