-- ns.landlock and ns.landlock_abi. Every restriction is applied inside a
-- clone child (Landlock cannot be undone), so this runner stays unrestricted;
-- the parent then checks what the child could and could not do.
local T = require "testing"
local E = ns.errno
local NSRUN = arg and arg[-1] or "nsrun"

local ABI, ABI_MSG = ns.landlock_abi()
local function need_landlock()
  if not ABI then T.skip("landlock_abi() is nil: " .. tostring(ABI_MSG)) end
end

local function is_open(fd)
  local f = io.open("/proc/self/fdinfo/" .. fd)
  if f then f:close() end
  return f ~= nil
end
local function open_fds()
  local n = 0
  for fd = 0, 255 do if is_open(fd) then n = n + 1 end end
  return n
end
local function no_new_privs() return T.read("/proc/self/status"):match("NoNewPrivs:%s*(%d)") end

local function write_file(path, data)
  local f = assert(io.open(path, "w")); f:write(data); f:close()
end
local function exists(path) local f = io.open(path); if f then f:close() end return f ~= nil end

-- A scratch tree: ro/ (file f), rw/, out/ (file secret, other), bin/ and
-- robin/ (busybox copies), removed by cleanup.
local function scratch()
  local d = os.tmpname(); os.remove(d)
  assert(os.execute("mkdir -p " .. d .. "/ro " .. d .. "/rw " .. d .. "/rw2 " .. d .. "/out " .. d .. "/bin " .. d .. "/robin"))
  write_file(d .. "/ro/f", "ro-data")
  write_file(d .. "/out/secret", "secret-data")
  write_file(d .. "/out/other", "other-data")
  return d
end
local function cleanup(d) os.execute("rm -rf '" .. d .. "'") end
-- fn(d) with a fresh scratch tree, removed afterwards even when fn fails.
local function with_scratch(fn)
  local d = scratch()
  local ok, err = xpcall(fn, debug.traceback, d)
  cleanup(d)
  if not ok then error(err, 0) end
end
local function need_busybox(d)
  if not exists("/bin/busybox") then T.skip("/bin/busybox (busybox-static) is not installed") end
  assert(os.execute("cp /bin/busybox " .. d .. "/bin/ && cp /bin/busybox " .. d .. "/robin/ && cp /bin/busybox " .. d .. "/out/"))
end

-- Runs fn in a clone child and asserts that it exited 0.
local function in_child(fn)
  local ok, how, code = T.run_child(0, fn)
  T.eq(ok, true, ("child ended %s %s"):format(how, code))
end

T.test("landlock_abi() is the kernel's ABI version, an integer >= 1", function()
  if not ABI then
    local _, msg, errno = ns.landlock_abi()
    assert(errno == E.ENOSYS or errno == E.EOPNOTSUPP, "errno " .. tostring(errno))
    assert(msg:find("Landlock is not supported by this kernel", 1, true), msg)
    T.skip("Landlock is unavailable here: " .. msg)
  end
  T.eq(math.type(ABI), "integer", "type")
  assert(ABI >= 1, "ABI " .. ABI)
  T.eq(ns.landlock_abi(), ABI, "stable")
end)

T.test("an ro tree is readable and listable, but nothing in it can be written, created or removed (EACCES)", function()
  need_landlock()
  with_scratch(function(d)
    in_child(function()
      assert(ns.open(d .. "/ro/f", ns.O_WRONLY), "writable before landlock")
      T.eq(ns.landlock { ro = { d .. "/ro" } }, true, "landlock")
      T.eq(T.read(d .. "/ro/f"), "ro-data", "read")
      local dirfd = assert(ns.open(d .. "/ro", ns.O_RDONLY | ns.O_DIRECTORY)); ns.close(dirfd)
      T.fails(E.EACCES, "write", ns.open(d .. "/ro/f", ns.O_WRONLY))
      T.fails(E.EACCES, "create", ns.open(d .. "/ro/new", ns.O_WRONLY | ns.O_CREAT))
      T.fails(E.EACCES, "mkdir", ns.mkdir(d .. "/ro/sub"))
      T.eq(select(3, os.remove(d .. "/ro/f")), E.EACCES, "remove")
      return 0
    end)
    T.eq(T.read(d .. "/ro/f"), "ro-data", "unchanged")
    T.eq(exists(d .. "/ro/new") or exists(d .. "/ro/sub"), false, "nothing created")
  end)
end)

T.test("a file outside every tree can be neither read nor listed (EACCES)", function()
  need_landlock()
  with_scratch(function(d)
    in_child(function()
      T.eq(T.read(d .. "/out/secret"), "secret-data", "readable before landlock")
      assert(ns.landlock { ro = { d .. "/ro" }, rw = { d .. "/rw" } })
      T.fails(E.EACCES, "read outside", ns.open(d .. "/out/secret", ns.O_RDONLY))
      T.fails(E.EACCES, "list outside", ns.open(d .. "/out", ns.O_RDONLY | ns.O_DIRECTORY))
      T.fails(E.EACCES, "read /etc", ns.open("/etc/passwd", ns.O_RDONLY))
      return 0
    end)
  end)
end)

T.test("a rule for one file grants that file and not its siblings", function()
  need_landlock()
  with_scratch(function(d)
    in_child(function()
      assert(ns.landlock { ro = { d .. "/out/secret" } })
      T.eq(T.read(d .. "/out/secret"), "secret-data", "the granted file")
      T.fails(E.EACCES, "a sibling", ns.open(d .. "/out/other", ns.O_RDONLY))
      T.fails(E.EACCES, "its directory", ns.open(d .. "/out", ns.O_RDONLY | ns.O_DIRECTORY))
      return 0
    end)
  end)
end)

T.test("an rw tree can be written: create, write, truncate, mkdir, symlink, rename, remove", function()
  need_landlock()
  with_scratch(function(d)
    in_child(function()
      assert(ns.landlock { rw = { d .. "/rw" } })
      local rw = d .. "/rw"
      local fd = assert(ns.open(rw .. "/a", ns.O_WRONLY | ns.O_CREAT | ns.O_TRUNC))
      T.eq(ns.write(fd, "written"), 7); ns.close(fd)
      T.eq(T.read(rw .. "/a"), "written", "read back")
      fd = assert(ns.open(rw .. "/a", ns.O_WRONLY | ns.O_TRUNC)); ns.close(fd)
      T.eq(T.read(rw .. "/a"), "", "truncated")
      write_file(rw .. "/a", "final")
      assert(ns.mkdir(rw .. "/sub"))
      assert(ns.symlink("a", rw .. "/link"))
      assert(os.rename(rw .. "/a", rw .. "/sub/b"))          -- into another directory: refer
      write_file(rw .. "/gone", "x"); assert(os.remove(rw .. "/gone"))
      T.fails(E.EACCES, "rw does not reach a sibling tree", ns.open(d .. "/rw2/x", ns.O_WRONLY | ns.O_CREAT))
      return 0
    end)
    T.eq(T.read(d .. "/rw/sub/b"), "final", "the child's file, renamed")
    T.eq(exists(d .. "/rw/gone"), false, "removed")
  end)
end)

T.test("a program under an exec tree runs", function()
  need_landlock()
  with_scratch(function(d)
    need_busybox(d)
    local _, how, code = T.run_child(0, function()
      assert(ns.landlock { exec = { d .. "/bin" } })
      local _, msg = ns.execve(d .. "/bin/busybox", { "busybox", "sh", "-c", "exit 7" })
      io.stderr:write("execve failed: ", tostring(msg), "\n")
      return 1
    end)
    T.eq(how, "exit", "how"); T.eq(code, 7, "busybox sh ran and exited 7")
  end)
end)

T.test("a program outside every exec tree does not run (EACCES), even where it is readable", function()
  need_landlock()
  with_scratch(function(d)
    need_busybox(d)
    in_child(function()
      assert(ns.landlock { exec = { d .. "/bin" }, ro = { d .. "/robin" }, rw = { d .. "/out" } })
      T.eq(#T.read(d .. "/robin/busybox") > 0, true, "the ro copy is readable")
      -- a successful exec would end the child with status 9
      local exit9 = { "busybox", "sh", "-c", "exit 9" }
      T.fails(E.EACCES, "exec from ro", ns.execve(d .. "/robin/busybox", exit9))
      T.fails(E.EACCES, "exec from rw", ns.execve(d .. "/out/busybox", exit9))
      T.fails(E.EACCES, "exec /bin/sh", ns.execve("/bin/sh", { "sh", "-c", "exit 9" }))
      return 0
    end)
  end)
end)

T.test("a dynamically linked program runs with /usr (and /lib, /lib64) as exec trees", function()
  need_landlock()
  local _, how, code = T.run_child(0, function()
    local trees = {}
    for _, p in ipairs { "/usr", "/lib", "/lib64" } do if exists(p) then trees[#trees + 1] = p end end
    assert(ns.landlock { exec = trees })
    local _, msg = ns.execve("/bin/sh", { "sh", "-c", "exit 7" })
    io.stderr:write("execve failed: ", tostring(msg), "\n")
    return 1
  end)
  T.eq(how, "exit", "how"); T.eq(code, 7, "/bin/sh ran and exited 7")
end)

T.test("the restriction is inherited across exec by the sandboxed program", function()
  need_landlock()
  with_scratch(function(d)
    local _, _, code = T.run_child(0, function()
      assert(ns.landlock { ro = { "/" }, rw = { "/dev/null" }, exec = { "/usr", "/lib" } })
      ns.execve("/bin/sh", { "sh", "-c", "(echo x > " .. d .. "/out/by-sh) 2>/dev/null; exit 3" })
      return 1
    end)
    T.eq(code, 3, "sh ran")
    T.eq(exists(d .. "/out/by-sh"), false, "sh could not write outside an rw tree")
  end)
end)

T.test("landlock{} sets no_new_privs, closes its fds, and a second call narrows further", function()
  need_landlock()
  with_scratch(function(d)
    in_child(function()
      T.eq(no_new_privs(), "0", "NoNewPrivs before")
      local fds = open_fds()
      T.eq(select("#", ns.landlock { ro = { "/" }, rw = { d .. "/rw", d .. "/rw2" } }), 1, "one result")
      T.eq(open_fds(), fds, "ruleset and path fds closed")
      T.eq(no_new_privs(), "1", "NoNewPrivs after")
      write_file(d .. "/rw/1", "x"); write_file(d .. "/rw2/1", "x")
      assert(ns.landlock { ro = { "/" }, rw = { d .. "/rw2" } })   -- a second layer
      T.fails(E.EACCES, "rw is no longer writable", ns.open(d .. "/rw/2", ns.O_WRONLY | ns.O_CREAT))
      write_file(d .. "/rw2/2", "x")
      assert(ns.landlock { ro = { "/" }, rw = { d .. "/rw" } })   -- a third layer cannot widen
      T.fails(E.EACCES, "still not writable", ns.open(d .. "/rw/3", ns.O_WRONLY | ns.O_CREAT))
      return 0
    end)
  end)
end)

T.test("a path that does not exist is nil, message, ENOENT, and nothing is restricted", function()
  need_landlock()
  with_scratch(function(d)
    in_child(function()
      local fds = open_fds()
      local msg = T.fails(E.ENOENT, "landlock", ns.landlock { ro = { "/" }, rw = { d .. "/rw", "/nonexistent/nsrun-landlock" } })
      T.eq(msg, "landlock /nonexistent/nsrun-landlock: No such file or directory", "message")
      T.fails(E.ENOENT, "best_effort too", ns.landlock { exec = { "/nonexistent/x" }, best_effort = true })
      T.eq(open_fds(), fds, "the fds opened so far were closed")
      T.eq(no_new_privs(), "0", "no_new_privs not set")
      write_file(d .. "/out/after", "still free")               -- outside the would-be trees
      T.eq(T.read("/etc/hostname") ~= nil, true, "still reads /etc")
      return 0
    end)
    T.eq(T.read(d .. "/out/after"), "still free")
  end)
end)

T.test("misuse raises before anything is applied", function()
  with_scratch(function(d)
    in_child(function()
      local fds = open_fds()
      T.raises("bad argument #1 to 'landlock' (table expected, got no value)", ns.landlock)
      T.raises("bad argument #1 to 'landlock' (table expected, got string)", ns.landlock, "/")
      T.raises("(unknown option 'write' (expected best_effort, exec, ro, rw))", ns.landlock, { write = { "/" } })
      T.raises("(option names must be strings, got number)", ns.landlock, { "/" })
      T.raises("('ro': list of paths expected, got string)", ns.landlock, { ro = "/" })
      T.raises("('rw': list of paths expected, got a string key)", ns.landlock, { rw = { "/tmp", etc = "/etc" } })
      T.raises("('exec[2]': string expected, got number)", ns.landlock, { exec = { "/usr", 1 } })
      T.raises("('ro[1]': string contains a NUL byte)", ns.landlock, { ro = { "/tmp\0/x" } })
      T.raises("('ro[1]': empty path)", ns.landlock, { ro = { "" } })
      T.raises("('best_effort': boolean expected, got number)", ns.landlock, { ro = { "/" }, best_effort = 1 })
      T.raises("('best_effort': boolean expected, got string)", ns.landlock, { best_effort = "yes" })
      T.eq(open_fds(), fds, "no fd opened")
      T.eq(no_new_privs(), "0", "no_new_privs not set")
      write_file(d .. "/out/after", "free")
      return 0
    end)
    T.eq(T.read(d .. "/out/after"), "free", "nothing restricted")
  end)
end)

T.test("best_effort on a kernel that can restrict every right returns just true, and restricts", function()
  need_landlock()
  with_scratch(function(d)
    in_child(function()
      local r = table.pack(ns.landlock { ro = { d .. "/ro" }, best_effort = true })
      if ABI >= 5 then
        T.eq(r.n, 1, "results"); T.eq(r[1], true, "result")
      else
        T.eq(r[1], true, "result")
        assert(tostring(r[2]):find("^landlock ABI " .. ABI .. " cannot restrict "), tostring(r[2]))
      end
      T.fails(E.EACCES, "restricted", ns.open(d .. "/out/secret", ns.O_RDONLY))
      return 0
    end)
  end)
end)

-- Runs `chunk` in a fresh nsrun under strace with `inject`; returns its
-- output (stdout and stderr) and whether it exited 0.
local function nsrun_injected(inject, chunk)
  if not os.execute("command -v strace >/dev/null 2>&1") then T.skip("strace is not installed") end
  local script = os.tmpname()
  write_file(script, chunk)
  local p = io.popen(("strace -qq -o /dev/null -e inject=%s %s %s 2>&1"):format(inject, NSRUN, script))
  local out = p:read("a")
  local ok = p:close()
  os.remove(script)
  return out, ok
end

T.test("without Landlock (ENOSYS injected): landlock_abi() and landlock{} fail, best_effort restricts nothing and says so", function()
  with_scratch(function(d)
    local out, ok = nsrun_injected("landlock_create_ruleset:error=ENOSYS", ([[
      print(ns.landlock_abi())
      print(ns.landlock { ro = { "/" } })
      print(ns.landlock { ro = { "/nonexistent/nsrun" }, best_effort = true })
      print(ns.landlock { ro = { "/" }, best_effort = true })
      print(io.open("/proc/self/status"):read("a"):match("NoNewPrivs:%%s*(%%d)"))
      local f = assert(io.open("%s/out/after", "w")); f:write("free"); f:close()
    ]]):format(d))
    T.eq(ok, true, out)
    T.eq(out, table.concat({
      "nil\tlandlock_abi: Landlock is not supported by this kernel (not built in): Function not implemented\t" .. E.ENOSYS,
      "nil\tlandlock: Landlock is not supported by this kernel (not built in): Function not implemented\t" .. E.ENOSYS,
      "nil\tlandlock /nonexistent/nsrun: No such file or directory\t" .. E.ENOENT,
      "true\tlandlock unavailable: nothing restricted (Function not implemented)",
      "0", "" }, "\n"))
    T.eq(T.read(d .. "/out/after"), "free", "nothing restricted")
  end)
end)

T.test("Landlock disabled at boot (EOPNOTSUPP injected) is reported as such", function()
  local out, ok = nsrun_injected("landlock_create_ruleset:error=EOPNOTSUPP", [[
    print(ns.landlock_abi())
    print(ns.landlock { best_effort = true })
  ]])
  T.eq(ok, true, out)
  T.eq(out, "nil\tlandlock_abi: Landlock is not supported by this kernel (not enabled at boot, see the lsm= parameter): Operation not supported\t"
    .. E.EOPNOTSUPP .. "\ntrue\tlandlock unavailable: nothing restricted (Operation not supported)\n")
end)

T.test("on ABI 2 (injected) a strict landlock{} fails with EOPNOTSUPP naming truncate and ioctl_dev", function()
  need_landlock()
  local out, ok = nsrun_injected("landlock_create_ruleset:retval=2:when=1", [[
    print(ns.landlock { ro = { "/" } })
    print(io.open("/proc/self/status"):read("a"):match("NoNewPrivs:%s*(%d)"))
  ]])
  T.eq(ok, true, out)
  T.eq(out, "nil\tlandlock: ABI 2 cannot restrict truncate, ioctl_dev (best_effort = true applies the rest): Operation not supported\t"
    .. E.EOPNOTSUPP .. "\n0\n")
end)

T.test("on ABI 2 (injected) best_effort applies the rest and names what it could not restrict", function()
  need_landlock()
  with_scratch(function(d)
    local out, ok = nsrun_injected("landlock_create_ruleset:retval=2:when=1", ([[
      print(ns.landlock { ro = { "/" }, rw = { "%s/rw" }, best_effort = true })
      print(ns.open("%s/out/x", ns.O_WRONLY | ns.O_CREAT))
      local f = assert(io.open("%s/rw/x", "w")); f:write("rw"); f:close()
    ]]):format(d, d, d))
    T.eq(ok, true, out)
    T.eq(out, "true\tlandlock ABI 2 cannot restrict truncate, ioctl_dev\n"
      .. "nil\topen " .. d .. "/out/x: Permission denied\t" .. E.EACCES .. "\n")
    T.eq(T.read(d .. "/rw/x"), "rw")
  end)
end)

os.exit(T.done())
