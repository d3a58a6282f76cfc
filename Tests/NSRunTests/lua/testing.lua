-- A tiny test harness for Lua-level tests run by the built nsrun.
-- Each test proves one fact; the file ends with "N passed, N failed" and
-- returns non-zero when anything failed.
local T = { passed = 0, failed = 0, skipped = 0 }

function T.test(name, fn)
  local ok, err = xpcall(fn, function(e)
    -- A skip is a message, not a failure: no traceback.
    if type(e) == "string" and e:match("^SKIP: ") then return e end
    return debug.traceback(e, 2)
  end)
  if ok then
    T.passed = T.passed + 1
    print("ok - " .. name)
  elseif type(err) == "string" and err:match("^SKIP: ") then
    T.skipped = T.skipped + 1
    print("skipped: " .. name .. ": " .. err:sub(7))
  else
    T.failed = T.failed + 1
    print("not ok - " .. name .. "\n" .. tostring(err))
  end
end

function T.skip(reason) error("SKIP: " .. reason, 0) end

function T.eq(got, want, what)
  if got ~= want then
    error(("%s: expected %s, got %s"):format(what or "value", tostring(want), tostring(got)), 2)
  end
end

--- Asserts that fn(...) raises an error whose message contains `pattern` (plain).
function T.raises(pattern, fn, ...)
  local ok, err = pcall(fn, ...)
  if ok then error("expected an error containing '" .. pattern .. "', got none", 2) end
  if not tostring(err):find(pattern, 1, true) then
    error(("expected an error containing '%s', got '%s'"):format(pattern, tostring(err)), 2)
  end
end

--- Asserts the nil, message, errno shape with the given errno.
function T.fails(errno, what, a, b, c)
  if a ~= nil then error(what .. ": expected nil, message, errno; got " .. tostring(a), 2) end
  if type(b) ~= "string" then error(what .. ": message is " .. type(b), 2) end
  if c ~= errno then error(("%s: expected errno %s, got %s (%s)"):format(what, tostring(errno), tostring(c), b), 2) end
  return b
end

--- Runs fn in a clone child with `flags` and returns ns.wait's three results.
function T.run_child(flags, fn, ...)
  local _, pidfd = assert(clone(flags, fn, ...))
  local a, b, c = ns.wait(pidfd)
  pidfd:close()
  return a, b, c
end

function T.read(path)
  local f = assert(io.open(path))
  local s = f:read("a")
  f:close()
  return s
end

--- The busybox rootfs the sandbox suites use, absolute: $NSRUN_ROOTFS, or
--- .build/rootfs, built by scripts/mkrootfs when missing.
function T.rootfs()
  local here = arg[0]:match("^(.*)/[^/]*$") or "."
  local root = os.getenv("NSRUN_ROOTFS") or (here .. "/../../../.build/rootfs")
  local f = io.open(root .. "/bin/busybox")
  if f then f:close() else
    assert(os.execute(("%q %q >/dev/null 2>&1"):format(here .. "/../../../scripts/mkrootfs", root)))
  end
  local p = assert(io.popen("cd '" .. root .. "' && pwd"))
  root = p:read("l")
  p:close()
  return root
end

--- A sandbox{} spec running `script` with busybox sh in `root`, with /proc,
--- /dev and a tmpfs /tmp; `extra` keys override.
function T.busybox_spec(root, script, extra)
  local spec = {
    argv = { "/bin/sh", "-c", script }, rootfs = root, env = { PATH = "/bin:/sbin:/usr/bin" },
    mounts = { { proc = "/proc" }, { dev = "/dev" }, { tmpfs = "/tmp" } },
  }
  for k, v in pairs(extra or {}) do spec[k] = v end
  return spec
end

--- A shell command's whole output, and whether it succeeded.
function T.shell_out(cmd)
  local p = assert(io.popen(cmd))
  local s = p:read("a")
  local ok = p:close()
  return s, ok
end

--- Everything readable from `fd` until EOF.
function T.read_all(fd)
  local out = {}
  while true do
    local s = ns.read(fd, 4096)
    if not s or s == "" then break end
    out[#out + 1] = s
  end
  return table.concat(out)
end

--- Runs `spec` with sandbox.run, its stdout into a pipe; returns the result
--- and everything the program wrote there.
function T.run_captured(spec)
  local r, w = assert(ns.pipe())
  spec.stdio = spec.stdio or {}
  spec.stdio.stdout = w
  local res = require("nsrun.sandbox").run(spec)
  ns.close(w)
  local out = T.read_all(r)
  ns.close(r)
  return res, out
end

function T.done()
  print(("%d passed, %d failed, %d skipped"):format(T.passed, T.failed, T.skipped))
  return T.failed == 0 and 0 or 1
end

return T
