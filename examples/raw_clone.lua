-- raw_clone.lua: fork semantics.
--
-- raw_clone returns twice, like fork(): 0 in the child, the child's pid (and
-- a pidfd) in the parent. The child runs on its own copy of memory, so what
-- it changes, the parent never sees. Here the child is also the first process
-- of a new pid namespace, so the kernel tells it its pid is 1.
--
-- Run as root:  nsrun examples/raw_clone.lua     (exit 0 when every claim holds)

local counter = 1

local pid, pidfd = raw_clone(CLONE_NEWPID)
assert(pid, pidfd) -- on failure: nil, message, errno

if pid == 0 then
  -- The child: same script, same variables, a copy of them.
  counter = counter + 100
  print(("child:  raw_clone returned 0; getpid() = %d; counter = %d"):format(getpid(), counter))
  ns._exit(getpid() == 1 and 7 or 1)
end

local _, how, code = ns.wait(pidfd)
print(("parent: raw_clone returned %d; the child ended: %s %d"):format(pid, how, code))
print(("parent: counter is still %d"):format(counter))

local claims = how == "exit" and code == 7 and counter == 1
print(claims and "raw_clone.lua: all claims hold" or "raw_clone.lua: a claim did not hold")
return claims and 0 or 1
