-- ns.pipe, ns.read, ns.write, ns.close, ns.dup2, ns.open and the O_* constants.
local T = require "testing"
local E = ns.errno

local function cloexec(fd)
  local flags = T.read("/proc/self/fdinfo/" .. fd):match("flags:%s*(%d+)")
  return tonumber(flags, 8) & 0x80000 ~= 0
end

local function is_open(fd) return io.open("/proc/self/fdinfo/" .. fd) ~= nil end

local function tmpdir()
  local d = os.tmpname(); os.remove(d); assert(os.execute("mkdir -m 0700 " .. d)); return d
end

T.test("pipe gives a read end and a write end, both close-on-exec", function()
  local r, w = ns.pipe()
  T.eq(math.type(r), "integer"); T.eq(math.type(w), "integer")
  assert(r ~= w)
  T.eq(cloexec(r), true, "read end cloexec"); T.eq(cloexec(w), true, "write end cloexec")
  T.eq(ns.write(w, "hello"), 5)
  T.eq(ns.read(r, 100), "hello")
  assert(ns.close(r)); assert(ns.close(w))
  T.eq(is_open(r), false); T.eq(is_open(w), false)
end)

T.test("read returns at most n bytes, and \"\" at end of file", function()
  local r, w = ns.pipe()
  ns.write(w, "abcdef")
  T.eq(ns.read(r, 4), "abcd")
  assert(ns.close(w))
  T.eq(ns.read(r, 10), "ef")
  T.eq(ns.read(r, 10), "", "EOF once every write end is closed")
  T.eq(ns.read(r, 0), "")
  ns.close(r)
end)

T.test("write sends binary data with NUL bytes intact", function()
  local r, w = ns.pipe()
  local data = "a\0b\255\0"
  T.eq(ns.write(w, data), #data)
  T.eq(ns.read(r, 10), data)
  T.eq(ns.write(w, ""), 0)
  ns.close(r); ns.close(w)
end)

T.test("write writes everything, beyond a pipe's capacity", function()
  local r, w = ns.pipe()
  local big = string.rep("x", 300000) -- larger than the default 64 KiB pipe buffer
  local _, pidfd = assert(clone(0, function()
    ns.close(w)
    local n = 0
    while true do
      local s = ns.read(r, 65536)
      if s == "" then break end
      n = n + #s
    end
    return n == #big and 0 or 1
  end))
  ns.close(r)
  T.eq(ns.write(w, big), #big)
  ns.close(w)
  T.eq(ns.wait(pidfd), true, "the reader got every byte")
end)

T.test("a child blocked in read wakes when the parent writes (synchronisation)", function()
  local r, w = ns.pipe()
  local marker = os.tmpname()
  local _, pidfd = assert(clone(0, function()
    ns.close(w)
    local got = ns.read(r, 1)
    -- The parent wrote the marker file before writing the byte.
    local f = io.open(marker); local content = f and f:read("a")
    return (got == "x" and content == "written") and 0 or 1
  end))
  ns.close(r)
  local f = assert(io.open(marker, "w")); f:write("written"); f:close()
  ns.write(w, "x")
  ns.close(w)
  T.eq(ns.wait(pidfd), true)
  os.remove(marker)
end)

T.test("read, write and close of a closed fd give EBADF", function()
  local r, w = ns.pipe()
  ns.close(r); ns.close(w)
  local msg = T.fails(E.EBADF, "read", ns.read(r, 1))
  T.eq(msg, "read fd " .. r .. ": Bad file descriptor")
  T.eq(T.fails(E.EBADF, "write", ns.write(w, "x")), "write fd " .. w .. ": Bad file descriptor")
  T.eq(T.fails(E.EBADF, "close", ns.close(r)), "close fd " .. r .. ": Bad file descriptor")
  T.fails(E.EBADF, "write to a read end", (function() local a, b = ns.pipe(); ns.close(b)
    local x, y, z = ns.write(a, "x"); ns.close(a); return x, y, z end)())
end)

T.test("read of an empty non-blocking pipe gives EAGAIN", function()
  local dir = tmpdir()
  assert(os.execute("mkfifo " .. dir .. "/fifo"))
  local fd = assert(ns.open(dir .. "/fifo", ns.O_RDWR | ns.O_NONBLOCK))
  T.fails(E.EAGAIN, "empty fifo", ns.read(fd, 1))
  ns.close(fd)
  os.execute("rm -r " .. dir)
end)

T.test("misuse of pipe fds raises", function()
  T.raises("bad argument #1 to 'read' (number expected, got string)", ns.read, "0", 1)
  T.raises("bad argument #2 to 'read' (number expected, got no value)", ns.read, 0)
  T.raises("bad argument #2 to 'read' (byte count out of range", ns.read, 0, -1)
  T.raises("byte count out of range 0..67108864", ns.read, 0, (1 << 26) + 1)
  T.raises("number has no integer representation", ns.read, 0, 1.5)
  T.raises("bad argument #1 to 'read' (fd out of range", ns.read, -1, 1)
  T.raises("bad argument #2 to 'write' (string expected, got number)", ns.write, 1, 5)
  T.raises("bad argument #1 to 'write' (number expected, got nil)", ns.write, nil, "x")
  T.raises("bad argument #1 to 'close' (fd out of range", ns.close, 2 ^ 31)
  T.raises("bad argument #1 to 'close' (number expected, got string)", ns.close, "3")
end)

T.test("dup2 to a new number gives an fd without close-on-exec", function()
  local r, w = ns.pipe()
  T.eq(ns.dup2(w, 57), 57)
  T.eq(cloexec(57), false, "dup2'd fd must be inheritable")
  T.eq(cloexec(w), true, "the original keeps close-on-exec")
  ns.write(57, "via 57")
  T.eq(ns.read(r, 10), "via 57")
  ns.close(57); ns.close(r); ns.close(w)
end)

T.test("dup2 replaces an open target fd", function()
  local r1, w1 = ns.pipe()
  local r2, w2 = ns.pipe()
  T.eq(ns.dup2(w1, w2), w2)
  ns.write(w2, "to pipe 1")
  T.eq(ns.read(r1, 20), "to pipe 1")
  for _, fd in ipairs({ r1, w1, r2, w2 }) do ns.close(fd) end
end)

T.test("dup2(fd, fd) clears close-on-exec so an exec'd program inherits fd", function()
  local r, w = ns.pipe()
  -- Without dup2, the exec'd shell does not have w: it is close-on-exec.
  local check = ("[ -e /proc/$$/fd/%d ] && echo inherited >&%d; exit 0"):format(w, w)
  local function run() return T.run_child(0, function() ns.close(r); ns.execve("/bin/sh", { "sh", "-c", check }) return 127 end) end
  T.eq(run(), true)
  ns.write(w, "-")
  T.eq(ns.read(r, 100), "-", "the shell did not see the close-on-exec fd")
  T.eq(ns.dup2(w, w), w)
  T.eq(cloexec(w), false)
  T.eq(run(), true)
  ns.write(w, "-")
  T.eq(ns.read(r, 100), "inherited\n-")
  ns.close(r); ns.close(w)
end)

T.test("dup2 onto stdout redirects an exec'd program's output", function()
  local r, w = ns.pipe()
  T.eq(T.run_child(0, function()
    ns.close(r)
    assert(ns.dup2(w, 1))
    ns.execve("/bin/echo", { "echo", "through the pipe" })
    return 127
  end), true)
  ns.close(w)
  T.eq(ns.read(r, 100), "through the pipe\n")
  ns.close(r)
end)

T.test("dup2 errors and misuse", function()
  local r, w = ns.pipe()
  ns.close(r); ns.close(w)
  T.eq(T.fails(E.EBADF, "closed old", ns.dup2(r, 60)), "dup2 fd " .. r .. " to 60: Bad file descriptor")
  T.fails(E.EBADF, "closed fd onto itself", ns.dup2(r, r))
  T.fails(E.EBADF, "new beyond RLIMIT_NOFILE", ns.dup2(0, 2 ^ 30))
  T.raises("bad argument #2 to 'dup2' (fd out of range", ns.dup2, 0, -1)
  T.raises("bad argument #1 to 'dup2' (number expected, got string)", ns.dup2, "0", 5)
end)

T.test("open creates with the mode asked, writes, reads back; always close-on-exec", function()
  local dir = tmpdir()
  local path = dir .. "/f"
  local fd = assert(ns.open(path, ns.O_WRONLY | ns.O_CREAT | ns.O_EXCL, 384)) -- 0600
  T.eq(cloexec(fd), true, "O_CLOEXEC is always added")
  T.eq(ns.write(fd, "content"), 7)
  ns.close(fd)
  local p = io.popen("stat -c %a " .. path); T.eq(p:read("l"), "600"); p:close()
  fd = assert(ns.open(path, ns.O_RDONLY))
  T.eq(ns.read(fd, 100), "content")
  T.fails(E.EBADF, "write to an O_RDONLY fd", ns.write(fd, "x"))
  ns.close(fd)
  os.execute("rm -r " .. dir)
end)

T.test("open with O_APPEND appends, O_TRUNC truncates", function()
  local dir = tmpdir()
  local path = dir .. "/f"
  local fd = assert(ns.open(path, ns.O_WRONLY | ns.O_CREAT)); ns.write(fd, "one"); ns.close(fd)
  fd = assert(ns.open(path, ns.O_WRONLY | ns.O_APPEND)); ns.write(fd, "two"); ns.close(fd)
  T.eq(T.read(path), "onetwo")
  fd = assert(ns.open(path, ns.O_RDWR | ns.O_TRUNC)); ns.write(fd, "3"); ns.close(fd)
  T.eq(T.read(path), "3")
  os.execute("rm -r " .. dir)
end)

T.test("open failures are nil, message, errno", function()
  local dir = tmpdir()
  local path = dir .. "/f"
  T.eq(T.fails(E.ENOENT, "missing", ns.open(dir .. "/missing", ns.O_RDONLY)),
    "open " .. dir .. "/missing: No such file or directory")
  ns.close(assert(ns.open(path, ns.O_WRONLY | ns.O_CREAT)))
  T.fails(E.EEXIST, "O_EXCL on an existing file", ns.open(path, ns.O_WRONLY | ns.O_CREAT | ns.O_EXCL))
  T.fails(E.ENOTDIR, "O_DIRECTORY on a file", ns.open(path, ns.O_RDONLY | ns.O_DIRECTORY))
  assert(os.execute("ln -s f " .. dir .. "/link"))
  T.fails(E.ELOOP, "O_NOFOLLOW on a symlink", ns.open(dir .. "/link", ns.O_RDONLY | ns.O_NOFOLLOW))
  T.fails(E.EISDIR, "writing a directory", ns.open(dir, ns.O_WRONLY))
  os.execute("rm -r " .. dir)
end)

T.test("O_PATH gives an fd that names the file but cannot be read", function()
  local fd = assert(ns.open("/etc/hostname", ns.O_PATH))
  local flags = tonumber(T.read("/proc/self/fdinfo/" .. fd):match("flags:%s*(%d+)"), 8)
  T.eq(flags & ns.O_PATH, ns.O_PATH, "opened O_PATH")
  T.fails(E.EBADF, "read through O_PATH", ns.read(fd, 1))
  ns.close(fd)
  local dfd = assert(ns.open("/etc", ns.O_RDONLY | ns.O_DIRECTORY))
  T.fails(E.EISDIR, "read of a directory", ns.read(dfd, 1))
  ns.close(dfd)
end)

T.test("open misuse raises", function()
  T.raises("bad argument #2 to 'open' (unknown open flag bits 0x", ns.open, "/tmp", 0x1000000)
  T.raises("O_WRONLY and O_RDWR together", ns.open, "/tmp", ns.O_WRONLY | ns.O_RDWR)
  T.raises("open flags out of range", ns.open, "/tmp", -1)
  T.raises("bad argument #3 to 'open' (mode out of range 0..4095)", ns.open, "/tmp/x", ns.O_CREAT, 4096)
  T.raises("bad argument #1 to 'open' (string contains a NUL byte)", ns.open, "/tmp\0/x", 0)
  T.raises("bad argument #2 to 'open' (number expected, got string)", ns.open, "/tmp", "0")
end)

T.test("O_* constants have this architecture's values", function()
  T.eq(ns.O_RDONLY, 0); T.eq(ns.O_WRONLY, 1); T.eq(ns.O_RDWR, 2)
  T.eq(ns.O_CREAT, 64); T.eq(ns.O_EXCL, 128); T.eq(ns.O_TRUNC, 512); T.eq(ns.O_APPEND, 1024)
  T.eq(ns.O_NONBLOCK, 2048); T.eq(ns.O_CLOEXEC, 0x80000); T.eq(ns.O_PATH, 0x200000)
  local arch = io.popen("uname -m"):read("l")
  if arch == "x86_64" then
    T.eq(ns.O_DIRECTORY, 0x10000); T.eq(ns.O_NOFOLLOW, 0x20000)
  elseif arch == "aarch64" then
    T.eq(ns.O_DIRECTORY, 0x4000); T.eq(ns.O_NOFOLLOW, 0x8000)
  end
end)

os.exit(T.done())
