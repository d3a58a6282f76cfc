-- policy.lua: a sandbox policy computed from the host, not written by hand.
--
-- With bwrap or nsjail you list the binds yourself (`--ro-bind /usr /usr
-- --ro-bind /lib /lib ...`), and usually bind far more than the program
-- needs. Here the recipe works the list out: it reads the program's ELF
-- headers in Lua (string.unpack), takes the dynamic loader from PT_INTERP and
-- the libraries from the dynamic section (DT_NEEDED names in the DT_STRTAB
-- string table), resolves each one the way ld.so would without a cache
-- (DT_RUNPATH/DT_RPATH, then the system directories), and recurses into each
-- library's own DT_NEEDED. The sandbox's root is then an empty directory,
-- read-only, holding exactly the program, the loader and those libraries,
-- each bound read-only, and nothing else: no /etc, no /proc, no /dev, no shell.
--
-- The policy is only what the ELF headers say: libraries opened with
-- dlopen (NSS modules, plugins) and data files (Python's standard library,
-- /etc, /dev/null) are not in it, and a program that needs them fails there,
-- which is how you find out what else to bind.
--
-- It checks that the computed list is the one `ldd` reports, that the program
-- runs there (`ls -R /` lists exactly what was bound), and that /etc/passwd
-- does not exist inside.
--
-- Run as root:  nsrun examples/policy.lua [PROGRAM [ARGS...]]
-- PROGRAM defaults to /bin/ls (run as `ls -R /`); another one runs with ARGS.

local sandbox = require "nsrun.sandbox"

local program = arg[1] or "/bin/ls"
local program_args = { table.unpack(arg, 2) }
local default_program = arg[1] == nil

local function shell_quote(s) return "'" .. s:gsub("'", "'\\''") .. "'" end

local function popen_line(cmd)
  local p = io.popen(cmd)
  local line = p:read("l")
  p:close()
  return line
end

-- The file a path leads to, symlinks followed (nil if there is none).
local function realpath(path)
  return popen_line("realpath -e -- " .. shell_quote(path) .. " 2>/dev/null")
end

local function read_file(path)
  local f = assert(io.open(path))
  local s = f:read("a")
  f:close()
  return s
end

------------------------------------------------------------------------------
-- ELF: just enough of the format to find what a program loads.

local PT_LOAD, PT_DYNAMIC, PT_INTERP = 1, 2, 3
local DT_NULL, DT_NEEDED, DT_STRTAB, DT_SONAME, DT_RPATH, DT_RUNPATH = 0, 1, 5, 14, 15, 29
local MACHINES = { [62] = "x86_64-linux-gnu", [183] = "aarch64-linux-gnu" }

-- Reads an ELF64 little-endian file's program headers and dynamic section.
-- Returns { machine =, interp =, needed = {...}, soname =, runpath = {...} }
-- or nil and why (not ELF, another class, ...).
local function read_elf(path)
  local f, err = io.open(path, "rb")
  if not f then return nil, err end
  local function at(offset, n)
    f:seek("set", offset)
    return f:read(n) or ""
  end
  local ident = at(0, 64)
  if #ident < 64 or ident:sub(1, 4) ~= "\127ELF" then f:close(); return nil, path .. ": not an ELF file" end
  if ident:byte(5) ~= 2 or ident:byte(6) ~= 1 then f:close(); return nil, path .. ": not ELF64 little-endian" end
  -- Elf64_Ehdr after e_ident: type, machine, version, entry, phoff, shoff,
  -- flags, ehsize, phentsize, phnum.
  local _, machine, _, _, phoff, _, _, _, phentsize, phnum = string.unpack("<I2I2I4I8I8I8I4I2I2I2", ident, 17)
  local elf = { path = path, machine = machine, needed = {}, runpath = {} }
  local loads, dynamic = {}, nil
  for i = 0, phnum - 1 do
    -- Elf64_Phdr: type, flags, offset, vaddr, paddr, filesz, memsz, align.
    local p_type, _, p_offset, p_vaddr, _, p_filesz = string.unpack("<I4I4I8I8I8I8", at(phoff + i * phentsize, 56))
    if p_type == PT_INTERP then
      elf.interp = at(p_offset, p_filesz):match("^[^%z]*")
    elseif p_type == PT_LOAD then
      loads[#loads + 1] = { vaddr = p_vaddr, offset = p_offset, filesz = p_filesz }
    elseif p_type == PT_DYNAMIC then
      dynamic = { offset = p_offset, size = p_filesz }
    end
  end
  if dynamic then
    -- Elf64_Dyn: a signed tag and a value, 16 bytes each, up to DT_NULL.
    local data = at(dynamic.offset, dynamic.size)
    local strtab, needed, soname, rpath, runpath = nil, {}, nil, nil, nil
    for pos = 1, #data - 15, 16 do
      local tag, value = string.unpack("<i8I8", data, pos)
      if tag == DT_NULL then break
      elseif tag == DT_NEEDED then needed[#needed + 1] = value
      elseif tag == DT_STRTAB then strtab = value
      elseif tag == DT_SONAME then soname = value
      elseif tag == DT_RPATH then rpath = value
      elseif tag == DT_RUNPATH then runpath = value
      end
    end
    -- DT_STRTAB is an address in memory: the PT_LOAD segment holding it
    -- says where that is in the file.
    local strtab_offset
    for _, l in ipairs(loads) do
      if strtab and strtab >= l.vaddr and strtab < l.vaddr + l.filesz then strtab_offset = strtab - l.vaddr + l.offset end
    end
    local function str(index)
      local s = at(strtab_offset + index, 4096)
      return s:match("^[^%z]*")
    end
    if strtab_offset then
      for _, index in ipairs(needed) do elf.needed[#elf.needed + 1] = str(index) end
      if soname then elf.soname = str(soname) end
      -- ld.so ignores DT_RPATH when DT_RUNPATH is present.
      local list = runpath or rpath
      if list then
        local origin = path:match("^(.*)/[^/]*$")
        for dir in str(list):gmatch("[^:]+") do
          elf.runpath[#elf.runpath + 1] = dir:gsub("%$ORIGIN", origin):gsub("%${ORIGIN}", origin)
        end
      end
    elseif #needed > 0 then
      f:close()
      return nil, path .. ": DT_STRTAB is in no PT_LOAD segment"
    end
  end
  f:close()
  return elf
end

------------------------------------------------------------------------------
-- The policy: the program, its loader, and every library, recursively.

-- The program, as a path (a bare name is searched in PATH).
if not program:find("/", 1, true) then
  program = popen_line("command -v " .. shell_quote(program)) or program
end
local top = assert(read_elf(program))
assert(MACHINES[top.machine], ("%s: ELF machine %d is not one this example knows"):format(program, top.machine))
assert(top.interp, program .. " has no PT_INTERP: a static program needs no policy beyond itself")

-- Where ld.so looks when it has no /etc/ld.so.cache (the sandbox has none):
-- `ld.so --help` lists these as the "system search path".
local system_dirs = { "/lib/" .. MACHINES[top.machine], "/usr/lib/" .. MACHINES[top.machine], "/lib", "/usr/lib" }

-- binds[i] = {path = where it is seen inside, source = the file on the host}
local binds, seen = {}, {}
local function add_bind(path, why)
  if seen[path] then return end
  local source = assert(realpath(path), path .. ": not found")
  seen[path] = true
  binds[#binds + 1] = { path = path, source = source, why = why }
end

add_bind(program, "the program")
add_bind(top.interp, "PT_INTERP, the dynamic loader")
-- The loader is already loaded when a library names it (libc.so.6 needs
-- ld-linux-x86-64.so.2): ld.so matches the name against its DT_SONAME.
local loader = assert(read_elf(top.interp))
local provided = { [loader.soname or ""] = true }

local function resolve(name, from)
  if name:find("/", 1, true) then return realpath(name) and name end
  local dirs = {}
  for _, d in ipairs(from.runpath) do dirs[#dirs + 1] = d end
  for _, d in ipairs(system_dirs) do dirs[#dirs + 1] = d end
  for _, dir in ipairs(dirs) do
    local candidate = dir .. "/" .. name
    local elf = realpath(candidate) and read_elf(candidate)
    -- ld.so skips a file of another class or machine and goes on searching.
    if elf and elf.machine == top.machine then return candidate, elf end
  end
end

local queue = { top }
while #queue > 0 do
  local elf = table.remove(queue, 1)
  for _, name in ipairs(elf.needed) do
    if not provided[name] then
      provided[name] = true
      local path, lib = resolve(name, elf)
      assert(path, ("%s needs %s, found in none of %s"):format(elf.path, name, table.concat(system_dirs, ", ")))
      add_bind(path, "DT_NEEDED " .. name .. " of " .. elf.path)
      queue[#queue + 1] = lib or assert(read_elf(path))
    end
  end
end

print(("policy for %s: %d read-only binds, nothing else"):format(program, #binds))
for _, b in ipairs(binds) do
  print(("  %-44s <- %-44s (%s)"):format(b.path, b.source, b.why))
end

------------------------------------------------------------------------------
-- Claims

local claims = {}
local function claim(ok, what)
  claims[#claims + 1] = { ok = ok, what = what }
  print(("%s %s"):format(ok and "  yes:" or "   NO:", what))
end
local host_mounts = read_file("/proc/self/mountinfo")

-- The same list from ldd (which runs the loader in trace mode), as real files.
do
  local mine, theirs = {}, {}
  for _, b in ipairs(binds) do
    if b.path ~= program then mine[#mine + 1] = b.source end
  end
  local p = io.popen("ldd " .. shell_quote(program) .. " 2>/dev/null")
  for line in p:lines() do
    local path = line:match("=> (/%S+) %(") or line:match("^%s+(/%S+) %(")
    if path then theirs[#theirs + 1] = realpath(path) or path end
  end
  p:close()
  table.sort(mine)
  table.sort(theirs)
  claim(#mine > 0 and table.concat(mine, " ") == table.concat(theirs, " "),
    ("the loader and libraries read from the ELF headers are the ones ldd reports (%d)"):format(#theirs))
end

------------------------------------------------------------------------------
-- The sandbox: an empty directory as the root, read-only, with the binds.

local tmp = assert(popen_line("mktemp -d /tmp/nsrun-policy.XXXXXX"), "mktemp failed")
local rootfs = tmp .. "/root"

local ok, err = pcall(function()
  -- Mount points must exist before anything is bound on them: an empty
  -- directory for each parent, an empty file for each bound file.
  assert(ns.mkdir(rootfs, tonumber("755", 8)))
  local mounts = {
    -- The root itself, read-only: the program cannot write to it. The binds
    -- below stack on top of it.
    { bind = rootfs, to = "/", ro = true },
  }
  local expected = { ["/"] = true }
  for _, b in ipairs(binds) do
    local dir = b.path:match("^(.*)/[^/]*$")
    assert(ns.mkdir(rootfs .. dir, tonumber("755", 8), true))
    assert(io.open(rootfs .. b.path, "w")):close()
    mounts[#mounts + 1] = { bind = b.source, to = b.path, ro = true, nosuid = true, nodev = true }
    expected[b.path] = true
    local d = dir
    while d ~= "" do expected[d] = true; d = d:match("^(.*)/[^/]*$") end
  end

  -- Inside, right after pivot_root, the sandbox itself looks for a few host
  -- files and reports on a pipe: nothing else is there.
  local report_r, report_w = assert(ns.pipe())
  local out_r, out_w = assert(ns.pipe())
  local devnull = assert(ns.open("/dev/null", ns.O_RDONLY))
  local argv = { program }
  if default_program then argv[2], argv[3] = "-R", "/" end
  for _, a in ipairs(program_args) do argv[#argv + 1] = a end
  print(("running %s in the sandbox"):format(table.concat(argv, " ")))

  local box = sandbox.start {
    argv = argv,
    rootfs = rootfs,
    mounts = mounts,
    -- stdin = "null" would open /dev/null inside the sandbox, which has
    -- none: this /dev/null is opened here, on the host, and passed as an fd.
    stdio = { stdin = devnull, stdout = out_w },
    timeout = 20,
    hooks = {
      in_child = function()
        local found = {}
        for _, path in ipairs({ "/etc/passwd", "/etc", "/bin/sh", "/proc/self", "/dev/null", "/tmp" }) do
          local f = io.open(path)
          if f then f:close(); found[#found + 1] = path end
        end
        local probe = io.open("/policy-probe", "w")
        if probe then probe:close(); found[#found + 1] = "/policy-probe (written)" end
        ns.write(report_w, #found == 0 and "none" or table.concat(found, " "))
        ns.close(report_w)
      end,
    },
  }
  ns.close(out_w)
  ns.close(report_w)
  ns.close(devnull)
  local chunks, deadline = {}, ns.clock() + 20
  while ns.clock() < deadline do
    if #assert(ns.poll({ out_r }, deadline - ns.clock())) == 0 then break end
    local data = assert(ns.read(out_r, 65536))
    if data == "" then break end
    chunks[#chunks + 1] = data
  end
  ns.close(out_r)
  local r = box:wait()
  local found = #ns.poll({ report_r }, 0) > 0 and ns.read(report_r, 4096) or "(no report)"
  ns.close(report_r)
  local out = table.concat(chunks)
  io.write(out)
  print(("the program ended: status %s, code %s, %.3f s"):format(r.status, tostring(r.code or r.signal), r.wall_time or 0))
  if r.status == "error" then print(("  setup failed at %s: %s"):format(r.stage, r.error)) end

  claim(r.status == "exit" and r.code == 0, "the program runs with only these binds, and exits 0")
  claim(found == "none", "/etc/passwd, /etc, /bin/sh, /proc, /dev and /tmp do not exist inside, and / is read-only (found: " .. found .. ")")
  if default_program then
    -- ls -R / prints "DIR:" then one entry per line, a blank line between.
    local listed, dir = { ["/"] = true }, nil
    for line in out:gmatch("[^\n]+") do
      local d = line:match("^(/.-):$")
      if d then dir = d
      elseif dir then listed[(dir == "/" and "" or dir) .. "/" .. line] = true end
    end
    local a, b = {}, {}
    for k in pairs(listed) do a[#a + 1] = k end
    for k in pairs(expected) do b[#b + 1] = k end
    table.sort(a)
    table.sort(b)
    claim(#a > 1 and table.concat(a, " ") == table.concat(b, " "),
      ("`ls -R /` inside lists exactly the bound files and their directories (%d entries)"):format(#a - 1))
  end
end)
if not ok then
  io.stderr:write("policy.lua: ", tostring(err), "\n")
  claim(false, "the sandbox was set up and run")
end

-- The binds lived in the sandbox's mount namespace, gone with it: the
-- temporary root is an ordinary directory of empty files again.
os.execute("rm -rf -- " .. shell_quote(tmp))
claim(io.open(tmp) == nil, "the temporary root " .. tmp .. " is removed")
claim(read_file("/proc/self/mountinfo") == host_mounts, "the host's mounts are unchanged")

for _, c in ipairs(claims) do
  if not c.ok then
    io.stderr:write("policy.lua: a claim did not hold: ", c.what, "\n")
    return 1
  end
end
print("policy.lua: all claims hold")
return 0
