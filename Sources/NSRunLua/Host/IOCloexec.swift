import CLua
import CNSRunLua
#if canImport(Glibc)
import Glibc
#endif

/// Lua's io library opens files with fopen/popen, which do not set
/// O_CLOEXEC, so a file a recipe opened would reach every program it later
/// execs (DESIGN.md 2.6; runc CVE-2024-21626 was such a leak). The host wraps
/// the io functions that create handles and marks each new fd close-on-exec.
enum IOCloexec {
    /// Marks an io file handle close-on-exec; returns it unchanged.
    static let mark: nsrun_binding = { L in
        if let raw = luaL_testudata(L, 1, nsrun_lua_filehandle()) {
            let stream = raw.assumingMemoryBound(to: luaL_Stream.self)
            if let f = stream.pointee.f {
                let fd = fileno(f)
                if fd >= 0 { _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC) }
            }
        }
        lua_settop(L, 1)
        return 1
    }

    /// Wraps io.open, io.popen, io.tmpfile, io.lines, io.input and io.output. Runs once per state,
    /// under lua_pcall.
    static let wrapper = """
    local mark = ...
    local open, popen, tmpfile, lines = io.open, io.popen, io.tmpfile, io.lines
    local input, output = io.input, io.output
    io.open = function(...) local f, e, n = open(...); if f then mark(f) end; return f, e, n end
    io.popen = function(...) local f, e, n = popen(...); if f then mark(f) end; return f, e, n end
    io.tmpfile = function(...) local f, e, n = tmpfile(...); if f then mark(f) end; return f, e, n end
    -- io.input("name") / io.output("name") open the file themselves.
    io.input = function(file, ...)
      local f = input(file, ...)
      if type(file) == "string" then mark(f) end
      return f
    end
    io.output = function(file, ...)
      local f = output(file, ...)
      if type(file) == "string" then mark(f) end
      return f
    end
    io.lines = function(...)
      local it, a, b, f = lines(...)
      if f then mark(f) end
      return it, a, b, f
    end
    """

    static func install(_ L: LuaState) -> Bool {
        var chunk = wrapper
        let loaded = chunk.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { luaL_loadbufferx(L, $0.baseAddress, $0.count, "=nsrun.io", "t") }
        }
        guard loaded == LUA_OK else { lua_settop(L, 0); return false }
        nsrun_lua_pushbinding(L, mark, "cloexec")
        let ok = nsrun_lua_pcall_traceback(L, 1, 0) == LUA_OK
        lua_settop(L, 0)
        return ok
    }
}
