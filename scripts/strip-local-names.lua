-- scripts/strip-local-names.lua — a Lua 5.4 binary chunk (string.dump's
-- output) without the names of local variables and upvalues; everything
-- else, line information and the source name included, as it was.
--
--   local strip = dofile("scripts/strip-local-names.lua")
--   local smaller = strip(string.dump(chunk))
--
-- Why (scripts/build-library): loading the recipe library's bytecode was
-- most of `require "nsrun.sandbox"`, and most of that was interning those
-- names (about 500 strings). Without them it loads in about 60% of the
-- time (34 against 55 us, warm), and unlike string.dump(f, true) error
-- messages keep their "nsrun.sandbox:LINE:" positions. What is lost:
-- debug.getlocal's names in the library's functions, and tracebacks name
-- the library's functions by their line ("function <nsrun.sandbox:580>")
-- instead of the local they were called through.
--
-- The format is lundump.c's for Lua 5.4 (LUAC_FORMAT 0): sizes are
-- big-endian 7-bit groups ending with the byte that has 0x80 set; a
-- string is its size + 1 (0 for none), then its bytes. The header is
-- checked by the Lua that loads the result, so a chunk of another Lua
-- version, integer or float size fails there, not here; a malformed chunk
-- raises here ("truncated chunk", "trailing bytes").
return function(b)
  local pos, out = 1, {}
  local function take(n)
    local s = b:sub(pos, pos + n - 1)
    if #s ~= n then error("strip-local-names: truncated chunk", 2) end
    pos = pos + n
    return s
  end
  local function emit(s) out[#out + 1] = s end
  local function size()
    local x, start = 0, pos
    repeat
      local c = b:byte(pos)
      if not c then error("strip-local-names: truncated chunk", 2) end
      pos = pos + 1
      x = (x << 7) | (c & 0x7f)
    until c & 0x80 ~= 0
    return x, b:sub(start, pos - 1)
  end
  local function copy_size() local x, raw = size(); emit(raw); return x end
  local function copy_string() local n = copy_size(); if n > 0 then emit(take(n - 1)) end end
  local function skip_string() local n = size(); if n > 0 then take(n - 1) end end
  local EMPTY = "\x80"                  -- a size of 0
  local function func()
    copy_string()                       -- source
    copy_size(); copy_size()            -- linedefined, lastlinedefined
    emit(take(3))                       -- numparams, is_vararg, maxstacksize
    emit(take(4 * copy_size()))         -- code
    for _ = 1, copy_size() do           -- constants: a tag, then its value
      local tag = take(1)
      emit(tag)
      tag = tag:byte()
      if tag == 0x03 or tag == 0x13 then emit(take(8))          -- integer, float
      elseif tag == 0x04 or tag == 0x14 then copy_string() end  -- short, long string
    end
    emit(take(3 * copy_size()))         -- upvalues: instack, idx, kind
    for _ = 1, copy_size() do func() end -- nested functions
    emit(take(copy_size()))             -- lineinfo
    for _ = 1, copy_size() do copy_size(); copy_size() end      -- abslineinfo: pc, line
    for _ = 1, size() do skip_string(); size(); size() end      -- locvars: name, startpc, endpc
    emit(EMPTY)
    for _ = 1, size() do skip_string() end                      -- upvalue names
    emit(EMPTY)
  end
  -- "\27Lua", version, format, LUAC_DATA (6), sizes of Instruction,
  -- lua_Integer and lua_Number, LUAC_INT (8), LUAC_NUM (8); then the main
  -- function's upvalue count.
  emit(take(4 + 1 + 1 + 6 + 3 + 8 + 8 + 1))
  func()
  if pos ~= #b + 1 then error("strip-local-names: trailing bytes", 2) end
  return table.concat(out)
end
