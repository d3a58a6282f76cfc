-- ns.capabilities, ns.drop_capabilities, ns.set_keepcaps, ns.no_new_privs.
-- Everything that changes the process runs in a clone child: the runner
-- keeps its capabilities.
local T = require "testing"
local E = ns.errno

-- The five Cap lines of /proc/PID/status as integers, by set name.
local function cap_lines(pid)
  local text = T.read("/proc/" .. (pid or "self") .. "/status")
  local function hex(key) return tonumber(text:match(key .. ":%s*(%x+)"), 16) end
  return { bounding = hex("CapBnd"), effective = hex("CapEff"), permitted = hex("CapPrm"),
           inheritable = hex("CapInh"), ambient = hex("CapAmb") }
end

-- The Cap lines of a program exec'd from here (`grep`, through /bin/sh),
-- so that what survives an execve is seen.
local function cap_lines_after_exec()
  local p = assert(io.popen("grep Cap /proc/self/status"))
  local text = p:read("a"); p:close()
  local function hex(key) return tonumber(text:match(key .. ":%s*(%x+)"), 16) end
  return { bounding = hex("CapBnd"), effective = hex("CapEff"), permitted = hex("CapPrm"),
           inheritable = hex("CapInh"), ambient = hex("CapAmb") }
end

local function popcount(n)
  local c = 0
  while n ~= 0 do c = c + (n & 1); n = n >> 1 end
  return c
end

local function joined(list) return table.concat(list, " ") end

local SETS = { "ambient", "bounding", "effective", "inheritable", "permitted" }

local function same_sets(a, b, what)
  for _, k in ipairs(SETS) do T.eq(joined(a[k]), joined(b[k]), (what or "") .. " " .. k) end
end

local NET_BIND_SERVICE, KILL = 1 << 10, 1 << 5

-- capabilities ------------------------------------------------------------------

T.test("capabilities() lists the caller's five sets as /proc/self/status has them", function()
  local caps, lines = ns.capabilities(), cap_lines()
  for _, k in ipairs(SETS) do
    T.eq(type(caps[k]), "table", k)
    T.eq(#caps[k], popcount(lines[k]), k .. ": one name per bit")
    local sorted = { table.unpack(caps[k]) }
    table.sort(sorted)
    T.eq(joined(caps[k]), joined(sorted), k .. " sorted by name")
  end
  for _, name in ipairs(caps.bounding) do
    assert(not name:match("^cap_%d"), "nsrun has a name for every capability of this kernel, not for " .. name)
  end
end)

T.test("nsrun's names cover this kernel's last capability", function()
  local last = tonumber(T.read("/proc/sys/kernel/cap_last_cap"))
  assert(last <= 40, "kernel has capabilities beyond checkpoint_restore (" .. last .. "): extend the table")
  -- The runner's bounding set is what this kernel has, minus what the host took away.
  T.eq(cap_lines().bounding >> (last + 1), 0)
end)

T.test("names map to the kernel's bit numbers: keeping kill and net_bind_service", function()
  T.eq(T.run_child(0, function()
    assert(ns.drop_capabilities({ "net_bind_service", "kill" }))
    local lines = cap_lines()
    T.eq(lines.bounding, NET_BIND_SERVICE | KILL, "CapBnd")
    local caps = ns.capabilities()
    T.eq(joined(caps.bounding), "kill net_bind_service")
    T.eq(joined(caps.effective), "kill net_bind_service")
    T.eq(joined(caps.permitted), "kill net_bind_service")
    T.eq(joined(caps.inheritable), ""); T.eq(joined(caps.ambient), "")
    return 0
  end), true)
end)

T.test("capabilities(pid) reads another process through /proc and agrees with the syscalls", function()
  same_sets(ns.capabilities(getpid()), ns.capabilities(), "runner")
  local r, w = ns.pipe()
  local back_r, back_w = ns.pipe()
  local pid, pidfd = assert(clone(0, function()
    ns.close(w); ns.close(back_r)
    assert(ns.drop_capabilities({ "net_raw" }))
    ns.write(back_w, "dropped"); ns.close(back_w)
    ns.read(r, 1)
    return 0
  end))
  ns.close(r); ns.close(back_w)
  T.eq(ns.read(back_r, 10), "dropped")
  local caps = assert(ns.capabilities(pid))
  T.eq(joined(caps.bounding), "net_raw")
  T.eq(joined(caps.permitted), "net_raw")
  T.eq(joined(caps.inheritable), "")
  ns.close(w); ns.close(back_r)
  T.eq(ns.wait(pidfd), true)
end)

T.test("capabilities(pid) of no process: nil, message, ENOENT", function()
  local msg = T.fails(E.ENOENT, "capabilities", ns.capabilities(0x3ffffff0))
  T.eq(msg, "capabilities /proc/1073741808/status: No such file or directory")
end)

T.test("capabilities misuse raises", function()
  T.raises("bad argument #1 to 'capabilities' (number expected, got string)", ns.capabilities, "1")
  T.raises("bad argument #1 to 'capabilities' (pid out of range 1..2147483647)", ns.capabilities, 0)
  T.raises("pid out of range", ns.capabilities, -1)
  T.raises("number has no integer representation", ns.capabilities, 1.5)
end)

-- drop_capabilities -------------------------------------------------------------

T.test("drop_capabilities({}) empties all five sets, for the process and what it execs", function()
  T.eq(T.run_child(0, function()
    T.eq(ns.drop_capabilities({}), true)
    for k, v in pairs(cap_lines()) do T.eq(v, 0, k) end
    for k, v in pairs(ns.capabilities()) do T.eq(#v, 0, k) end
    -- Still uid 0: an exec would refill permitted from bounding, which is empty.
    T.eq(ns.getuid(), 0)
    for k, v in pairs(cap_lines_after_exec()) do T.eq(v, 0, "after exec: " .. k) end
    return 0
  end), true)
end)

T.test("keeping net_bind_service leaves exactly it, also after exec", function()
  T.eq(T.run_child(0, function()
    assert(ns.drop_capabilities({ "net_bind_service" }))
    local lines = cap_lines()
    T.eq(lines.bounding, NET_BIND_SERVICE); T.eq(lines.effective, NET_BIND_SERVICE)
    T.eq(lines.permitted, NET_BIND_SERVICE)
    T.eq(lines.inheritable, 0); T.eq(lines.ambient, 0)
    local after = cap_lines_after_exec()
    T.eq(after.permitted, NET_BIND_SERVICE, "exec'd root program: permitted")
    T.eq(after.bounding, NET_BIND_SERVICE, "exec'd root program: bounding")
    return 0
  end), true)
end)

T.test("a second drop keeping a capability already gone from the bounding set does not bring it back", function()
  -- With CAP_SETPCAP effective the drop reads the bounding set only when
  -- the lowest capability to drop is gone from it (here, after the first
  -- drop: chown), so that only those still there are dropped; a
  -- capability gone already stays gone either way.
  local SETPCAP = 1 << 8
  T.eq(T.run_child(0, function()
    assert(ns.drop_capabilities({ "setpcap", "kill" }))
    T.eq(cap_lines().bounding, SETPCAP | KILL)
    assert(ns.drop_capabilities({ "setpcap", "net_bind_service" }))
    local lines = cap_lines()
    T.eq(lines.bounding, SETPCAP, "net_bind_service stays gone, kill is dropped")
    T.eq(lines.permitted, SETPCAP); T.eq(lines.effective, SETPCAP)
    return 0
  end), true)
end)

T.test("a drop after a bounding set reduced elsewhere (clone's bounding_set): the lowest still there, or gone", function()
  -- Lowest to drop (chown) still there: the set is taken as full and every
  -- capability not kept is dropped, kill (gone already) included.
  -- Lowest gone: the set is read. Either way exactly what is kept stays.
  for _, reduced in ipairs({ { "chown", "setpcap", "net_bind_service" }, { "setpcap", "kill", "net_bind_service" } }) do
    local _, pidfd = assert(clone({ flags = 0, bounding_set = reduced }, function()
      assert(ns.drop_capabilities({ "setpcap", "net_bind_service" }))
      local lines = cap_lines()
      if lines.bounding ~= (1 << 8 | NET_BIND_SERVICE) or lines.effective ~= lines.bounding then return 10 end
      return 0
    end))
    T.eq(select(3, ns.wait(pidfd)), 0, table.concat(reduced, ","))
  end
end)

T.test("after a reduced bounding set, a drop reads only the bounding bits of what it drops (counted with strace)", function()
  if not os.execute("command -v strace > /dev/null") then T.skip("strace is not installed") end
  -- Every capability the runner has but chown, kept; the bounding set was
  -- reduced to exactly those by clone, so the probe (chown, the lowest to
  -- drop) finds it gone. The drop then reads the bits of what it drops
  -- (chown, and any capability the host's set lacks), not all 41: between
  -- the two getppid markers, the probe, those bits and lastCapability's
  -- few reads. It read 44 before.
  local chunk = [[
    local names = {}
    for _, n in ipairs(ns.capabilities().bounding) do if n ~= "chown" then names[#names + 1] = n end end
    local _, pidfd = assert(clone({ flags = 0, bounding_set = names }, function()
      ns.getppid()
      assert(ns.drop_capabilities(names))
      ns.getppid()
      local st = io.open("/proc/self/status"):read("a")
      return st:match("CapBnd:%s*(%x+)") == st:match("CapEff:%s*(%x+)") and 0 or 10
    end))
    print((select(3, ns.wait(pidfd))))
  ]]
  local trace = os.tmpname()
  local p = assert(io.popen(("strace -f -o %s -e trace=prctl,getppid %s -e '%s'"):format(trace, arg[-1], chunk)))
  local out = p:read("a")
  T.eq(p:close(), true, out)
  T.eq(out, "0\n")
  local reads, marks = 0, 0
  for line in io.lines(trace) do
    if line:find("getppid", 1, true) then marks = marks + 1
    elseif marks == 1 and line:find("PR_CAPBSET_READ", 1, true) then reads = reads + 1 end
  end
  os.remove(trace)
  T.eq(marks, 2)
  local missing = 41 - #ns.capabilities().bounding -- capabilities the host's set lacks (dropped too)
  assert(reads >= 2 and reads <= 1 + missing + 1 + 4, ("%d PR_CAPBSET_READ calls"):format(reads))
end)

T.test("bounding = false leaves the bounding set and drops the other four sets as usual", function()
  local _, pidfd = assert(clone({ flags = 0, bounding_set = { "kill", "net_bind_service" } }, function()
    local before = cap_lines()
    assert(ns.drop_capabilities({ "net_bind_service" }, { bounding = false }))
    local after = cap_lines()
    if after.bounding ~= before.bounding or after.bounding ~= KILL | NET_BIND_SERVICE then return 10 end
    if after.effective ~= NET_BIND_SERVICE or after.permitted ~= NET_BIND_SERVICE then return 11 end
    if after.inheritable ~= 0 or after.ambient ~= 0 then return 12 end
    -- With an ambient capability asked, the bounding set is read to check it.
    assert(ns.drop_capabilities({ "net_bind_service" }, { bounding = false, ambient = true }))
    after = cap_lines()
    if after.bounding ~= KILL | NET_BIND_SERVICE or after.ambient ~= NET_BIND_SERVICE then return 13 end
    return 0
  end))
  T.eq(select(3, ns.wait(pidfd)), 0)
  T.raises("'bounding': boolean expected, got string", ns.drop_capabilities, {}, { bounding = "no" })
  T.raises("unknown option", ns.drop_capabilities, {}, { bound = false })
end)

T.test("names are case-insensitive and may carry CAP_", function()
  T.eq(T.run_child(0, function()
    assert(ns.drop_capabilities({ "CAP_NET_BIND_SERVICE", "Kill", "cap_kill" }))
    T.eq(cap_lines().bounding, NET_BIND_SERVICE | KILL)
    return 0
  end), true)
end)

T.test("without CAP_SYS_PTRACE, the parent's /proc/PID/environ is refused (EACCES); keeping it, readable", function()
  local parent = getpid()
  local function read_environ()
    local f, msg, code = io.open("/proc/" .. parent .. "/environ")
    if f then f:close(); return true end
    return nil, msg, code
  end
  T.eq(T.run_child(0, function()
    assert(read_environ(), "readable before the drop")
    assert(ns.drop_capabilities({}))
    T.fails(E.EACCES, "environ after the drop", read_environ())
    return 0
  end), true)
  T.eq(T.run_child(0, function()
    assert(ns.drop_capabilities({ "sys_ptrace" }))
    assert(read_environ())
    return 0
  end), true)
end)

T.test("a drop empties inheritable and ambient, even of kept capabilities (CVE-2022-29162)", function()
  T.eq(T.run_child(0, function()
    assert(ns.drop_capabilities({ "net_bind_service", "kill" }, { ambient = true }))
    local lines = cap_lines()
    T.eq(lines.inheritable, NET_BIND_SERVICE | KILL, "inheritable with ambient = true")
    T.eq(lines.ambient, NET_BIND_SERVICE | KILL, "ambient with ambient = true")
    assert(ns.drop_capabilities({ "net_bind_service", "kill" }))
    lines = cap_lines()
    T.eq(lines.inheritable, 0); T.eq(lines.ambient, 0)
    T.eq(lines.permitted, NET_BIND_SERVICE | KILL, "kept")
    T.eq(lines.effective, NET_BIND_SERVICE | KILL, "kept")
    return 0
  end), true)
end)

T.test("ambient = {names} makes those (and only those) inheritable and ambient", function()
  T.eq(T.run_child(0, function()
    assert(ns.drop_capabilities({ "net_bind_service", "kill" }, { ambient = { "NET_BIND_SERVICE" } }))
    local caps = ns.capabilities()
    T.eq(joined(caps.ambient), "net_bind_service"); T.eq(joined(caps.inheritable), "net_bind_service")
    T.eq(joined(caps.permitted), "kill net_bind_service")
    return 0
  end), true)
end)

T.test("ambient capabilities reach a program exec'd by a non-root uid; without them it gets none", function()
  -- In a user namespace without a uid map, the process is not root there:
  -- an exec'd program's capabilities come from the ambient set only.
  local function exec_permitted(opts)
    local r, w = ns.pipe()
    local _, pidfd = assert(clone(CLONE_NEWUSER, function()
      ns.close(r)
      assert(ns.drop_capabilities({ "net_bind_service" }, opts))
      local after = cap_lines_after_exec()
      ns.write(w, ("%x %x %x"):format(after.permitted, after.effective, after.ambient))
      return 0
    end))
    ns.close(w)
    local seen = ns.read(r, 100)
    ns.close(r)
    T.eq(ns.wait(pidfd), true)
    return seen
  end
  T.eq(exec_permitted({ ambient = { "net_bind_service" } }), "400 400 400", "permitted effective ambient")
  T.eq(exec_permitted(nil), "0 0 0", "permitted effective ambient")
end)

T.test("set_keepcaps: a non-root uid keeps permitted across setresuid; drop then shapes the sets, ambient reaches its exec", function()
  T.eq(T.run_child(0, function()
    T.eq(ns.set_keepcaps(true), true)
    assert(ns.setgroups({})); assert(ns.setresgid(1000, 1000, 1000)); assert(ns.setresuid(1000, 1000, 1000))
    local lines = cap_lines()
    assert(lines.permitted ~= 0 and lines.effective == 0, "permitted kept, effective cleared by the uid change")
    assert(ns.drop_capabilities({ "net_bind_service" }, { ambient = true }))
    for k, v in pairs(cap_lines()) do T.eq(v, NET_BIND_SERVICE, k) end
    local after = cap_lines_after_exec() -- uid 1000: from the ambient set only
    T.eq(after.permitted, NET_BIND_SERVICE); T.eq(after.effective, NET_BIND_SERVICE)
    T.eq(after.ambient, NET_BIND_SERVICE); T.eq(after.bounding, NET_BIND_SERVICE)
    return 0
  end), true)
end)

T.test("set_keepcaps(false) (the default): the uid change empties permitted", function()
  T.eq(T.run_child(0, function()
    assert(ns.set_keepcaps(true)); T.eq(ns.set_keepcaps(false), true)
    assert(ns.setresuid(1000, 1000, 1000))
    T.eq(cap_lines().permitted, 0)
    return 0
  end), true)
end)

T.test("set_keepcaps refused by the kernel (EPERM by fault injection); misuse raises", function()
  T.raises("bad argument #1 to 'set_keepcaps' (boolean expected, got no value)", ns.set_keepcaps)
  T.raises("bad argument #1 to 'set_keepcaps' (boolean expected, got number)", ns.set_keepcaps, 1)
  if not os.execute("command -v strace > /dev/null") then T.skip("strace is not installed") end
  local p = assert(io.popen(("strace -f -o /dev/null -e trace=prctl -e inject=prctl:error=EPERM %s -e 'print(ns.set_keepcaps(true))'"):format(arg[-1])))
  local out = p:read("a")
  T.eq(p:close(), true, out)
  T.eq(out, "nil\tset_keepcaps on: Operation not permitted\t" .. E.EPERM .. "\n")
end)

T.test("drop_capabilities without CAP_SETPCAP: nil, message, EPERM, and nothing changed", function()
  T.eq(T.run_child(0, function()
    assert(ns.setresuid(1000, 1000, 1000)) -- no keepcaps: permitted and effective emptied; bounding full
    local before = cap_lines()
    assert(before.bounding ~= 0)
    local msg = T.fails(E.EPERM, "drop", ns.drop_capabilities({}))
    T.eq(msg, "drop_capabilities bounding set (needs setpcap): Operation not permitted")
    T.eq(cap_lines().bounding, before.bounding, "bounding unchanged")
    return 0
  end), true)
end)

T.test("an ambient capability the caller does not have: nil, message, EPERM, and nothing changed", function()
  T.eq(T.run_child(0, function()
    assert(ns.drop_capabilities({ "kill", "setpcap" }))
    local before = cap_lines()
    local msg = T.fails(E.EPERM, "ambient", ns.drop_capabilities({ "kill", "net_raw" }, { ambient = { "net_raw" } }))
    T.eq(msg, "drop_capabilities ambient net_raw (not permitted): Operation not permitted")
    local after = cap_lines()
    for k, v in pairs(before) do T.eq(after[k], v, k .. " unchanged") end
    return 0
  end), true)
end)

T.test("a step the kernel refuses (capset, by fault injection): nil, message, errno; only reductions happened", function()
  if not os.execute("command -v strace > /dev/null") then T.skip("strace is not installed") end
  -- strace makes every capset fail with EPERM; the bounding drops before it
  -- have happened, effective and permitted are as they were.
  local chunk = [[
    local msg, errno = select(2, ns.drop_capabilities({ "kill" }))
    local st = io.open("/proc/self/status"):read("a")
    print(msg, errno, st:match("CapBnd:%s*(%x+)"), st:match("CapPrm:%s*(%x+)") == st:match("CapBnd:%s*(%x+)"))
  ]]
  local p = assert(io.popen(("strace -f -o /dev/null -e trace=capset -e inject=capset:error=EPERM %s -e '%s'"):format(arg[-1], chunk)))
  local out = p:read("a")
  T.eq(p:close(), true, out)
  T.eq(out, "drop_capabilities capset: Operation not permitted\t" .. E.EPERM .. "\t0000000000000020\tfalse\n")
end)

T.test("drop_capabilities misuse raises before anything changes", function()
  local before = cap_lines()
  T.raises("bad argument #1 to 'drop_capabilities' (unknown capability 'net_bind')", ns.drop_capabilities, { "kill", "net_bind" })
  T.raises("unknown capability 'cap_41'", ns.drop_capabilities, { "cap_41" })
  T.raises("unknown capability ''", ns.drop_capabilities, { "" })
  T.raises("bad argument #1 to 'drop_capabilities' (table expected, got no value)", ns.drop_capabilities)
  T.raises("bad argument #1 to 'drop_capabilities' (table expected, got string)", ns.drop_capabilities, "kill")
  T.raises("bad argument #1 to 'drop_capabilities' ('keep[2]': string expected, got number)", ns.drop_capabilities, { "kill", 10 })
  T.raises("'keep' must be a list of capability names", ns.drop_capabilities, { kill = true })
  T.raises("'keep' must be a list of capability names", ns.drop_capabilities, { "kill", x = "chown" })
  T.raises("bad argument #2 to 'drop_capabilities' (ambient capability 'chown' is not kept (ambient must be a subset of keep))",
    ns.drop_capabilities, { "kill" }, { ambient = { "chown" } })
  T.raises("bad argument #2 to 'drop_capabilities' (unknown capability 'nope')", ns.drop_capabilities, { "kill" }, { ambient = { "nope" } })
  T.raises("'ambient': boolean or list of names expected, got string", ns.drop_capabilities, { "kill" }, { ambient = "kill" })
  T.raises("unknown option 'inheritable' (expected ambient, bounding)", ns.drop_capabilities, {}, { inheritable = true })
  T.raises("bad argument #2 to 'drop_capabilities' (table expected, got number)", ns.drop_capabilities, {}, 1)
  local after = cap_lines()
  for k, v in pairs(before) do T.eq(after[k], v, k .. " unchanged") end
end)

-- no_new_privs -----------------------------------------------------------------

T.test("no_new_privs sets NoNewPrivs for the process and what it execs", function()
  T.eq(T.run_child(0, function()
    T.eq(T.read("/proc/self/status"):match("NoNewPrivs:%s*(%d)"), "0")
    T.eq(ns.no_new_privs(), true)
    T.eq(T.read("/proc/self/status"):match("NoNewPrivs:%s*(%d)"), "1")
    local p = assert(io.popen("grep NoNewPrivs /proc/self/status"))
    T.eq(p:read("a"):match("NoNewPrivs:%s*(%d)"), "1", "after exec")
    p:close()
    T.eq(ns.no_new_privs(nil), true, "a second call is fine; nil is no argument")
    return 0
  end), true)
  T.eq(T.read("/proc/self/status"):match("NoNewPrivs:%s*(%d)"), "0", "the runner is unaffected")
end)

T.test("a setuid-root id run by uid 65534: euid 0 without no_new_privs, 65534 with it", function()
  -- The setuid copy lives on a tmpfs (mounted without nosuid) over /tmp in
  -- the child's own mount namespace: it is gone when the child is.
  local function euid_of_setuid_id(nnp)
    local r, w = ns.pipe()
    local _, pidfd = assert(clone(CLONE_NEWNS, function()
      ns.close(r)
      assert(ns.make_private("/"))
      assert(ns.mount("tmpfs", "/tmp", "tmpfs", 0, "mode=0755"))
      assert(os.execute("cp /usr/bin/id /tmp/id && chmod 4755 /tmp/id"))
      assert(ns.setgroups({}))
      assert(ns.setresgid(65534, 65534, 65534))
      assert(ns.setresuid(65534, 65534, 65534))
      if nnp then assert(ns.no_new_privs()) end
      assert(ns.dup2(w, 1))
      return ns.execve("/tmp/id", { "id", "-u" }) -- the effective uid
    end))
    ns.close(w)
    local out = ns.read(r, 100)
    ns.close(r)
    T.eq(ns.wait(pidfd), true)
    return out
  end
  T.eq(euid_of_setuid_id(false), "0\n", "setuid bit honoured")
  T.eq(euid_of_setuid_id(true), "65534\n", "setuid bit ignored under no_new_privs")
end)

T.test("no_new_privs misuse raises: it takes no arguments (it can not be unset)", function()
  T.raises("bad argument #1 to 'no_new_privs' (no_new_privs takes no arguments (it can not be unset))", ns.no_new_privs, false)
  T.raises("no_new_privs takes no arguments", ns.no_new_privs, true)
  T.raises("bad argument #2 to 'no_new_privs' (no_new_privs takes no arguments", ns.no_new_privs, nil, 1)
  T.eq(T.read("/proc/self/status"):match("NoNewPrivs:%s*(%d)"), "0", "nothing was set")
end)

os.exit(T.done())
