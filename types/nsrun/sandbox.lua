---@meta nsrun.sandbox
-- `require "nsrun.sandbox"` for lua-language-server: the same library as
-- ns.sandbox, whose types are in types/nsrun.lua.

---@type nsrun.sandbox
local sandbox = ns.sandbox

return sandbox
