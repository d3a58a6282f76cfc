-- set_a_sandbox.lua — "set A" through sandbox.run: new pid, mount, uts and
-- ipc namespaces, a fresh /proc, exec /bin/true, wait. The library does more
-- than benchmarks/set_a.lua on the way (the host root staged read-only,
-- pivot_root, capabilities dropped, no_new_privs, a new session, an init as
-- pid 1): this measures what the declarative form costs over the primitives.
--   Usage: nsrun benchmarks/set_a_sandbox.lua [N]
local n = math.tointeger(tonumber((...) or "1"))
assert(n and n >= 1, "set_a_sandbox.lua: count must be an integer >= 1")
local sandbox = require "nsrun.sandbox"
local spec = { argv = { "/bin/true" }, namespaces = { "pid", "mount", "uts", "ipc" }, mounts = { { proc = "/proc" } } }
for _ = 1, n do
  local r = sandbox.run(spec)
  assert(r.status == "exit" and r.code == 0, ("set_a_sandbox.lua: %s %s %s"):format(r.status, r.code, r.error))
end
