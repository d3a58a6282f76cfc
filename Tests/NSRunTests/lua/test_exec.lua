-- ns.execve, ns.execveat, ns.exec.
local T = require "testing"
local E = ns.errno

T.test("execve runs the program with argv and env", function()
  local _, how, code = T.run_child(0, function()
    return ns.execve("/bin/sh", { "sh", "-c", 'test "$0" = sh && test "$X" = y && exit 4' }, { "X=y" })
  end)
  T.eq(how, "exit"); T.eq(code, 4)
end)

T.test("execve env as a map, and nil keeps the environment", function()
  T.eq(select(3, T.run_child(0, function() ns.execve("/bin/sh", { "sh", "-c", 'test "$K" = v' }, { K = "v" }); return 99 end)), 0)
  T.eq(select(3, T.run_child(0, function() ns.execve("/bin/sh", { "sh", "-c", 'test -n "$PATH"' }); return 99 end)), 0)
  -- A list and names together: the list's entries, then the names in order.
  T.eq(select(3, T.run_child(0, function()
    ns.execve("/bin/sh", { "sh", "-c", 'test "$(tr "\\0" , < /proc/$$/environ)" = "A=1,B=2,C=3,"' },
      { "A=1", C = "3", B = "2" }); return 99 end)), 0)
  -- An empty env: the shell's child sees only what sh exports itself (PWD).
  T.eq(select(3, T.run_child(0, function()
    ns.execve("/bin/sh", { "sh", "-c", 'test "$(/usr/bin/env | grep -v ^PWD=)" = ""' }, {}); return 99 end)), 0)
end)

T.test("execve failure is nil, message, errno", function()
  local msg = T.fails(E.ENOENT, "execve", ns.execve("/nonexistent/x", { "x" }))
  T.eq(msg, "execve /nonexistent/x: No such file or directory")
  T.fails(E.EACCES, "directory", ns.execve("/tmp", { "tmp" }))
end)

T.test("execve passes argv's strings exactly, multibyte ones included", function()
  T.eq(select(3, T.run_child(0, function()
    ns.execve("/bin/sh", { "sh", "-c", 'test "$1" = "é€𝄞" && test "$2" = "" && exit 7', "sh", "é€𝄞", "" }); return 99 end)), 7)
end)

T.test("exec searches PATH", function()
  T.eq(select(3, T.run_child(0, function() ns.exec({ "sh", "-c", "exit 5" }); return 99 end)), 5)
  local msg = T.fails(E.ENOENT, "exec", ns.exec({ "no-such-program-nsrun" }))
  T.eq(msg, "exec no-such-program-nsrun: No such file or directory")
end)

T.test("execveat with AT_FDCWD and with AT_EMPTY_PATH on an fd", function()
  T.eq(select(3, T.run_child(0, function()
    ns.execveat(ns.AT_FDCWD, "/bin/sh", { "sh", "-c", "exit 6" }, nil, 0); return 99 end)), 6)
  T.fails(E.ENOENT, "execveat", ns.execveat(ns.AT_FDCWD, "/nonexistent", { "x" }, nil, 0))
  T.fails(E.EBADF, "bad dirfd", ns.execveat(999, "", { "x" }, nil, ns.AT_EMPTY_PATH))
end)

T.test("exec misuse raises", function()
  T.raises("bad argument #2 to 'execve' (argv needs at least 1 element)", ns.execve, "/bin/true", {})
  T.raises("bad argument #1 to 'execve' (string contains a NUL byte)", ns.execve, "/bin/true\0x", { "x" })
  T.raises("'argv[2]': string contains a NUL byte", ns.execve, "/bin/true", { "x", "a\0b" })
  T.raises("'argv[1]': string expected, got number", ns.execve, "/bin/true", { 1 })
  T.raises("'argv[2]': string is not valid UTF-8", ns.execve, "/bin/true", { "x", "\xED\xA0\x80" })
  T.raises("'argv[3]': string is not valid UTF-8", ns.execve, "/bin/true", { "x", "é", "\xE2\x82" })
  T.raises("bad argument #1 to 'execve' (string is not valid UTF-8)", ns.execve, "/bin/\xC0\xAF", { "x" })
  T.raises("argv must be a list, got a string key", ns.execve, "/bin/true", { "x", y = "z" })
  T.raises("bad argument #1 to 'execve' (string expected, got number)", ns.execve, 1, { "x" })
  T.raises("expected \"NAME=value\"", ns.execve, "/bin/true", { "x" }, { "novalue" })
  T.raises("'env[2]': expected \"NAME=value\", got \"=x\"", ns.execve, "/bin/true", { "x" }, { "A=1", "=x" })
  T.raises("'env[1]': string expected, got number", ns.execve, "/bin/true", { "x" }, { 5 })
  T.raises("'env[1]': string is not valid UTF-8", ns.execve, "/bin/true", { "x" }, { "A=\xff" })
  T.raises("'env[1]': string contains a NUL byte", ns.execve, "/bin/true", { "x" }, { "A=\0" })
  T.raises("'env.K': string expected, got number", ns.execve, "/bin/true", { "x" }, { K = 1 })
  T.raises("bad argument #1 to 'exec' (table expected, got string)", ns.exec, "ls")
  T.raises("unknown execveat flags", ns.execveat, ns.AT_FDCWD, "/bin/true", { "x" }, nil, 1)
  T.raises("dirfd out of range", ns.execveat, -200, "/bin/true", { "x" }, nil, 0)
end)

T.test("nsrun's own fds never reach an exec'd program (close-on-exec from birth)", function()
  -- fds nsrun inherited without O_CLOEXEC from whoever started it are the
  -- caller's business and do pass; everything nsrun opened must not.
  local inherited = {}
  local listing = io.popen("ls /proc/" .. getpid() .. "/fd")
  for fd in listing:lines() do
    local info = io.open("/proc/" .. getpid() .. "/fdinfo/" .. fd)
    if info then
      local flags = tonumber(info:read("a"):match("flags:%s*(%d+)"), 8)
      info:close()
      if flags & 0x80000 == 0 then inherited[tonumber(fd)] = true end
    end
  end
  listing:close()
  -- Files the recipe opens through Lua's io library are close-on-exec too.
  local opened = assert(io.open("/etc/hostname"))
  local piped = assert(io.popen("cat > /dev/null", "w"))
  local outname = os.tmpname()
  io.output(outname)  -- io.output("name") opens a file too
  local inname = os.tmpname()
  io.input(inname)
  local _, holder = clone(0, function() ns.execve("/bin/sleep", { "sleep", "5" }) end)
  local out = os.tmpname()
  local _, _, code = T.run_child(0, function()
    -- ls lists the fds it was given, plus the one it reads the listing with.
    return ns.execve("/bin/sh", { "sh", "-c", "exec ls -l /proc/self/fd > " .. out })
  end)
  T.eq(code, 0)
  local text = T.read(out)
  os.remove(out)
  assert(not text:find("pidfd", 1, true), "a pidfd leaked into the program:\n" .. text)
  assert(not text:find("/etc/hostname", 1, true), "an io.open file leaked:\n" .. text)
  assert(not text:find(outname, 1, true), "an io.output file leaked:\n" .. text)
  assert(not text:find(inname, 1, true), "an io.input file leaked:\n" .. text)
  for fd, target in text:gmatch("(%d+) %-> ([^\n]*)") do
    fd = tonumber(fd)
    local ls_own = target:match("^/proc/%d+/fd$")
    if not inherited[fd] and not ls_own then error("fd " .. fd .. " reached the program:\n" .. text) end
  end
  assert(inherited[0] and inherited[1] and inherited[2], "stdio is inherited")
  pidfd_signal(holder, "KILL"); ns.wait(holder)
  opened:close(); piped:close()
  io.output():close(); io.output(io.stdout); io.input():close(); io.input(io.stdin)
  os.remove(outname); os.remove(inname)
end)

os.exit(T.done())
