-- set_a_sandbox_same.lua — set A's own work through sandbox.run: the spec
-- turns off every default that benchmarks/set_a.lua does not do (no init,
-- the host's root left writable in place, capabilities kept, no
-- no_new_privs, no new session, no parent-death signal). What remains over
-- set_a.lua is the library itself: loading it, validating, planning, the
-- supervisor's pipes and signalfd, stdio/fd hygiene (close_range), the
-- signal mask reset and the result table. The target "sandbox.run within
-- 1.2× of the primitives" is read on this row; set_a_sandbox.lua shows what
-- the defaults add.
--   Usage: nsrun benchmarks/set_a_sandbox_same.lua [N]
local n = math.tointeger(tonumber((...) or "1"))
assert(n and n >= 1, "set_a_sandbox_same.lua: count must be an integer >= 1")
local sandbox = require "nsrun.sandbox"
local spec = {
  argv = { "/bin/true" }, namespaces = { "pid", "mount", "uts", "ipc" }, mounts = { { proc = "/proc" } },
  rootfs = "/", init = false, capabilities = "all", no_new_privs = false, new_session = false, die_with_parent = false,
}
for _ = 1, n do
  local r = sandbox.run(spec)
  assert(r.status == "exit" and r.code == 0, ("set_a_sandbox_same.lua: %s %s %s"):format(r.status, r.code, r.error))
end
