-- pidfd.lua: start a child, probe it, stop it by name, report how it ended.
--
-- A pidfd names one process for good: once that process is reaped, signals
-- through the pidfd fail with ESRCH instead of reaching whichever process
-- later reuses the pid.
--
-- Run:  nsrun examples/pidfd.lua     (exit 0 when every claim holds)

local pid, pidfd = assert(clone(0, function()
  ns.execve("/bin/sleep", { "sleep", "60" })
  return 127 -- only reached if exec failed
end))
print(("started sleep as pid %d (%s)"):format(pid, tostring(pidfd)))

-- Signal 0 sends nothing: it only asks whether the process is alive.
assert(pidfd_signal(pidfd, 0))
print("probe with signal 0: alive")
local still = ns.wait(pidfd, "nohang")
print("wait without hanging: " .. (still == false and "still running" or "ended?!"))

assert(pidfd_signal(pidfd, "TERM"))
print("sent SIGTERM by name")

local _, how, n = ns.wait(pidfd)
print(("it ended: %s %d (%s)"):format(how, n, how == "signal" and "killed by SIGTERM" or "exit status"))

local gone, msg, errno = pidfd_signal(pidfd, 0)
print(("probe after reaping: %s (errno %d, ESRCH is %d)"):format(msg, errno, ns.errno.ESRCH))

local claims = still == false and how == "signal" and n == 15 and gone == nil and errno == ns.errno.ESRCH
print(claims and "pidfd.lua: all claims hold" or "pidfd.lua: a claim did not hold")
return claims and 0 or 1
