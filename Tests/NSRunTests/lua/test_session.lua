-- ns.setsid, ns.getsid, and TIOCSTI injection (CVE-2017-5226) from a
-- sandbox that keeps host root and a terminal.
local T = require "testing"
local E = ns.errno

-- Field 6 (session) and 5 (process group) of /proc/self/stat.
local function stat_ids()
  local rest = T.read("/proc/self/stat"):match("%) (.*)$")
  local f = {}
  for w in rest:gmatch("%S+") do f[#f + 1] = w end
  return tonumber(f[4]), tonumber(f[3]) -- session, pgrp (fields 6 and 5)
end

T.test("setsid in a fresh child: a new session and process group, led by the child", function()
  local runner_sid = ns.getsid()
  T.eq(T.run_child(0, function()
    T.eq(ns.getsid(), runner_sid, "inherited session")
    local sid = ns.setsid()
    T.eq(math.type(sid), "integer")
    T.eq(sid, getpid())
    T.eq(ns.getsid(), sid); T.eq(ns.getsid(0), sid); T.eq(ns.getsid(getpid()), sid)
    local session, pgrp = stat_ids()
    T.eq(session, sid, "/proc/self/stat session"); T.eq(pgrp, sid, "process group")
    return 0
  end), true)
  T.eq(ns.getsid(), runner_sid, "the runner's session is unchanged")
end)

T.test("setsid by a session leader: nil, message, EPERM; getsid of no process: ESRCH", function()
  T.eq(T.run_child(0, function()
    assert(ns.setsid())
    T.eq(T.fails(E.EPERM, "second setsid", ns.setsid()), "setsid: Operation not permitted")
    return 0
  end), true)
  T.eq(T.fails(E.ESRCH, "getsid", ns.getsid(0x3ffffff0)), "getsid 1073741808: No such process")
end)

T.test("getsid misuse raises", function()
  T.raises("bad argument #1 to 'getsid' (number expected, got string)", ns.getsid, "1")
  T.raises("bad argument #1 to 'getsid' (pid out of range 0..2147483647)", ns.getsid, -1)
  T.raises("number has no integer representation", ns.getsid, 1.5)
end)

-- TIOCSTI -----------------------------------------------------------------------
--
-- A user runs nsrun as root from a terminal; the recipe keeps host root
-- and lets the sandboxed program have the terminal on its stdin. The
-- program pushes "pwned\n" into the terminal's input queue with TIOCSTI:
-- once the sandbox exits, the user's shell would read it as a command.
-- The kernel (tiocsti) refuses when `current->signal->tty != tty` unless
-- the caller has CAP_SYS_ADMIN in the initial user namespace (and, with
-- dev.tty.legacy_tiocsti = 0, refuses everyone without it, EIO).
--
-- Here python3's pty.fork() makes a pty whose slave is the controlling
-- terminal and stdio of a new session (the user's terminal, never the real
-- one), and runs nsrun there with SANDBOX. The sandboxed child applies a
-- MODE, execs python3 to try the injection, and reports the errno (100:
-- injected). nsrun then reads back what arrived on its terminal.

local PYTHON = "/usr/bin/python3"

local ORCHESTRATOR = [[
import os, pty, select, sys
nsrun, script, mode = sys.argv[1:4]
pid, master = pty.fork()
if pid == 0:
    os.execv(nsrun, [nsrun, script, mode])
out = b""
while True:
    try:
        ready, _, _ = select.select([master], [], [], 10)
        chunk = os.read(master, 4096) if ready else b""
    except OSError:  # EIO: the last slave fd is closed
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
]]

local SANDBOX = [==[
local mode = ...
local INJECT = [[
import fcntl, sys, termios
try:
    for c in b"pwned\n":
        fcntl.ioctl(0, termios.TIOCSTI, bytes([c]))
except OSError as e:
    sys.exit(e.errno)
sys.exit(100)
]]
local all_but_sys_admin = {}
for _, name in ipairs(ns.capabilities().bounding) do
  if name ~= "sys_admin" then all_but_sys_admin[#all_but_sys_admin + 1] = name end
end
local flags = mode:find("userns") and CLONE_NEWUSER or 0
local _, pidfd = assert(clone(flags, function()
  if mode:find("setsid") then assert(ns.setsid()) end
  if mode:find("drop") then assert(ns.drop_capabilities(all_but_sys_admin)) end
  return ns.execve("/usr/bin/python3", { "python3", "-c", INJECT })
end))
local _, _, code = ns.wait(pidfd)
print("inject-status " .. code)
return ns.execve("/usr/bin/python3", { "python3", "-c", [[
import os, select
ready, _, _ = select.select([0], [], [], 0.3)
print("readback", repr(os.read(0, 100)) if ready else "none")
]] })
]==]

local legacy = tonumber((io.open("/proc/sys/dev/tty/legacy_tiocsti") or io.open("/dev/null")):read("l") or "1")

-- Runs SANDBOX on a fresh pty under MODE: the injector's status and what
-- the terminal's session read back.
local function inject(mode)
  local py, script = os.tmpname(), os.tmpname()
  local f = assert(io.open(py, "w")); f:write(ORCHESTRATOR); f:close()
  f = assert(io.open(script, "w")); f:write(SANDBOX); f:close()
  local p = assert(io.popen(("%s %s %s %s %s"):format(PYTHON, py, arg[-1], script, mode)))
  local out = p:read("a")
  p:close()
  os.remove(py); os.remove(script)
  local status = tonumber(out:match("inject%-status (%d+)"))
  assert(status, "no status from the sandbox: " .. out)
  return status, out:match("readback ([^\r\n]*)")
end

local INJECTED, READ_BACK = 100, [[b'pwned\n']]
-- Without CAP_SYS_ADMIN, on a terminal that is not the caller's controlling
-- one: EPERM; with legacy_tiocsti = 0: EIO for every caller without it.
local REFUSED = legacy == 1 and E.EPERM or E.EIO

local function needs_python()
  if not io.open(PYTHON) then T.skip(PYTHON .. " is not installed: no pty to test TIOCSTI on") end
end

T.test("TIOCSTI: a root sandbox on the user's terminal injects input (the attack works)", function()
  needs_python()
  local status, back = inject("none")
  T.eq(status, INJECTED, "injector status"); T.eq(back, READ_BACK, "read back by the user's session")
end)

T.test("TIOCSTI: setsid alone does not block it while CAP_SYS_ADMIN is kept", function()
  needs_python()
  local status, back = inject("setsid")
  T.eq(status, INJECTED, "injector status"); T.eq(back, READ_BACK)
end)

T.test("TIOCSTI: dropping CAP_SYS_ADMIN alone does not block it on the controlling terminal", function()
  needs_python()
  local status, back = inject("drop")
  if legacy ~= 1 then T.eq(status, E.EIO, "legacy_tiocsti = 0"); return end
  T.eq(status, INJECTED, "injector status"); T.eq(back, READ_BACK)
end)

T.test("TIOCSTI: a user namespace alone does not block it on the controlling terminal", function()
  needs_python()
  local status, back = inject("userns")
  if legacy ~= 1 then T.eq(status, E.EIO, "legacy_tiocsti = 0"); return end
  T.eq(status, INJECTED, "injector status"); T.eq(back, READ_BACK)
end)

T.test("TIOCSTI: setsid + dropping CAP_SYS_ADMIN blocks it (EPERM), nothing reaches the terminal", function()
  needs_python()
  local status, back = inject("setsid+drop")
  T.eq(status, REFUSED, "injector errno"); T.eq(back, "none")
end)

T.test("TIOCSTI: setsid + a user namespace blocks it (EPERM), nothing reaches the terminal", function()
  needs_python()
  local status, back = inject("setsid+userns")
  T.eq(status, REFUSED, "injector errno"); T.eq(back, "none")
end)

os.exit(T.done())
