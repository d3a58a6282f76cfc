-- ns.setdomainname, ns.setresuid, ns.setresgid, ns.setgroups, ns.getuid,
-- ns.geteuid, ns.getgid, ns.getegid, ns.write_uid_map, ns.write_gid_map,
-- ns.deny_setgroups.
local T = require "testing"
local E = ns.errno

local function status_ids(pid, field)
  local line = T.read("/proc/" .. (pid or "self") .. "/status"):match(field .. ":([^\n]*)")
  local ids = {}
  for n in line:gmatch("%d+") do ids[#ids + 1] = tonumber(n) end
  return ids
end

local function ids_string(pid, field) return table.concat(status_ids(pid, field), " ") end

-- A child in a new user namespace (plus `flags`) that blocks until the
-- parent releases it, then runs `after` (default: return 0). Returns pid,
-- pidfd, and release() → ns.wait's results.
local function waiting_child(flags, after)
  local r, w = ns.pipe()
  local pid, pidfd = assert(clone(CLONE_NEWUSER | (flags or 0), function()
    ns.close(w)
    ns.read(r, 1) -- a byte or EOF: the parent is done
    if after then return after() end
    return 0
  end))
  ns.close(r)
  return pid, pidfd, function()
    ns.write(w, "g"); ns.close(w)
    local a, b, c = ns.wait(pidfd)
    pidfd:close()
    return a, b, c
  end
end

-- Fields of /proc/PID/uid_map (or gid_map) as "a b c" lines.
local function map_of(pid, which)
  local text = T.read(("/proc/%d/%s"):format(pid, which))
  local lines = {}
  for a, b, c in text:gmatch("(%d+)%s+(%d+)%s+(%d+)") do lines[#lines + 1] = a .. " " .. b .. " " .. c end
  return table.concat(lines, "\n")
end

-- getuid and friends -------------------------------------------------------

T.test("getuid, geteuid, getgid, getegid report the process's ids", function()
  local uids, gids = status_ids(nil, "Uid"), status_ids(nil, "Gid")
  T.eq(ns.getuid(), uids[1]); T.eq(ns.geteuid(), uids[2])
  T.eq(ns.getgid(), gids[1]); T.eq(ns.getegid(), gids[2])
  T.eq(math.type(ns.getuid()), "integer")
end)

T.test("the get*id functions follow setresuid/setresgid", function()
  T.eq(T.run_child(0, function()
    assert(ns.setresgid(2000, 2001, 2002))
    assert(ns.setresuid(1000, 1001, 1002))
    T.eq(ns.getuid(), 1000); T.eq(ns.geteuid(), 1001)
    T.eq(ns.getgid(), 2000); T.eq(ns.getegid(), 2001)
    return 0
  end), true)
end)

-- setresuid / setresgid / setgroups ------------------------------------------

T.test("setresuid sets real, effective and saved uids; -1 keeps a value", function()
  T.eq(T.run_child(0, function()
    assert(ns.setresuid(1000, 1001, 1002))
    -- Uid: real effective saved filesystem (the fs uid follows the effective)
    T.eq(ids_string(nil, "Uid"), "1000 1001 1002 1001")
    assert(ns.setresuid(-1, 1002, -1))
    T.eq(ids_string(nil, "Uid"), "1000 1002 1002 1002")
    assert(ns.setresuid(1002, -1, 1000)) -- each is one of the current three
    T.eq(ids_string(nil, "Uid"), "1002 1002 1000 1002")
    return 0
  end), true)
end)

T.test("setresuid to a uid none of the three, without CAP_SETUID: EPERM", function()
  T.eq(T.run_child(0, function()
    assert(ns.setresuid(1000, 1000, 1000)) -- every capability is dropped here
    local msg = T.fails(E.EPERM, "back to root", ns.setresuid(0, -1, -1))
    T.eq(msg, "setresuid 0,-1,-1: Operation not permitted")
    T.eq(ids_string(nil, "Uid"), "1000 1000 1000 1000")
    return 0
  end), true)
end)

T.test("setresgid sets the three gids; -1 keeps; EPERM without CAP_SETGID", function()
  T.eq(T.run_child(0, function()
    assert(ns.setresgid(2000, 2001, 2002))
    T.eq(ids_string(nil, "Gid"), "2000 2001 2002 2001")
    assert(ns.setresgid(2002, -1, -1))
    T.eq(ids_string(nil, "Gid"), "2002 2001 2002 2001")
    assert(ns.setresuid(1000, 1000, 1000))
    local msg = T.fails(E.EPERM, "setresgid", ns.setresgid(0, 0, 0))
    T.eq(msg, "setresgid 0,0,0: Operation not permitted")
    return 0
  end), true)
end)

T.test("setresuid to an id unmapped in the user namespace: EINVAL", function()
  -- A fresh user namespace has no uid_map yet: no id is valid in it.
  T.eq(T.run_child(CLONE_NEWUSER, function()
    T.fails(E.EINVAL, "setresuid", ns.setresuid(0, 0, 0))
    T.fails(E.EINVAL, "setresgid", ns.setresgid(0, 0, 0))
    return 0
  end), true)
end)

T.test("setgroups replaces the supplementary groups; {} drops them", function()
  T.eq(T.run_child(0, function()
    assert(ns.setgroups({ 10, 20, 4294967294 }))
    T.eq(ids_string(nil, "Groups"), "10 20 4294967294")
    assert(ns.setgroups({}))
    T.eq(ids_string(nil, "Groups"), "")
    return 0
  end), true)
end)

T.test("setgroups without CAP_SETGID, or before a user namespace has a gid_map: EPERM", function()
  T.eq(T.run_child(0, function()
    assert(ns.setresuid(1000, 1000, 1000))
    T.eq(T.fails(E.EPERM, "setgroups", ns.setgroups({ 1 })), "setgroups 1: Operation not permitted")
    return 0
  end), true)
  T.eq(T.run_child(CLONE_NEWUSER, function()
    T.eq(T.fails(E.EPERM, "setgroups", ns.setgroups({})), "setgroups (empty): Operation not permitted")
    return 0
  end), true)
end)

T.test("setresuid, setresgid, setgroups misuse raises", function()
  T.raises("bad argument #1 to 'setresuid' (number expected, got string)", ns.setresuid, "0", 0, 0)
  T.raises("bad argument #3 to 'setresuid' (number expected, got no value)", ns.setresuid, 0, 0)
  T.raises("bad argument #2 to 'setresuid' (uid out of range -1..4294967294)", ns.setresuid, 0, -2, 0)
  T.raises("uid out of range -1..4294967294", ns.setresuid, 4294967295, 0, 0)
  T.raises("number has no integer representation", ns.setresuid, 0.5, 0, 0)
  T.raises("bad argument #3 to 'setresgid' (gid out of range", ns.setresgid, 0, 0, 2 ^ 32)
  T.raises("bad argument #1 to 'setgroups' (table expected, got number)", ns.setgroups, 0)
  T.raises("'groups[2]': number expected, got string", ns.setgroups, { 1, "2" })
  T.raises("'groups[1]': id -1 out of range 0..4294967294", ns.setgroups, { -1 })
  -- Not a list: refused, never read as an empty list (which drops every group).
  T.raises("bad argument #1 to 'setgroups' (groups must be a list, got a number key)", ns.setgroups, { [3] = 1 })
  T.raises("groups must be a list, got a string key", ns.setgroups, { 1, x = 2 })
  T.raises("bad argument #2 to 'write_uid_map' (map must be a list, got a number key)", ns.write_uid_map, getpid(), { [2] = { 0, 0, 1 } })
  T.raises("bad argument #2 to 'execve' (argv must be a list, got a string key)", ns.execve, "/bin/true", { "true", x = 1 })
  local many = {}
  for i = 1, 65537 do many[i] = i end
  T.raises("65537 groups; the kernel takes at most 65536", ns.setgroups, many)
  T.eq(ns.getuid(), 0, "nothing was changed")
end)

-- setdomainname ----------------------------------------------------------------

T.test("setdomainname in a new UTS namespace; the host keeps its own", function()
  local host = T.read("/proc/sys/kernel/domainname")
  T.eq(T.run_child(CLONE_NEWUTS, function()
    assert(ns.setdomainname("sandbox.example"))
    return T.read("/proc/sys/kernel/domainname") == "sandbox.example\n" and 0 or 1
  end), true)
  T.eq(T.read("/proc/sys/kernel/domainname"), host)
end)

T.test("setdomainname without the capability over the UTS namespace: EPERM", function()
  T.eq(T.run_child(CLONE_NEWUSER, function()
    T.eq(T.fails(E.EPERM, "setdomainname", ns.setdomainname("nope")), "setdomainname nope: Operation not permitted")
    return 0
  end), true)
end)

T.test("setdomainname misuse raises", function()
  T.raises("bad argument #1 to 'setdomainname' (domain name longer than 64 bytes)", ns.setdomainname, string.rep("d", 65))
  T.raises("string contains a NUL byte", ns.setdomainname, "a\0b")
  T.raises("string expected, got nil", ns.setdomainname, nil)
end)

-- uid/gid maps -----------------------------------------------------------------

T.test("maps written by the parent are seen in /proc and inside: uid 0 inside is 100000 outside", function()
  local go_r, go_w = ns.pipe()     -- parent → child: the maps are written
  local back_r, back_w = ns.pipe() -- child → parent: what it saw, then wait
  local pid, pidfd = assert(clone(CLONE_NEWUSER, function()
    ns.close(go_w); ns.close(back_r)
    ns.read(go_r, 1)
    -- The child still has the host's root credentials (kuid 0), which the
    -- map does not cover; becoming 0 inside makes it kuid 100000.
    assert(ns.setresgid(0, 0, 0)); assert(ns.setresuid(0, 0, 0))
    local seen = table.concat({ ns.getuid(), ns.geteuid(), ns.getgid(), ns.getegid() }, " ")
    ns.write(back_w, seen .. "|" .. T.read("/proc/self/uid_map") .. "|" .. T.read("/proc/self/gid_map"))
    ns.close(back_w)
    ns.read(go_r, 1) -- until the parent has looked from outside
    return 0
  end))
  ns.close(go_r); ns.close(back_w)
  T.eq(map_of(pid, "uid_map"), "", "empty before")
  assert(ns.write_uid_map(pid, { { 0, 100000, 65536 } }))
  assert(ns.write_gid_map(pid, "0 100000 65536\n"))
  T.eq(map_of(pid, "uid_map"), "0 100000 65536")
  T.eq(map_of(pid, "gid_map"), "0 100000 65536")
  ns.write(go_w, "g")
  local seen, uid_map, gid_map = ns.read(back_r, 4096):match("^(.-)|(.-)|(.*)$")
  T.eq(seen, "0 0 0 0", "uid, euid, gid, egid inside")
  assert(uid_map:match("^%s*0%s+100000%s+65536\n$"), "uid_map inside: " .. uid_map)
  assert(gid_map:match("^%s*0%s+100000%s+65536\n$"), "gid_map inside: " .. gid_map)
  -- Seen from the host, the child's root is uid 100000.
  T.eq(ids_string(pid, "Uid"), "100000 100000 100000 100000")
  T.eq(ids_string(pid, "Gid"), "100000 100000 100000 100000")
  ns.close(go_w); ns.close(back_r)
  T.eq(ns.wait(pidfd), true)
end)

T.test("a map of several lines, in text form and as named fields", function()
  local pid, _, release = waiting_child()
  assert(ns.write_uid_map(pid, "0 100000 1\n1\t200000   10\n1000 300000 5"))
  assert(ns.write_gid_map(pid, { { inside = 0, outside = 100000, count = 1 }, { inside = 7, outside = 7, count = 3 } }))
  T.eq(map_of(pid, "uid_map"), "0 100000 1\n1 200000 10\n1000 300000 5")
  T.eq(map_of(pid, "gid_map"), "0 100000 1\n7 7 3")
  T.eq(release(), true)
end)

T.test("the largest map the kernel takes: 340 lines, ids up to 2^32-2", function()
  local pid, _, release = waiting_child()
  local map = {}
  -- Short numbers: the text must also fit in one page.
  for i = 0, 339 do map[#map + 1] = { i, 1000 + i, 1 } end
  assert(ns.write_uid_map(pid, map))
  local _, lines = map_of(pid, "uid_map"):gsub("\n", "")
  T.eq(lines + 1, 340)
  assert(ns.write_gid_map(pid, { { 0, 0, 4294967295 } }))
  T.eq(map_of(pid, "gid_map"), "0 0 4294967295")
  T.eq(release(), true)
end)

T.test("malformed maps are refused with a raised error and nothing written", function()
  local pid, _, release = waiting_child()
  local many = {}
  for i = 0, 340 do many[#many + 1] = { i, 100000 + i, 1 } end
  local bad = {
    { { { 0, 100000, 10 }, { 5, 200000, 10 } }, "line 2: inside range 5..14 overlaps line 1's 0..9" },
    { { { 0, 100000, 10 }, { 100, 100005, 10 } }, "line 2: outside range 100005..100014 overlaps line 1's 100000..100009" },
    { { { 0, 100000, 0 } }, "line 1: count is 0" },
    { { { -1, 100000, 1 } }, "line 1: inside is negative (-1)" },
    { { { 0, -5, 1 } }, "line 1: outside is negative (-5)" },
    { many, "the map has 341 lines; the kernel takes at most 340" },
    { { { 4294967295, 0, 1 } }, "line 1: inside 4294967295 out of range 0..4294967294" },
    { { { 0, 4294967000, 1000 } }, "line 1: outside range 4294967000+1000 goes beyond the largest id 4294967294" },
    { { { 1, 1, 4294967295 } }, "line 1: inside range 1+4294967295 goes beyond" },
    { { { 0, 0, 4294967296 } }, "line 1: count 4294967296 out of range 1..4294967295" },
    { {}, "the map is empty" },
    { "", "the map is empty" },
    { "0 100000 65536\n\n1 1 1", "line 2 is empty" },
    { "0 100000", "line 1: expected \"inside outside count\", got \"0 100000\"" },
    { "0 100000 1 extra", "line 1: expected \"inside outside count\", got \"0 100000 1 extra\"" },
    { "0 0x10 1", "line 1: \"0x10\" is not a decimal id" },
    { "0 -1 1", "line 1: \"-1\" is negative" },
    { "0 1 99999999999", "line 1: \"99999999999\" is beyond the largest id" },
    { "0 100000 10\n5 200000 10", "line 2: inside range 5..14 overlaps" },
    { { "0 1 1" }, "'map[1]': {inside, outside, count} expected, got string" },
    { { { 0, 1 } }, "'map[1]': {inside, outside, count} expected, got 2 values" },
    { { { 0, 1, 1.5 } }, "'map[1].count': number has no integer representation" },
    { { { inside = 0, outside = 1.5, count = 1 } }, "'map[1].outside': number has no integer representation" },
    { { { inside = 0, outside = 1 } }, "'map[1].count': number expected, got nil" },
    { { { 0, "1", 1 } }, "'map[1].outside': number expected, got string" },
  }
  local long = {} -- 300 lines of 24 bytes: more than a 4 KiB page
  for i = 0, 299 do long[#long + 1] = { 4000000000 + i, 3000000000 + i, 1 } end
  local page = io.popen("getconf PAGESIZE"):read("n")
  if page == 4096 then bad[#bad + 1] = { long, "the map is 7200 bytes; the kernel takes less than 4096" } end
  for _, case in ipairs(bad) do
    local want = case[2]:sub(1, 1) == "'" and case[2] or "bad map: " .. case[2]
    T.raises("bad argument #2 to 'write_uid_map' (" .. want, ns.write_uid_map, pid, case[1])
    T.raises("bad argument #2 to 'write_gid_map' (" .. want, ns.write_gid_map, pid, case[1])
  end
  T.raises("bad argument #2 to 'write_uid_map' (map (string or table) expected, got number)", ns.write_uid_map, pid, 0)
  T.raises("string contains a NUL byte", ns.write_uid_map, pid, "0 0 1\0")
  T.eq(map_of(pid, "uid_map"), "", "nothing was written to uid_map")
  T.eq(map_of(pid, "gid_map"), "", "nothing was written to gid_map")
  -- A map can be written only once: this succeeds only because nothing was.
  assert(ns.write_uid_map(pid, "0 100000 1"))
  assert(ns.write_gid_map(pid, "0 100000 1"))
  T.eq(release(), true)
end)

T.test("write_uid_map misuse of the pid raises", function()
  T.raises("bad argument #1 to 'write_uid_map' (pid out of range 1..", ns.write_uid_map, 0, "0 0 1")
  T.raises("bad argument #1 to 'write_gid_map' (number expected, got string)", ns.write_gid_map, "1", "0 0 1")
  T.raises("bad argument #1 to 'deny_setgroups' (pid out of range", ns.deny_setgroups, -1)
end)

T.test("a map is written once: a second write gives EPERM", function()
  local pid, _, release = waiting_child()
  assert(ns.write_uid_map(pid, "0 100000 1"))
  local msg = T.fails(E.EPERM, "second write", ns.write_uid_map(pid, "0 100000 1"))
  T.eq(msg, ("write_uid_map /proc/%d/uid_map: Operation not permitted"):format(pid))
  T.eq(release(), true)
end)

T.test("writing the map of a process that does not exist: ENOENT", function()
  local missing = (1 << 22) + 4321 -- above the default pid_max
  local msg = T.fails(E.ENOENT, "no such pid", ns.write_uid_map(missing, "0 0 1"))
  T.eq(msg, "write_uid_map /proc/" .. missing .. "/uid_map: No such file or directory")
  T.fails(E.ENOENT, "gid_map", ns.write_gid_map(missing, "0 0 1"))
  T.fails(E.ENOENT, "setgroups", ns.deny_setgroups(missing))
end)

T.test("a writer without privilege may not even open the map: EACCES", function()
  local pid, _, release = waiting_child()
  T.eq(T.run_child(0, function()
    assert(ns.setresuid(1000, 1000, 1000))
    T.fails(E.EACCES, "unprivileged writer", ns.write_uid_map(pid, "0 100000 1"))
    return 0
  end), true)
  T.eq(map_of(pid, "uid_map"), "")
  T.eq(release(), true)
end)

T.test("deny_setgroups: setgroups is refused inside, even for root there", function()
  local pid, _, release = waiting_child(0, function()
    local ok, _, errno = ns.setgroups({ 0 })
    return (ok == nil and errno == E.EPERM) and 0 or 1
  end)
  assert(ns.deny_setgroups(pid))
  T.eq(T.read(("/proc/%d/setgroups"):format(pid)), "deny\n")
  assert(ns.write_uid_map(pid, "0 100000 1"))
  assert(ns.write_gid_map(pid, "0 100000 1"))
  T.eq(release(), true)
end)

T.test("without deny_setgroups, root inside may setgroups once gid_map is written", function()
  local pid, _, release = waiting_child(0, function()
    return ns.setgroups({ 0 }) and 0 or 1
  end)
  T.eq(T.read(("/proc/%d/setgroups"):format(pid)), "allow\n")
  assert(ns.write_uid_map(pid, "0 100000 1"))
  assert(ns.write_gid_map(pid, "0 100000 1"))
  T.eq(release(), true)
end)

T.test("deny_setgroups after the gid_map was written: EPERM", function()
  local pid, _, release = waiting_child()
  assert(ns.write_gid_map(pid, "0 100000 1"))
  local msg = T.fails(E.EPERM, "too late", ns.deny_setgroups(pid))
  T.eq(msg, ("deny_setgroups /proc/%d/setgroups: Operation not permitted"):format(pid))
  T.eq(release(), true)
end)

-- procfs checks ------------------------------------------------------------------

T.test("a file bind-mounted over /proc/PID/uid_map is refused (EXDEV), nothing written", function()
  local pid, _, release = waiting_child()
  local decoy = os.tmpname() -- an empty regular file, not procfs
  T.eq(T.run_child(CLONE_NEWNS, function()
    assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE))
    local target = ("/proc/%d/uid_map"):format(pid)
    assert(ns.mount(decoy, target, nil, ns.MS_BIND))
    local msg = T.fails(E.EXDEV, "bind over uid_map", ns.write_uid_map(pid, "0 100000 1"))
    T.eq(msg, ("write_uid_map %s (not procfs): Invalid cross-device link"):format(target))
    assert(ns.mount(decoy, ("/proc/%d/setgroups"):format(pid), nil, ns.MS_BIND))
    T.fails(E.EXDEV, "bind over setgroups", ns.deny_setgroups(pid))
    return 0
  end), true)
  T.eq(T.read(decoy), "", "the decoy was not written")
  T.eq(map_of(pid, "uid_map"), "", "the real map was not written either")
  T.eq(T.read(("/proc/%d/setgroups"):format(pid)), "allow\n")
  os.remove(decoy)
  T.eq(release(), true)
end)

T.test("a /proc that is not procfs is refused (EXDEV)", function()
  local pid, _, release = waiting_child()
  T.eq(T.run_child(CLONE_NEWNS, function()
    assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE))
    assert(ns.mount("tmpfs", "/proc", "tmpfs", 0))
    -- A look-alike: a regular file where the map would be.
    assert(os.execute(("mkdir -p /proc/%d && : > /proc/%d/uid_map"):format(pid, pid)))
    local msg = T.fails(E.EXDEV, "tmpfs /proc", ns.write_uid_map(pid, "0 100000 1"))
    T.eq(msg, ("write_uid_map /proc/%d/uid_map (not procfs): Invalid cross-device link"):format(pid))
    T.eq(T.read(("/proc/%d/uid_map"):format(pid)), "")
    T.fails(E.EXDEV, "timens_offsets", ns.set_time_offsets { monotonic = 1 })
    return 0
  end), true)
  T.eq(map_of(pid, "uid_map"), "")
  T.eq(release(), true)
end)

T.test("without openat2 (ENOSYS), the openat fallback still refuses a non-procfs file", function()
  if not os.execute("command -v strace >/dev/null 2>&1") then T.skip("strace is not installed") end
  local script = os.tmpname()
  local f = assert(io.open(script, "w"))
  f:write([[
    local r, w = ns.pipe()
    local pid, pidfd = assert(clone(CLONE_NEWUSER, function() ns.close(w); ns.read(r, 1); return 0 end))
    ns.close(r)
    local decoy = os.tmpname()
    local _, tester = assert(clone(CLONE_NEWNS, function()
      assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE))
      assert(ns.mount(decoy, "/proc/" .. pid .. "/uid_map", nil, ns.MS_BIND))
      local ok, msg, errno = ns.write_uid_map(pid, "0 100000 1")
      assert(ok == nil and errno == ns.errno.EXDEV, msg)
      return 0
    end))
    assert(ns.wait(tester))
    assert(io.open(decoy):read("a") == "", "decoy written")
    os.remove(decoy)
    assert(ns.write_uid_map(pid, "0 100000 1"))
    ns.close(w); assert(ns.wait(pidfd))
    print("fallback refused")
  ]])
  f:close()
  local log = os.tmpname()
  local cmd = ("strace -f -o %s -e trace=openat2,openat -e inject=openat2:error=ENOSYS %s %s"):format(log, arg[-1], script)
  local p = io.popen(cmd .. " 2>&1")
  local out = p:read("a")
  local ok = p:close()
  local trace = T.read(log)
  os.remove(script); os.remove(log)
  T.eq(ok, true, out)
  T.eq(out, "fallback refused\n")
  local tried, fell_back = false, false
  for line in trace:gmatch("[^\n]+") do
    if line:find("openat2(", 1, true) and line:find("uid_map", 1, true) and line:find("ENOSYS", 1, true) then tried = true end
    if line:find(" openat(", 1, true) and line:find("uid_map", 1, true) and line:find("O_NOFOLLOW", 1, true) then fell_back = true end
  end
  assert(tried, "openat2 was tried first:\n" .. trace)
  assert(fell_back, "then openat with O_NOFOLLOW:\n" .. trace)
end)

os.exit(T.done())
