-- ns.seccomp, ns.seccomp_explain, ns.seccomp_export, ns.TIOCSTI.
-- Every filter is installed in a clone child: the test runner itself stays
-- unfiltered (the last test checks that).
local T = require "testing"
local E = ns.errno
local SIGSYS = ns.signals.SIGSYS

local DIR = os.tmpname()
os.remove(DIR)
assert(ns.mkdir(DIR, tonumber("700", 8)))

-- A fresh path under DIR.
local n = 0
local function path(name)
  n = n + 1
  return ("%s/%s%d"):format(DIR, name, n)
end

-- /proc/self/status field as an integer (Seccomp, NoNewPrivs, Seccomp_filters).
local function status(field)
  for line in io.lines("/proc/self/status") do
    local v = line:match("^" .. field .. ":%s*(%d+)")
    if v then return tonumber(v) end
  end
end

-- Runs fn in a clone child; true when it returned normally with status 0.
local function in_child(fn, ...)
  return T.run_child(0, fn, ...)
end

-- A real python3 executable (not a shell shim: a shim's own syscalls would
-- meet the filters too), or nil.
local PY
for _, p in ipairs { "/usr/bin/python3", "/usr/local/bin/python3" } do
  local f = io.open(p)
  if f then f:close(); PY = p; break end
end

-- Installs `policy` in a child, then execs python3 -c code args...: the
-- filter is inherited across exec. Returns ns.wait's results.
local function python(policy, code, ...)
  if not PY then T.skip("python3 not found in /usr/bin or /usr/local/bin") end
  return in_child(function(...)
    assert(ns.seccomp(policy))
    local _, msg = ns.execve(PY, { "python3", "-c", code, ... })
    error(msg)
  end, ...)
end

-- Denied calls fail with the configured errno ------------------------------------

T.test("deny {mkdir}: ns.mkdir fails with EPERM, other calls still work", function()
  T.eq(in_child(function()
    assert(ns.seccomp { deny = { "mkdir" } })
    local p = path("d")
    T.eq(T.fails(E.EPERM, "mkdir", ns.mkdir(p)), "mkdir " .. p .. ": Operation not permitted")
    local l = path("l")
    assert(ns.symlink("target", l))     -- not denied
    T.eq(os.remove(l), true)
    return 0
  end), true)
end)

T.test("a rule's errno:EACCES is what the denied call returns", function()
  T.eq(in_child(function()
    assert(ns.seccomp { rules = { { "mkdir", action = "errno:EACCES" }, { "symlink", action = "errno:" .. E.EROFS } } })
    T.fails(E.EACCES, "mkdir", ns.mkdir(path("d")))
    T.fails(E.EROFS, "symlink", ns.symlink("x", path("l")))
    return 0
  end), true)
end)

T.test("seccomp sets no_new_privs and a filter on the caller only", function()
  T.eq(in_child(function()
    T.eq(status("Seccomp"), 0, "Seccomp before")
    assert(ns.seccomp { deny = { "ptrace" } })
    T.eq(status("NoNewPrivs"), 1, "NoNewPrivs")
    T.eq(status("Seccomp"), 2, "Seccomp (2: filter)")
    T.eq(status("Seccomp_filters"), 1, "Seccomp_filters")
    return 0
  end), true)
  T.eq(status("Seccomp"), 0, "the parent is not filtered")
end)

T.test("filters stack: a second policy adds to the first", function()
  T.eq(in_child(function()
    assert(ns.seccomp { deny = { "mkdir" } })
    assert(ns.seccomp { deny = { "symlink" } })
    T.eq(status("Seccomp_filters"), 2)
    T.fails(E.EPERM, "mkdir", ns.mkdir(path("d")))
    T.fails(E.EPERM, "symlink", ns.symlink("x", path("l")))
    return 0
  end), true)
end)

T.test("a log rule lets the call run", function()
  T.eq(in_child(function()
    assert(ns.seccomp { rules = { { "mkdir", action = "log" } } })
    local p = path("d")
    assert(ns.mkdir(p))
    return os.remove(p) and 0 or 1
  end), true)
end)

-- kill, kill_process, kill_thread, trap ---------------------------------------------

T.test("default kill: the child's next call kills it with SIGSYS", function()
  for _, action in ipairs { "kill", "kill_process", "kill_thread" } do
    local ok, how, sig = in_child(function()
      assert(ns.seccomp { default = action })
      return 0                          -- exit_group is filtered too
    end)
    T.eq(ok, nil, action)
    T.eq(how, "signal", action)
    T.eq(sig, SIGSYS, action)
  end
end)

-- What a Lua child running under an allow list needs to get as far as exit.
local LUA_BASICS = { "exit_group", "exit", "brk", "mmap", "munmap", "mremap", "madvise", "rt_sigprocmask",
                     "clone", "waitid", "getpid", "write", "read", "close" }

T.test("allow list with default kill: an unlisted call kills, the listed ones run", function()
  local function run(call_mkdir)
    return in_child(function()
      assert(ns.seccomp { allow = LUA_BASICS, default = "kill" })
      T.eq(getpid() > 0, true)          -- listed
      if call_mkdir then ns.mkdir(path("d")) end
      return 0
    end)
  end
  T.eq(run(false), true, "without mkdir the child ends normally")
  local ok, how, sig = run(true)
  T.eq(ok, nil); T.eq(how, "signal"); T.eq(sig, SIGSYS, "mkdir → SIGSYS")
end)

T.test("allow list: default errno:EPERM, the listed calls run", function()
  T.eq(in_child(function()
    assert(ns.seccomp { allow = LUA_BASICS })
    T.fails(E.EPERM, "symlink", ns.symlink("x", path("l")))
    T.fails(E.EPERM, "mkdir", ns.mkdir(path("d")))
    T.eq(getpid() > 0, true)
    -- clone3 is not in the list: it gets ENOSYS, and raw_clone falls back to clone.
    local pid, pidfd = raw_clone(0)
    if pid == 0 then ns._exit(5) end
    assert(pid, pidfd)
    local _, how, code = ns.wait(pidfd)
    T.eq(how, "exit"); T.eq(code, 5)
    return 0
  end), true)
end)

T.test("kill_thread ends only the calling thread, kill and kill_process the process", function()
  local code = [[
import ctypes, os, threading, time
libc = ctypes.CDLL(None)          # ctypes releases the GIL around the call
r, w = os.pipe()
def f():
    os.write(w, b"a")
    libc.getppid()
    os.write(w, b"b")             # only if the thread survived getppid
threading.Thread(target=f, daemon=True).start()
assert os.read(r, 1) == b"a"
deadline = time.monotonic() + 10
while len(os.listdir("/proc/self/task")) > 1 and time.monotonic() < deadline:
    time.sleep(0.005)
os.set_blocking(r, False)
try:
    extra = os.read(r, 1)
except BlockingIOError:
    extra = b""
os._exit(42 if extra == b"" else 43)
]]
  local _, how, st = python({ rules = { { "uname", action = "errno" } } }, code)
  T.eq(how .. " " .. st, "exit 43", "control: getppid allowed, the thread goes on")
  _, how, st = python({ rules = { { "getppid", action = "kill_thread" } } }, code)
  T.eq(how .. " " .. st, "exit 42", "kill_thread: the thread is gone, the process goes on")
  for _, action in ipairs { "kill", "kill_process" } do
    _, how, st = python({ rules = { { "getppid", action = action } } }, code)
    T.eq(how .. " " .. st, "signal " .. SIGSYS, action)
  end
end)

T.test("trap sends SIGSYS: a handler runs and the process goes on; without one it dies", function()
  local code = [[
import ctypes, os, signal
got = []
signal.signal(signal.SIGSYS, lambda s, f: got.append(s))
ctypes.CDLL(None).getppid()
os._exit(0 if got == [signal.SIGSYS] else 1)
]]
  T.eq(python({ rules = { { "getppid", action = "trap" } } }, code), true, "handled")
  local _, how, sig = python({ rules = { { "getppid", action = "trap" } } },
                             "import ctypes; ctypes.CDLL(None).getppid()")
  T.eq(how .. " " .. tostring(sig), "signal " .. SIGSYS, "no handler")
end)

-- Argument conditions ---------------------------------------------------------------

T.test("each operator on mkdir's mode argument denies exactly the modes it matches", function()
  local modes = { 448, 493, 511 }       -- 0700, 0755, 0777
  local cases = {
    { { 1, "==", 493 }, { [493] = true } },
    { { 1, "!=", 493 }, { [448] = true, [511] = true } },
    { { 1, "<", 493 }, { [448] = true } },
    { { 1, "<=", 493 }, { [448] = true, [493] = true } },
    { { 1, ">", 493 }, { [511] = true } },
    { { 1, ">=", 493 }, { [493] = true, [511] = true } },
    { { 1, "&=", 63, 45 }, { [493] = true } },    -- group/other bits == 055
  }
  for _, c in ipairs(cases) do
    local cond, denied = c[1], c[2]
    local ok, how, code = in_child(function()
      assert(ns.seccomp { rules = { { "mkdir", action = "errno:EACCES", args = { cond } } } })
      for _, mode in ipairs(modes) do
        local p = path("m")
        local r, _, e = ns.mkdir(p, mode)
        if denied[mode] then
          if r or e ~= E.EACCES then return 10 end
        else
          if not r then return 20 end
          os.remove(p)
        end
      end
      return 0
    end)
    T.eq(ok, true, cond[2] .. " " .. tostring(how) .. " " .. tostring(code))
  end
end)

T.test("several conditions in one rule must all hold", function()
  T.eq(in_child(function()
    local r, w = assert(ns.pipe())
    -- ns.dup2(old, new) is dup3(old, new, 0): denied only for r → 60.
    assert(ns.seccomp { rules = { { "dup3", action = "errno:EACCES", args = { { 0, "==", r }, { 1, "==", 60 } } } } })
    T.eq(T.fails(E.EACCES, "dup2 r 60", ns.dup2(r, 60)), ("dup2 fd %d to 60: Permission denied"):format(r))
    T.eq(ns.dup2(r, 61), 61, "another new fd")
    T.eq(ns.dup2(w, 60), 60, "another old fd")
    return 0
  end), true)
end)

local TIOCSTI_PY = [[
import ctypes, errno, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.ioctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p]
r, w = os.pipe()
def ioctl(request):
    n = ctypes.c_int(0)
    ctypes.set_errno(0)
    if libc.ioctl(r, request, ctypes.byref(n)) == 0:
        return "ok"
    return errno.errorcode[ctypes.get_errno()]
got = " ".join([ioctl(0x5412), ioctl(0x5412 | (1 << 32)), ioctl(0x541B)])   # TIOCSTI, high bits set, FIONREAD
sys.exit(0 if got == sys.argv[1] else "got " + got + ", expected " + sys.argv[1])
]]

T.test("ioctl TIOCSTI denied by its request argument, other ioctls work", function()
  T.eq(ns.TIOCSTI, 0x5412)
  T.eq(ns.TIOCLINUX, 0x541C)
  T.eq(python({ rules = { { "uname", action = "errno" } } }, TIOCSTI_PY, "ENOTTY ENOTTY ok"), true, "no rule: a pipe is no tty")
  T.eq(python({ rules = { { "ioctl", action = "errno:EPERM", args = { { 1, "&=", 0xffffffff, ns.TIOCSTI } } } } },
              TIOCSTI_PY, "EPERM EPERM ok"), true, "masked: TIOCSTI denied, even with high bits set; FIONREAD works")
end)

T.test("'==' compares all 64 bits: the kernel's 32-bit request slips past it (use '&=')", function()
  T.eq(python({ rules = { { "ioctl", action = "errno:EPERM", args = { { 1, "==", ns.TIOCSTI } } } } },
              TIOCSTI_PY, "EPERM ENOTTY ok"), true)
end)

-- clone3 ------------------------------------------------------------------------------

T.test("unfiltered, raw_clone(CLONE_NEWTIME) works (clone3 is there)", function()
  T.eq(in_child(function()
    local pid, pidfd = raw_clone(CLONE_NEWTIME)
    if pid == 0 then ns._exit(0) end
    assert(pid, pidfd)
    return ns.wait(pidfd) and 0 or 1
  end), true)
end)

T.test("a denied clone3 gets ENOSYS, not EPERM, and raw_clone falls back to clone", function()
  for _, policy in ipairs {
    { deny = { "clone3" } },
    { rules = { { "clone3", action = "errno:EACCES" } } },
    { rules = { { "clone3", action = "kill" } } },
  } do
    T.eq(in_child(function()
      assert(ns.seccomp(policy))
      -- Needs clone3: nsrun reports the clone3 errno as is, except ENOSYS.
      local msg = T.fails(E.ENOSYS, "CLONE_NEWTIME", raw_clone(CLONE_NEWTIME))
      T.eq(msg, "clone3 (needed for CLONE_NEWTIME): Function not implemented")
      local pid, pidfd = raw_clone(0)
      if pid == 0 then ns._exit(7) end
      assert(pid, pidfd)
      local _, how, code = ns.wait(pidfd)
      return (how == "exit" and code == 7) and 0 or 1
    end), true, ns.seccomp_explain(policy))
  end
end)

T.test("with clone3 denied, a glibc program still starts threads", function()
  T.eq(python({ deny = { "clone3" } }, [[
import threading
done = []
t = threading.Thread(target=lambda: done.append(1))
t.start(); t.join()
assert done == [1]
]]), true)
end)

-- seccomp_explain ------------------------------------------------------------------

-- __NR_name from the kernel headers, when they are installed.
local function header_number(name)
  local f = io.open("/usr/include/x86_64-linux-gnu/asm/unistd_64.h")
  if not f then return nil end
  local s = f:read("a"); f:close()
  return tonumber(s:match("#define __NR_" .. name .. " (%d+)"))
end

T.test("seccomp_explain lists the default, then each rule with its number here", function()
  local text = ns.seccomp_explain {
    deny = { "ptrace", "mkdir", "socketcall" },
    rules = { { "ioctl", action = "errno:EPERM", args = { { 1, "&=", 0xffffffff, ns.TIOCSTI } } },
              { "getpid", action = "allow" } },
  }
  local lines = {}
  for l in text:gmatch("[^\n]+") do lines[#lines + 1] = l end
  T.eq(#lines, 7, text)
  T.eq(lines[1], "default allow")
  T.eq(lines[2]:match("^arch (%S+)"), io.popen("uname -m"):read("l"), "arch")
  local ptrace = lines[3]:match("^ptrace (%d+) errno:EPERM %(deny%[1%]%)$")
  T.eq(ptrace ~= nil, true, lines[3])
  T.eq(lines[4]:match("^mkdir %d+ errno:EPERM %(deny%[2%]%)$") ~= nil, true, lines[4])
  T.eq(lines[5]:match("^socketcall %- errno:EPERM %(deny%[3%]; not a syscall on %S+: no rule%)$") ~= nil
       or lines[5]:match("^socketcall %d+ errno:EPERM") ~= nil, true, lines[5])
  T.eq(lines[6]:match("^ioctl %d+ errno:EPERM if arg1 & 0xffffffff == 0x5412 %(rules%[1%]%)$") ~= nil, true, lines[6])
  T.eq(lines[7]:match("^getpid %d+ allow %(rules%[2%]; same as the default: no rule%)$") ~= nil, true, lines[7])
  if lines[2] == "arch x86_64 (calls of other ABIs: kill_process)" and header_number("ptrace") then
    T.eq(tonumber(ptrace), header_number("ptrace"), "ptrace's number")
    T.eq(tonumber(lines[4]:match("^mkdir (%d+)")), header_number("mkdir"), "mkdir's number")
    T.eq(tonumber(lines[6]:match("^ioctl (%d+)")), header_number("ioctl"), "ioctl's number")
  end
end)

T.test("seccomp_explain shows the clone3 rule nsrun adds or changes", function()
  local text = ns.seccomp_explain { allow = { "read" } }
  T.eq(text:match("\nclone3 %d+ errno:ENOSYS %(added: the default errno:EPERM denies clone3; [^\n]*glibc falls back to clone%)\n$") ~= nil,
       true, text)
  T.eq(text:match("^default errno:EPERM\n") ~= nil, true, text)
  text = ns.seccomp_explain { rules = { { "clone3", action = "errno:EACCES" } } }
  T.eq(text:match("\nclone3 %d+ errno:ENOSYS %(rules%[1%] asked errno:EACCES; ") ~= nil, true, text)
  text = ns.seccomp_explain { deny = { "mkdir" } }
  T.eq(text:find("clone3", 1, true), nil, "a default that allows clone3 adds nothing")
end)

-- seccomp_export ---------------------------------------------------------------------

local function bpf(policy)
  local p = path("f.bpf")
  T.eq(ns.seccomp_export(policy, p), true, "export")
  local s = T.read(p)
  os.remove(p)
  return s
end

T.test("seccomp_export writes a BPF program: sock_filter entries starting with the arch check", function()
  local small = bpf { deny = { "mkdir" } }
  T.eq(#small > 0 and #small % 8, 0, "a non-empty multiple of 8 bytes: " .. #small)
  -- ld [4]: seccomp_data.arch first (BPF_LD|BPF_W|BPF_ABS = 0x20)
  local code, _, _, k = string.unpack("=I2BBI4", small)
  T.eq(code, 0x20, "first instruction"); T.eq(k, 4, "loads the arch")
  local big = bpf { deny = { "mkdir", "rmdir", "ptrace", "mount", "umount2", "keyctl" } }
  T.eq(#big % 8, 0)
  T.eq(#big > #small, true, "more rules, more instructions")
end)

T.test("seccomp_export replaces an existing file", function()
  local p = path("f.bpf")
  local f = assert(io.open(p, "w")); f:write(string.rep("x", 10000)); f:close()
  assert(ns.seccomp_export({ deny = { "mkdir" } }, p))
  local s = T.read(p)
  T.eq(#s < 10000 and #s % 8, 0, "truncated, then written")
  os.remove(p)
end)

T.test("seccomp_export to an unwritable path: nil, message, errno", function()
  local policy = { deny = { "mkdir" } }
  T.eq(T.fails(E.ENOENT, "missing dir", ns.seccomp_export(policy, DIR .. "/missing/f.bpf")),
       "seccomp_export " .. DIR .. "/missing/f.bpf: No such file or directory")
  T.fails(E.EISDIR, "a directory", ns.seccomp_export(policy, DIR))
  T.eq(T.fails(E.ENOSPC, "/dev/full", ns.seccomp_export(policy, "/dev/full")),
       "seccomp_export /dev/full: No space left on device")
end)

T.test("seccomp_export of a bad policy raises and creates no file", function()
  local p = path("f.bpf")
  T.raises("bad argument #1 to 'seccomp_export' (deny[1]: unknown syscall 'mkdri')", ns.seccomp_export, { deny = { "mkdri" } }, p)
  T.eq(io.open(p), nil, "no file")
  T.raises("bad argument #2 to 'seccomp_export' (string expected, got number)", ns.seccomp_export, { deny = { "mkdir" } }, 1)
end)

-- The system says no ------------------------------------------------------------------

T.test("seccomp beyond the kernel's filter budget: nil, message, ENOMEM; earlier filters hold", function()
  T.eq(in_child(function()
    local policy = { deny = { "mkdir", "rmdir", "ptrace", "mount", "umount2", "keyctl", "add_key", "request_key",
                              "bpf", "perf_event_open", "kexec_load", "init_module", "finit_module", "delete_module",
                              "swapon", "swapoff", "reboot", "acct", "settimeofday", "pivot_root", "chroot" } }
    for i = 1, 5000 do
      local ok, msg, e = ns.seccomp(policy)
      if not ok then
        T.eq(msg, "seccomp_load: Cannot allocate memory")
        T.eq(e, E.ENOMEM)
        T.eq(i > 1, true, "some filters fitted")
        T.eq(status("Seccomp_filters"), i - 1, "the failed one was not added")
        T.fails(E.EPERM, "mkdir", ns.mkdir(path("d")))
        return 0
      end
    end
    return 1
  end), true)
end)

-- Misuse: raised before anything is installed -----------------------------------------

T.test("an unknown syscall name raises, and nothing is installed", function()
  T.eq(in_child(function()
    T.raises("bad argument #1 to 'seccomp' (rules[2]: unknown syscall 'ptrce')", ns.seccomp,
             { rules = { { "mkdir", action = "errno" }, { "ptrce", action = "errno" } } })
    T.raises("bad argument #1 to 'seccomp' (deny[2]: unknown syscall 'PTRACE')", ns.seccomp, { deny = { "mkdir", "PTRACE" } })
    T.eq(status("Seccomp"), 0, "no filter")
    T.eq(status("NoNewPrivs"), 0, "no no_new_privs")
    local p = path("d")
    assert(ns.mkdir(p))                 -- the valid rule before the typo was not applied
    os.remove(p)
    return 0
  end), true)
end)

T.test("misuse raises: actions, operators, indices, shapes, types", function()
  T.eq(in_child(function()
    local function bad(reason, policy)
      T.raises("bad argument #1 to 'seccomp' (" .. reason, ns.seccomp, policy)
    end
    bad("default: unknown action 'deny' (expected allow, log, errno, errno:NAME, trap, kill, kill_process, kill_thread))",
        { default = "deny" })
    bad("rules[1]: unknown action 'EPERM'", { rules = { { "mkdir", action = "EPERM" } } })
    bad("rules[1]: unknown errno name 'EFOO' in 'errno:EFOO'", { rules = { { "mkdir", action = "errno:EFOO" } } })
    bad("rules[1]: errno 0 in 'errno:0' out of range 1..4095", { rules = { { "mkdir", action = "errno:0" } } })
    bad("rules[1]: missing action", { rules = { { "mkdir" } } })
    bad("rules[1].args[1]: unknown operator '=~' (expected ==, !=, <, <=, >, >=, &=)",
        { rules = { { "ioctl", action = "errno", args = { { 1, "=~", 1 } } } } })
    bad("rules[1].args[1]: argument index 7 out of range 0..5", { rules = { { "ioctl", action = "errno", args = { { 7, "==", 1 } } } } })
    bad("rules[1].args[1]: argument index -1 out of range 0..5", { rules = { { "ioctl", action = "errno", args = { { -1, "==", 1 } } } } })
    bad("rules[1].args[1]: '&=' takes a mask and a value", { rules = { { "ioctl", action = "errno", args = { { 1, "&=", 1 } } } } })
    bad("rules[1].args[1]: '==' takes one value", { rules = { { "ioctl", action = "errno", args = { { 1, "==", 1, 2 } } } } })
    bad("rules[1].args[1]: value 0x100 has bits outside the mask 0xff",
        { rules = { { "ioctl", action = "errno", args = { { 1, "&=", 0xff, 0x100 } } } } })
    bad("rules[1].args[2]: argument 1 is compared twice in one rule",
        { rules = { { "ioctl", action = "errno", args = { { 1, ">=", 1 }, { 1, "<=", 3 } } } } })
    bad("rules[1]: clone3's arguments are in memory", { rules = { { "clone3", action = "errno", args = { { 0, "==", 0 } } } } })
    bad("deny[2]: a second rule for 'mkdir' (first at deny[1])", { deny = { "mkdir", "mkdir" } })
    bad("rules[1]: 'ioctl' already has a rule without args at deny[1]",
        { deny = { "ioctl" }, rules = { { "ioctl", action = "errno", args = { { 1, "==", 1 } } } } })
    bad("rules[2]: the same conditions as rules[1] for 'ioctl'",
        { rules = { { "ioctl", action = "errno", args = { { 1, "==", 1 } } }, { "ioctl", action = "trap", args = { { 1, "==", 1 } } } } })
    bad("deny and allow do not combine", { deny = { "mkdir" }, allow = { "read" } })
    bad("the policy is empty", {})
    bad("unknown policy key 'deny_list' (expected allow, default, deny, rules)", { deny_list = { "mkdir" } })
    bad("rules[1]: unknown key 'actoin'", { rules = { { "mkdir", actoin = "errno" } } })
    bad("rules[1]: unknown key [2] (expected [1] = syscall name, action, args)", { rules = { { "mkdir", "errno" } } })
    bad("policy keys must be names (allow, default, deny, rules), got number", { "mkdir" })
    -- types
    bad("policy table expected, got string", "deny mkdir")
    bad("deny: table expected, got string", { deny = "mkdir" })
    bad("deny[1]: syscall name expected, got number", { deny = { 83 } })
    bad("rules[1]: table expected, got string", { rules = { "mkdir" } })
    bad("rules[1].action: string expected, got number", { rules = { { "mkdir", action = 1 } } })
    bad("rules[1].args[1][1]: argument index must be an integer, got string",
        { rules = { { "ioctl", action = "errno", args = { { "1", "==", 1 } } } } })
    bad("rules[1].args[1][3]: value has no integer representation",
        { rules = { { "ioctl", action = "errno", args = { { 1, "==", 1.5 } } } } })
    bad("rules[1].args[1][3]: value must be an integer, got string",
        { rules = { { "ioctl", action = "errno", args = { { 1, "==", "21522" } } } } })
    bad("deny[1]: syscall name contains a NUL byte", { deny = { "mkdir\0" } })
    bad("deny: a list takes keys 1..1, got 'x'", { deny = { "mkdir", x = "rmdir" } })
    bad("deny: a list takes keys 1..1, got [3]", { deny = { [1] = "mkdir", [3] = "rmdir" } })
    T.eq(status("Seccomp"), 0, "nothing installed")
    return 0
  end), true)
end)

T.test("seccomp_explain raises for the same misuse", function()
  T.raises("bad argument #1 to 'seccomp_explain' (rules[1]: unknown syscall 'ptrce')", ns.seccomp_explain,
           { rules = { { "ptrce", action = "errno" } } })
  T.raises("bad argument #1 to 'seccomp_explain' (policy table expected, got no value)", ns.seccomp_explain)
end)

T.test("the test runner itself was never filtered", function()
  T.eq(status("Seccomp"), 0)
  T.eq(status("NoNewPrivs"), 0)
end)

os.execute("rm -rf '" .. DIR .. "'")
os.exit(T.done())
