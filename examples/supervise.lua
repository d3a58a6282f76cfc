-- supervise.lua: what the supervisor does while a sandbox runs, and the
-- result it hands back.
--
-- `timeout -k 1 1 bwrap ...` kills bwrap, and nsjail's --time_limit ends
-- the jail, but neither tells you more than an exit status. sandbox{} waits
-- on the pidfd, enforces the timeout itself, forwards signals, and returns a
-- table that says how the program ended and what it used:
--
--   (a) a timeout: the program ignores SIGTERM, so TERM at `timeout` is not
--       enough; KILL follows `kill_after` seconds later. The result says
--       timed_out, signal 9, and the wall time is about timeout + kill_after.
--   (b) signal forwarding: SIGUSR1 sent to nsrun itself (as `kill -USR1` from
--       another terminal would) reaches the program, which exits 42 on it.
--       nsrun is not killed by it: from sandbox.start on, the forwarded
--       signals are blocked and read from a signalfd.
--   (c) every field of a result table, for (a) and (b) and for two more ends:
--       a program that does not exist (exit 127, stage "exec") and a setup
--       that fails before the program starts (status "error", no code).
--
-- The sandboxes use the host's root, read-only (the default), with a /proc
-- of their own.
--
-- Run as root:  nsrun examples/supervise.lua     (exit 0 when every claim holds)

local sandbox = require "nsrun.sandbox"

local function read_file(path)
  local f = assert(io.open(path))
  local s = f:read("a")
  f:close()
  return s
end
local host_mounts = read_file("/proc/self/mountinfo")

local claims = {}
local function claim(ok, what)
  claims[#claims + 1] = { ok = ok, what = what }
  print(("%s %s"):format(ok and "  yes:" or "   NO:", what))
end

-- Every field a result can have, in the README's order; absent ones as nil.
local FIELDS = { "status", "code", "signal", "core_dumped", "stage", "error", "errno",
                 "timed_out", "oom_killed", "wall_time", "user_time", "sys_time", "max_rss" }
local function print_result(title, r)
  print(("--- result of %s"):format(title))
  for _, k in ipairs(FIELDS) do
    local v = r[k]
    if math.type(v) == "float" then v = ("%.3f"):format(v) end
    print(("  %-12s %s"):format(k, v == nil and "nil" or tostring(v)))
  end
  for k in pairs(r) do
    local known = false
    for _, f in ipairs(FIELDS) do known = known or f == k end
    if not known then print(("  %-12s %s   (not in the README)"):format(k, tostring(r[k]))) end
  end
end

-- Reads a pipe until `want` shows up (with want = nil: until EOF) or the
-- deadline; returns what came.
local function read_until(fd, want, seconds)
  local got, deadline = "", ns.clock() + seconds
  while ns.clock() < deadline and not (want and got:find(want, 1, true)) do
    if #assert(ns.poll({ fd }, deadline - ns.clock())) == 0 then break end
    local data = assert(ns.read(fd, 4096))
    if data == "" then break end
    got = got .. data
  end
  return got
end

local devnull = assert(ns.open("/dev/null", ns.O_RDONLY))

------------------------------------------------------------------------------
-- (a) The timeout: TERM, ignored; KILL after kill_after.

print("(a) a program that ignores SIGTERM, timeout = 1, kill_after = 1")
local TIMEOUT, KILL_AFTER = 1, 1
local out_r, out_w = assert(ns.pipe())
local a = sandbox.run {
  argv = { "/bin/sh", "-c", [[
    trap 'echo "TERM received, ignored"' TERM
    echo started
    while :; do sleep 10 & wait; done
  ]] },
  mounts = { { proc = "/proc" } },
  stdio = { stdin = devnull, stdout = out_w },
  timeout = TIMEOUT,
  kill_after = KILL_AFTER,
}
ns.close(out_w)
local a_out = read_until(out_r, nil, 5) -- the sandbox is gone: EOF comes at once
ns.close(out_r)
io.write((a_out:gsub("[^\n]+", "  program: %0")))
print_result("(a)", a)
claim(a_out:find("TERM received, ignored", 1, true) ~= nil, "(a) at the timeout the program got SIGTERM, and ignored it")
claim(a.status == "signal" and a.signal == 9 and a.code == nil, "(a) then SIGKILL ended it: status \"signal\", signal 9, no code")
claim(a.timed_out == true, "(a) timed_out is true")
claim(a.wall_time >= TIMEOUT + KILL_AFTER - 0.05 and a.wall_time < TIMEOUT + KILL_AFTER + 1,
  ("(a) the wall time %.2f s is timeout + kill_after (%d s)"):format(a.wall_time, TIMEOUT + KILL_AFTER))

------------------------------------------------------------------------------
-- (b) Signal forwarding: USR1 to nsrun reaches the program.

print("(b) SIGUSR1 sent to nsrun (pid " .. getpid() .. ") reaches the sandboxed program")
out_r, out_w = assert(ns.pipe())
local box = sandbox.start {
  argv = { "/bin/sh", "-c", [[
    trap 'echo "USR1 received, exiting 42"; exit 42' USR1
    echo ready
    sleep 30 & wait
    echo "no USR1 came"
  ]] },
  mounts = { { proc = "/proc" } },
  stdio = { stdin = devnull, stdout = out_w },
  timeout = 20, -- a bound, in case the signal never arrives
}
ns.close(out_w)
-- The trap must be set before the signal comes, or USR1's default action
-- (terminate) would end the program instead.
local ready = read_until(out_r, "ready\n", 10)
local sent_at = ns.clock()
-- To nsrun itself, as `kill -USR1 <nsrun's pid>` would: blocked since
-- sandbox.start, it waits on the signalfd until :wait() reads and forwards it.
assert(ns.kill(getpid(), "USR1"))
local b = box:wait()
local forwarded_in = ns.clock() - sent_at
local b_out = ready .. read_until(out_r, nil, 5)
ns.close(out_r)
io.write((b_out:gsub("[^\n]+", "  program: %0")))
print_result("(b)", b)
claim(ready:find("ready", 1, true) ~= nil, "(b) the program started and set its trap")
claim(b.status == "exit" and b.code == 42 and b.signal == nil, "(b) USR1 reached it through nsrun and its init: it exited 42")
claim(b.timed_out == false and forwarded_in < 5,
  ("(b) it ended %.3f s after the signal, long before its 30 s sleep or the timeout"):format(forwarded_in))
claim(b_out:find("USR1 received", 1, true) ~= nil, "(b) the program's trap ran")
claim(box:wait() == b, "(b) :wait() again returns the same result")

------------------------------------------------------------------------------
-- (c) Two more ends, for the remaining fields.

print("(c) a program that does not exist")
local c = sandbox.run { argv = { "/nonexistent/program" }, stdio = { stdin = devnull } }
print_result("(c) a missing program", c)
claim(c.status == "exit" and c.code == 127 and c.stage == "exec" and type(c.error) == "string"
  and c.errno == ns.errno.ENOENT,
  "(c) a missing program: exit 127 as in a shell, stage \"exec\", the error and ENOENT")

print("(c) a setup that fails before the program starts")
local d = sandbox.run {
  argv = { "/bin/true" },
  mounts = { { bind = "/nonexistent/source", to = "/mnt" } },
  stdio = { stdin = devnull },
}
print_result("(c) a failed setup", d)
claim(d.status == "error" and d.code == nil and d.signal == nil and d.stage == "mounts"
  and type(d.error) == "string" and d.errno == ns.errno.ENOENT,
  "(c) a failed bind: status \"error\", stage \"mounts\", ENOENT, and no exit code claimed")

-- The fields every result of a program that ran has, with their types.
local typed = true
for _, r in ipairs({ a, b, c }) do
  typed = typed and type(r.timed_out) == "boolean" and type(r.oom_killed) == "boolean"
    and type(r.core_dumped) == "boolean" and type(r.wall_time) == "number"
    and type(r.user_time) == "number" and type(r.sys_time) == "number"
    and math.type(r.max_rss) == "integer" and r.max_rss > 0
end
claim(typed, "(c) every result has timed_out, oom_killed, core_dumped, wall/user/sys time and max_rss")

ns.close(devnull)
claim(read_file("/proc/self/mountinfo") == host_mounts, "the host's mounts are unchanged")

for _, cl in ipairs(claims) do
  if not cl.ok then
    io.stderr:write("supervise.lua: a claim did not hold: ", cl.what, "\n")
    return 1
  end
end
print("supervise.lua: all claims hold")
return 0
