import CLua
import CNSRunLua
import NSRunCore
#if canImport(Glibc)
import Glibc
#endif

/// ns.pipe, ns.read, ns.write, ns.close, ns.close_range, ns.dup, ns.dup2, ns.open and the O_* constants.
enum FDModule {
    static let module = LuaModule(
        functions: [
            LuaFunction("close", { L in binding(L) { L throws(LuaRaise) in
                let fd = try fdArgument(L, 1)
                do throws(SysError) { try closeFD(fd) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("close_range", { L in binding(L) { L throws(LuaRaise) in
                // close_range(first [, last [, "cloexec"]]): last defaults to every fd.
                let first = try LuaArgs.integer(L, 1, in: 0...Int64(UInt32.max), "first fd")
                let last = try LuaArgs.optionalInteger(L, 2) ?? Int64(UInt32.max)
                guard (first...Int64(UInt32.max)).contains(last) else { throw .argument(2, "last fd out of range \(first)..\(UInt32.max)") }
                var cloexec = false
                if !LuaArgs.isNoneOrNil(L, 3) {
                    let how = try LuaArgs.string(L, 3)
                    guard how == "cloexec" else { throw .argument(3, "invalid option '\(how)' (expected \"cloexec\")") }
                    cloexec = true
                }
                do throws(SysError) { try closeRange(first: UInt32(first), last: UInt32(last), cloexec: cloexec) }
                catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("dup", { L in binding(L) { L throws(LuaRaise) in
                // dup(fd [, min]): a close-on-exec copy at the lowest free fd >= min (default 3).
                let fd = try fdArgument(L, 1)
                let minimum = try LuaArgs.optionalInteger(L, 2) ?? 3
                guard (0...Int64(Int32.max)).contains(minimum) else { throw .argument(2, "minimum fd out of range") }
                do throws(SysError) { lua_pushinteger(L, lua_Integer(try duplicate(fd, minimum: Int32(minimum)))) }
                catch { return pushFailure(L, error) }
                return 1
            } }),
            LuaFunction("dup2", { L in binding(L) { L throws(LuaRaise) in
                let old = try fdArgument(L, 1), new = try fdArgument(L, 2)
                do throws(SysError) { lua_pushinteger(L, lua_Integer(try dupTo(old, new))) }
                catch { return pushFailure(L, error) }
                return 1
            } }),
            LuaFunction("open", { L in binding(L) { L throws(LuaRaise) in
                let path = try LuaArgs.string(L, 1)
                let flags = try LuaArgs.integer(L, 2)
                if let why = OpenFlags.refusal(flags) { throw .argument(2, why) }
                let mode = try LuaArgs.isNoneOrNil(L, 3) ? 0o666 : LuaArgs.integer(L, 3, in: 0...0o7777, "mode")
                do throws(SysError) {
                    lua_pushinteger(L, lua_Integer(try openFile(path, flags: Int32(flags), mode: mode_t(mode))))
                } catch { return pushFailure(L, error) }
                return 1
            } }),
            LuaFunction("pipe", { L in binding(L) { L throws(LuaRaise) in
                do throws(SysError) {
                    let (r, w) = try makePipe()
                    lua_pushinteger(L, lua_Integer(r))
                    lua_pushinteger(L, lua_Integer(w))
                    return 2
                } catch { return pushFailure(L, error) }
            } }),
            LuaFunction("read", { L in binding(L) { L throws(LuaRaise) in
                let fd = try fdArgument(L, 1)
                let n = try LuaArgs.integer(L, 2, in: 0...Int64(maximumReadSize), "byte count")
                do throws(SysError) {
                    let bytes = try readFD(fd, count: Int(n))
                    bytes.withUnsafeBytes { b in
                        _ = b.withMemoryRebound(to: CChar.self) { lua_pushlstring(L, $0.baseAddress, $0.count) }
                    }
                    return 1
                } catch { return pushFailure(L, error) }
            } }),
            LuaFunction("write", { L in binding(L) { L throws(LuaRaise) in
                let fd = try fdArgument(L, 1)
                // Any bytes (NUL included): this is data, not a path.
                guard lua_type(L, 2) == LUA_TSTRING else { throw LuaArgs.expected(L, 2, "string") }
                var len = 0
                let p = lua_tolstring(L, 2, &len)!
                do throws(SysError) {
                    let n = try writeFD(fd, UnsafeRawBufferPointer(start: p, count: len))
                    lua_pushinteger(L, lua_Integer(n))
                    return 1
                } catch { return pushFailure(L, error) }
            } }),
        ],
        constants: OpenFlags.named
    )

    /// A file descriptor argument: an integer 0 ... 2^31-1.
    static func fdArgument(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> Int32 {
        Int32(try LuaArgs.integer(L, i, in: 0...Int64(Int32.max), "fd"))
    }
}
