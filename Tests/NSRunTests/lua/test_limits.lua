-- ns.setrlimit, ns.getrlimit. Limits are set in clone children only.
local T = require "testing"
local E = ns.errno

-- soft, hard of a "Max ..." line of /proc/self/limits, as getrlimit gives them.
local function proc_limit(label)
  local soft, hard = T.read("/proc/self/limits"):match(label .. "%s+(%S+)%s+(%S+)")
  return math.tointeger(tonumber(soft)) or soft, math.tointeger(tonumber(hard)) or hard
end

-- Opens /dev/null until it fails: the highest fd obtained, and the failure.
local function open_until_failure()
  local highest, fds = -1, {}
  while true do
    local fd, msg, code = ns.open("/dev/null", ns.O_RDONLY)
    if not fd then
      for _, f in ipairs(fds) do ns.close(f) end
      return highest, msg, code
    end
    fds[#fds + 1] = fd
    if fd > highest then highest = fd end
  end
end

T.test("getrlimit gives soft, hard as integers, \"unlimited\" for RLIM_INFINITY", function()
  local soft, hard = ns.getrlimit("nofile")
  T.eq(math.type(soft), "integer"); T.eq(math.type(hard), "integer")
  local ps, ph = proc_limit("Max open files")
  T.eq(soft, ps, "nofile soft"); T.eq(hard, ph, "nofile hard")
  local cs, ch = ns.getrlimit("core")
  T.eq(cs, (proc_limit("Max core file size")), "core soft")
  T.eq(ch, select(2, proc_limit("Max core file size")), "core hard")
  T.eq(select(2, ns.getrlimit("rttime")), "unlimited", "this host: rttime has no hard limit")
  T.eq(ns.getrlimit("RLIMIT_NOFILE"), soft, "RLIMIT_ prefix and any case")
end)

T.test("setrlimit(name, n) sets soft and hard to n, as prlimit --nofile=n does", function()
  T.eq(T.run_child(0, function()
    T.eq(ns.setrlimit("nofile", 64), true)
    local soft, hard = ns.getrlimit("nofile")
    T.eq(soft, 64); T.eq(hard, 64)
    T.eq(select(2, proc_limit("Max open files")), 64, "/proc/self/limits hard")
    return 0
  end), true)
  T.eq(select(2, ns.getrlimit("nofile")), select(2, proc_limit("Max open files")), "runner untouched")
end)

T.test("setrlimit(name, soft, hard) and \"unlimited\"", function()
  T.eq(T.run_child(0, function()
    assert(ns.setrlimit("nofile", 32, 100))
    T.eq(table.concat({ ns.getrlimit("nofile") }, ":"), "32:100")
    assert(ns.setrlimit("nofile", 100, 100)) -- up to the hard limit: no privilege needed
    T.eq(ns.getrlimit("nofile"), 100)
    local _, core_hard = ns.getrlimit("core")
    if core_hard == "unlimited" then
      assert(ns.setrlimit("core", "unlimited"))
      T.eq(table.concat({ ns.getrlimit("core") }, ":"), "unlimited:unlimited")
      T.eq((proc_limit("Max core file size")), "unlimited")
    end
    assert(ns.setrlimit("core", 0, 4096))
    T.eq(table.concat({ ns.getrlimit("core") }, ":"), "0:4096")
    return 0
  end), true)
end)

T.test("limits are inherited by exec'd programs", function()
  T.eq(T.run_child(0, function()
    assert(ns.setrlimit("nofile", 50))
    local p = assert(io.popen("ulimit -n; ulimit -Hn"))
    T.eq(p:read("a"), "50\n50\n")
    p:close()
    return 0
  end), true)
end)

T.test("a nofile limit of 16: the 17th fd fails with EMFILE", function()
  T.eq(T.run_child(0, function()
    assert(ns.setrlimit("nofile", 16))
    local highest, msg, code = open_until_failure()
    T.eq(highest, 15, "fds 0..15 only")
    T.eq(code, E.EMFILE, msg)
    return 0
  end), true)
  -- Control: the runner opens past 16.
  local fd = assert(ns.open("/dev/null", ns.O_RDONLY))
  local fds = { fd }
  while fd < 16 do fd = assert(ns.open("/dev/null", ns.O_RDONLY)); fds[#fds + 1] = fd end
  for _, f in ipairs(fds) do ns.close(f) end
end)

T.test("an nproc limit stops forks of a non-root uid at the limit (EAGAIN)", function()
  -- RLIMIT_NPROC counts every process of the real uid on the host (root is
  -- exempt): a uid nothing else runs as (one per run, so that leftovers of
  -- an interrupted run don't count), 4 processes, so itself + 3 children.
  local U, LIMIT = 60000 + getpid() % 5000, 4
  while os.execute("ps -u " .. U .. " > /dev/null") do U = U + 1 end -- ps fails when none
  T.eq(T.run_child(0, function()
    local r, w = ns.pipe()
    assert(ns.setgroups({}))
    assert(ns.setresgid(U, U, U))
    assert(ns.setresuid(U, U, U))
    assert(ns.setrlimit("nproc", LIMIT))
    local kids, msg, code = {}
    for _ = 1, 10 do
      local pid, pidfd, errno = clone(0, function() ns.close(w); ns.read(r, 1); return 0 end)
      if not pid then msg, code = pidfd, errno; break end
      kids[#kids + 1] = pidfd
    end
    ns.close(w); ns.close(r) -- the children read EOF and end
    for _, pidfd in ipairs(kids) do T.eq(ns.wait(pidfd), true) end
    T.eq(#kids, LIMIT - 1, "children before the limit")
    T.eq(code, E.EAGAIN, msg)
    return 0
  end), true)
end)

T.test("raising a hard limit without CAP_SYS_RESOURCE: nil, message, EPERM", function()
  T.eq(T.run_child(0, function()
    assert(ns.setrlimit("nofile", 16))
    assert(ns.drop_capabilities({}))
    local msg = T.fails(E.EPERM, "raise hard", ns.setrlimit("nofile", 16, 32))
    T.eq(msg, "setrlimit nofile 16:32: Operation not permitted")
    T.fails(E.EPERM, "unlimited", ns.setrlimit("nofile", "unlimited"))
    T.eq(table.concat({ ns.getrlimit("nofile") }, ":"), "16:16", "unchanged")
    return 0
  end), true)
end)

T.test("setrlimit and getrlimit misuse raises, and nothing changes", function()
  local soft, hard = ns.getrlimit("nofile")
  T.raises("bad argument #1 to 'setrlimit' (unknown resource 'nofiles' (expected as, core, cpu, data, fsize, locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, sigpending, stack))",
    ns.setrlimit, "nofiles", 1)
  T.raises("bad argument #1 to 'getrlimit' (unknown resource 'ofile'", ns.getrlimit, "ofile")
  T.raises("bad argument #1 to 'getrlimit' (string expected, got number)", ns.getrlimit, 7)
  T.raises("bad argument #2 to 'setrlimit' (soft limit 17 is above the hard limit 16)", ns.setrlimit, "nofile", 17, 16)
  T.raises("bad argument #2 to 'setrlimit' (soft limit unlimited is above the hard limit 16)", ns.setrlimit, "nofile", "unlimited", 16)
  T.raises("bad argument #2 to 'setrlimit' (limit -1 is negative)", ns.setrlimit, "nofile", -1)
  T.raises("bad argument #3 to 'setrlimit' (limit -5 is negative)", ns.setrlimit, "nofile", 1, -5)
  T.raises("bad argument #2 to 'setrlimit' (limit must be an integer or \"unlimited\", got \"16\")", ns.setrlimit, "nofile", "16")
  T.raises("limit must be an integer or \"unlimited\", got \"infinity\"", ns.setrlimit, "nofile", "infinity")
  T.raises("bad argument #2 to 'setrlimit' (number has no integer representation)", ns.setrlimit, "nofile", 1.5)
  T.raises("bad argument #2 to 'setrlimit' (limit (integer or \"unlimited\") expected, got no value)", ns.setrlimit, "nofile")
  T.raises("bad argument #3 to 'setrlimit' (limit (integer or \"unlimited\") expected, got boolean)", ns.setrlimit, "nofile", 1, true)
  T.eq(table.concat({ ns.getrlimit("nofile") }, ":"), soft .. ":" .. hard, "nothing changed")
end)

os.exit(T.done())
