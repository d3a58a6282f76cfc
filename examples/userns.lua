-- userns.lua: a user namespace where root is not root.
--
-- Clones a child into new user and mount namespaces. The parent writes the
-- child's maps, uid and gid 0 inside = 100000 outside, 65536 ids, while the
-- child waits on a pipe; then the child becomes uid 0 inside. It is root
-- there, with every capability over its own namespaces, yet a file only
-- the host's root may read (mode 0600, owned by uid 0 outside, which is
-- not mapped inside) stays unreadable when bound into its view.
--
-- Run as root:  nsrun examples/userns.lua     (exit 0 when every claim holds)

local function read(path)
  local f = assert(io.open(path))
  local text = f:read("a")
  f:close()
  return text
end

-- "  0   100000  65536\n" → "0 100000 65536"
local function squeeze(s) return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", "")) end

local function status_ids(pid, field)
  return squeeze(read("/proc/" .. pid .. "/status"):match(field .. ":([^\n]*)"))
end

-- A root-only file on the host, and an empty file to bind it onto.
local dir = os.tmpname()
os.remove(dir)
assert(os.execute("mkdir -m 0755 " .. dir))
local secret, target = dir .. "/secret", dir .. "/target"
local fd = assert(ns.open(secret, ns.O_WRONLY | ns.O_CREAT | ns.O_EXCL, 384)) -- 0600
ns.write(fd, "host root only\n")
ns.close(fd)
ns.close(assert(ns.open(target, ns.O_WRONLY | ns.O_CREAT | ns.O_EXCL, 420))) -- 0644
print(("host:    %s is mode 0600, owned by uid %d"):format(secret, ns.getuid()))

local host_mounts = read("/proc/self/mountinfo")
local go_r, go_w = ns.pipe()     -- parent → child: the maps are written
local back_r, back_w = ns.pipe() -- child → parent: what it found

local pid, pidfd = assert(clone(CLONE_NEWUSER | CLONE_NEWNS, function()
  ns.close(go_w); ns.close(back_r)
  ns.read(go_r, 1) -- wait until the parent has written the maps
  -- Still the host's root credentials here (uid 0 outside is not mapped):
  -- become uid/gid 0 of this namespace, i.e. 100000 outside.
  assert(ns.setresgid(0, 0, 0))
  assert(ns.setresuid(0, 0, 0))
  print(("sandbox: uid %d, gid %d; uid_map: %s"):format(ns.getuid(), ns.getgid(),
    squeeze(read("/proc/self/uid_map"))))

  -- Root of this user namespace owns this mount namespace: it may bind.
  assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE))
  assert(ns.mount(secret, target, nil, ns.MS_BIND))
  local owner = io.popen("stat -c %u " .. target):read("l")
  local f, err = io.open(target)
  print(("sandbox: %s is bound over %s, owned by %s here; open: %s"):format(secret, target, owner,
    f and "readable!" or err))
  local readable = f ~= nil
  if f then f:close() end
  ns.write(back_w, ("%d %d %s %s"):format(ns.getuid(), ns.getgid(), owner, tostring(readable)))
  ns.close(back_w)
  ns.read(go_r, 1) -- stay until the parent has looked at us from outside
  return 0
end))
ns.close(go_r); ns.close(back_w)

assert(ns.write_uid_map(pid, { { 0, 100000, 65536 } }))
assert(ns.write_gid_map(pid, "0 100000 65536"))
local uid_map = squeeze(read("/proc/" .. pid .. "/uid_map"))
local gid_map = squeeze(read("/proc/" .. pid .. "/gid_map"))
print(("host:    wrote the maps of %d: uid_map %q, gid_map %q"):format(pid, uid_map, gid_map))
ns.write(go_w, "g")

local uid, gid, owner, readable = ns.read(back_r, 100):match("^(%d+) (%d+) (%d+) (%a+)$")
local outside = status_ids(pid, "Uid")
print(("host:    the sandbox's uids seen from here: %s"):format(outside))
ns.close(go_w); ns.close(back_r)
local ok, how, code = ns.wait(pidfd)
pidfd:close()
print(("host:    sandbox %d ended: %s %d"):format(pid, how, code))

local same_mounts = read("/proc/self/mountinfo") == host_mounts
local intact = read(secret) == "host root only\n" and read(target) == ""
os.execute("rm -r " .. dir)

local claims = {
  { "uid and gid are 0 inside", uid == "0" and gid == "0" },
  { "uid_map is 0 100000 65536", uid_map == "0 100000 65536" },
  { "gid_map is 0 100000 65536", gid_map == "0 100000 65536" },
  { "inside's root is uid 100000 outside", outside == "100000 100000 100000 100000" },
  { "the host's root shows as the overflow uid 65534 inside", owner == "65534" },
  { "the root-only file is unreadable inside", readable == "false" },
  { "the child ended well", ok == true },
  { "the host's mounts and files are untouched", same_mounts and intact },
}
local all = true
for _, c in ipairs(claims) do
  print(("claim:   %-55s %s"):format(c[1], c[2] and "holds" or "DOES NOT HOLD"))
  all = all and c[2]
end
if not all then
  io.stderr:write("userns.lua: a claim did not hold\n")
  return 1
end
print("userns.lua: all claims hold")
return 0
