-- The shape of the API: names, globals, constants, require.
local T = require "testing"

T.test("require 'nsrun' returns the ns table", function()
  T.eq(require "nsrun", ns)
end)

T.test("the mission's functions are globals and ns members", function()
  for _, name in ipairs({ "clone", "raw_clone", "pidfd_signal", "getpid", "gettid" }) do
    T.eq(type(_G[name]), "function", name); T.eq(ns[name], _G[name], "ns." .. name)
  end
  for _, name in ipairs({ "wait", "pidfd_open", "execve", "execveat", "exec", "_exit" }) do
    T.eq(type(ns[name]), "function", "ns." .. name)
  end
end)

T.test("every CLONE_* constant has the seed's value, as ns.X and as a global", function()
  local seed = {
    CSIGNAL = 0xff, CLONE_VM = 0x100, CLONE_FS = 0x200, CLONE_FILES = 0x400, CLONE_SIGHAND = 0x800,
    CLONE_PIDFD = 0x1000, CLONE_PTRACE = 0x2000, CLONE_VFORK = 0x4000, CLONE_PARENT = 0x8000,
    CLONE_THREAD = 0x10000, CLONE_NEWNS = 0x20000, CLONE_SYSVSEM = 0x40000, CLONE_SETTLS = 0x80000,
    CLONE_PARENT_SETTID = 0x100000, CLONE_CHILD_CLEARTID = 0x200000, CLONE_DETACHED = 0x400000,
    CLONE_UNTRACED = 0x800000, CLONE_CHILD_SETTID = 0x1000000, CLONE_NEWCGROUP = 0x2000000,
    CLONE_NEWUTS = 0x4000000, CLONE_NEWIPC = 0x8000000, CLONE_NEWUSER = 0x10000000,
    CLONE_NEWPID = 0x20000000, CLONE_NEWNET = 0x40000000, CLONE_IO = 0x80000000,
    CLONE_CLEAR_SIGHAND = 0x100000000, CLONE_INTO_CGROUP = 0x200000000, CLONE_NEWTIME = 0x80,
    CLONE_ARGS_SIZE_VER0 = 64, CLONE_ARGS_SIZE_VER1 = 80, CLONE_ARGS_SIZE_VER2 = 88,
  }
  for name, value in pairs(seed) do
    T.eq(ns[name], value, "ns." .. name); T.eq(_G[name], value, name)
    T.eq(math.type(ns[name]), "integer", name)
  end
  T.eq(ns.P_PIDFD, 3)
end)

T.test("ns.errno and ns.signals", function()
  T.eq(ns.errno.EPERM, 1); T.eq(ns.errno.ENOENT, 2); T.eq(ns.errno.ESRCH, 3)
  T.eq(ns.errno.ECHILD, 10); T.eq(ns.errno.EINVAL, 22); T.eq(ns.errno.ENOSYS, 38)
  T.eq(ns.signals.SIGTERM, 15); T.eq(ns.signals.SIGKILL, 9)
end)

T.test("ns.version names nsrun and Lua", function()
  assert(ns.version:match("^nsrun %d+%.%d+%.%d+ %(Lua 5%.4"), ns.version)
end)

T.test("arg and ... are set as lua(1) sets them", function()
  T.eq(type(arg), "table"); assert(arg[0]:match("test_api%.lua$"), arg[0])
end)

T.test("every name pairs(ns) makes, a first read makes the same (the resolver's index)", function()
  -- One fresh process lists every name with pairs (the modules' arrays);
  -- another reads each of them first (the index). Same values and types.
  local exe = assert(T.shell_out("readlink /proc/" .. getpid() .. "/exe"):match("^(%S+)"))
  local function describe(v)
    if type(v) == "number" then return tostring(v) end
    if type(v) == "table" then
      local n = 0
      for _ in pairs(v) do n = n + 1 end
      return "table:" .. n
    end
    return type(v)
  end
  local listed = {}
  for name, v in pairs(ns) do
    if name ~= "sandbox" and name ~= "version" then listed[#listed + 1] = name .. "=" .. describe(v) end
  end
  table.sort(listed)
  T.eq(#listed > 150, true, "pairs(ns) made " .. #listed .. " names")
  local names = {}
  for i, entry in ipairs(listed) do names[i] = entry:match("^([^=]+)") end
  local chunk = "local out = {} local function describe(v) if type(v) == 'number' then return tostring(v) end "
    .. "if type(v) == 'table' then local n = 0 for _ in pairs(v) do n = n + 1 end return 'table:' .. n end "
    .. "return type(v) end for name in ('" .. table.concat(names, " ")
    .. "'):gmatch('%S+') do out[#out + 1] = name .. '=' .. describe(ns[name]) end io.write(table.concat(out, '\\n'))"
  local out, ok = T.shell_out("'" .. exe .. "' -e \"" .. chunk .. "\" 2>&1")
  T.eq(ok, true, out)
  T.eq(out, table.concat(listed, "\n"))
end)

T.test("the collector waits for its allowance after start-up, then runs as usual", function()
  -- A fresh process: 16 MiB of garbage tables must not all stay alive.
  local exe = assert(T.shell_out("readlink /proc/" .. getpid() .. "/exe"):match("^(%S+)"))
  local chunk = "assert(collectgarbage('isrunning')) "
    .. "for i = 1, 100000 do local t = { i, i, i, i, i, i, i, i, i, i } end "
    .. "io.write(math.floor(collectgarbage('count')))"
  local out, ok = T.shell_out("'" .. exe .. "' -e \"" .. chunk .. "\" 2>&1")
  T.eq(ok, true, out)
  local kib = tonumber(out)
  assert(kib and kib < 4096, "after 16 MiB of garbage the heap holds " .. tostring(out) .. " KiB")
end)

T.test("seven standard libraries open on their first read, whole, as the same tables", function()
  -- A fresh nsrun, where nothing has read them yet.
  local exe = assert(T.shell_out("readlink /proc/" .. getpid() .. "/exe"):match("^(%S+)"))
  local chunk = [[
    local lazy = { "coroutine", "table", "io", "os", "math", "utf8", "debug" }
    for _, n in ipairs(lazy) do
      local t = _G[n]
      assert(type(t) == "table" and package.loaded[n] == t, n)
      assert(getmetatable(t) ~= nil and rawget(t, "x") == nil, n .. " is open already")
    end
    assert(getmetatable(string) == nil and string.rep("ab", 2) == "abab" and ("x"):upper() == "X")
    math.floor = "mine"
    assert(math.pi > 3.14 and math.floor == "mine" and getmetatable(math) == nil, "math")
    local n = 0
    for _ in pairs(os) do n = n + 1 end
    assert(n >= 11 and getmetatable(os) == nil and rawget(os, "getenv") == os.getenv, "os by pairs")
    assert(require "utf8" == utf8 and utf8.char(72, 105) == "Hi", "utf8 by require")
    assert(table.concat({ 1, 2 }, ",") == "1,2" and coroutine.wrap(function() return 5 end)() == 5)
    assert(debug.traceback("m"):match("^m\nstack traceback:"), "debug")
    local ok, err = pcall(math.abs, "x")
    assert(not ok and err:match("bad argument #1 to '[%w.]*abs'"), err)
    io.write("ok")
  ]]
  -- (test_exec.lua checks that io's handles are close-on-exec.)
  local out, ok = T.shell_out("'" .. exe .. "' -e '" .. chunk:gsub("'", "'\\''") .. "' 2>&1")
  T.eq(out, "ok"); T.eq(ok, true)
end)

T.test("the embedded bytecode of nsrun.sandbox is scripts/build-library's output for the source", function()
  -- library.c loads sandbox.luac and parses sandbox.lua only when the
  -- bytecode is refused; a stale .luac would run old code.
  local dir = (arg[0]:match("^(.*)/[^/]*$") or ".") .. "/../../../Sources/CNSRunLua/lua/"
  local source = T.read(dir .. "sandbox.lua")
  local committed = T.read(dir .. "sandbox.luac")
  local strip = dofile(dir .. "../../../scripts/strip-local-names.lua")
  local fresh = strip(string.dump(assert(load(source, "=nsrun.sandbox", "t"))))
  T.eq(#committed, #fresh, "size of sandbox.luac: run scripts/build-library")
  T.eq(committed == fresh, true, "sandbox.luac is current: run scripts/build-library")
  -- And the loaded module is that chunk: its functions carry its chunk name.
  local sandbox = require "nsrun.sandbox"
  T.eq(debug.getinfo(sandbox.run, "S").source, "=nsrun.sandbox")
  -- Line information is kept (messages keep their positions); local names are not.
  assert(debug.getinfo(sandbox.run, "S").linedefined > 0)
  local ok, msg = pcall(sandbox.plan, nil)
  assert(not ok and msg:find("^nsrun%.sandbox:%d+: attempt to index a nil value"), msg)
  T.eq(debug.getlocal(sandbox.run, 1), nil, "no local names")
end)

T.test("strip-local-names: a chunk runs as before, keeps its positions, loses only names", function()
  local dir = (arg[0]:match("^(.*)/[^/]*$") or ".") .. "/../../../scripts/"
  local strip = dofile(dir .. "strip-local-names.lua")
  local chunk = assert(load("local x <const> = 6\nlocal function f(a, b) local s = a * b + x; if s > 100 then error('big', 1) end; return s end\n" ..
    "local t = {1.5, 'k', true, nil, 2^60, ('z'):rep(300)}\nreturn f, t", "=demo"))
  local f, t = assert(load(strip(string.dump(chunk)), "=x", "b"))()
  T.eq(f(3, 4), 18); T.eq(t[1], 1.5); T.eq(t[2], "k"); T.eq(t[5], 2^60); T.eq(#t[6], 300)
  local ok, msg = pcall(f, 10, 10)
  T.eq(ok, false); T.eq(msg, "demo:2: big")
  T.eq(debug.getlocal(f, 1), nil); T.eq(debug.getinfo(f, "S").source, "=demo")
  T.raises("truncated chunk", strip, string.dump(chunk):sub(1, 40))
  T.raises("trailing bytes", strip, string.dump(chunk) .. "x")
end)

os.exit(T.done())
