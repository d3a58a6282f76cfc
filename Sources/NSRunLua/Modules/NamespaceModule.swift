import CLua
import CNSRunLua
import NSRunCore

/// ns.unshare, ns.setns, ns.ns_ids, ns.set_time_offsets, and the table
/// ns.namespaces (name → CLONE_NEW* flag).
enum NamespaceModule {
    static let module = LuaModule(
        functions: [
            LuaFunction("ns_ids", { L in binding(L) { L throws(LuaRaise) in
                let pid = try LuaArgs.optionalInteger(L, 1)
                if let p = pid, !(1...Int64(Int32.max)).contains(p) {
                    throw .argument(1, "pid out of range 1..\(Int32.max)")
                }
                let ids: [(name: String, id: UInt64)]
                do throws(SysError) { ids = try namespaceIds(pid: pid.map { Int32($0) }) }
                catch { return pushFailure(L, error) }
                lua_createtable(L, 0, Int32(ids.count))
                for (name, id) in ids {
                    lua_pushinteger(L, lua_Integer(truncatingIfNeeded: id))
                    LuaTable.setField(L, -2, name)
                }
                return 1
            } }),
            LuaFunction("set_time_offsets", { L in binding(L) { L throws(LuaRaise) in
                try LuaArgs.table(L, 1)
                var monotonic: ClockOffset? = nil, boottime: ClockOffset? = nil
                lua_pushnil(L)
                while lua_next(L, 1) != 0 {
                    defer { nsrun_lua_pop(L, 1) }
                    let key = lua_type(L, -2) == LUA_TSTRING ? try LuaArgs.stringValue(L, -2, arg: 1) : nil
                    switch key {
                    case "monotonic": monotonic = try clockOffset(L, -1, field: "monotonic")
                    case "boottime": boottime = try clockOffset(L, -1, field: "boottime")
                    default:
                        throw .argument(1, "unknown clock \(key.map { "'\($0)'" } ?? LuaArgs.typeName(L, -2)) (expected monotonic, boottime)")
                    }
                }
                if monotonic == nil && boottime == nil { throw .argument(1, "no offset given (expected monotonic=, boottime=)") }
                do throws(SysError) { try setTimeOffsets(monotonic: monotonic, boottime: boottime) }
                catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("setns", { L in binding(L) { L throws(LuaRaise) in
                let isHandle = PidfdHandle.box(L, 1) != nil
                guard isHandle || lua_type(L, 1) == LUA_TNUMBER else {
                    throw LuaArgs.expected(L, 1, "pidfd or namespace fd")
                }
                let fd = try PidfdHandle.fd(L, 1)
                let raw = try LuaArgs.optionalInteger(L, 2) ?? 0
                let nstype = CloneFlags(rawValue: UInt64(bitPattern: raw))
                if let why = setnsRefusal(nstype) { throw .argument(2, why) }
                if isHandle && nstype.isEmpty {
                    throw .argument(2, "a pidfd needs the CLONE_NEW* flags of the namespaces to join")
                }
                do throws(SysError) { try setNamespace(fd: fd, nstype: nstype) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("unshare", { L in binding(L) { L throws(LuaRaise) in
                let flags = CloneFlags(rawValue: UInt64(bitPattern: try LuaArgs.integer(L, 1)))
                if let why = unshareRefusal(flags) { throw .argument(1, why) }
                do throws(SysError) { try unshareNamespaces(flags) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
        ]
    )

    /// A clock offset: integer seconds, or {seconds, nanoseconds}.
    static func clockOffset(_ L: LuaState, _ v: Int32, field: String) throws(LuaRaise) -> ClockOffset {
        let v = lua_absindex(L, v)
        var seconds: Int64, nanoseconds: Int64 = 0
        if lua_type(L, v) == LUA_TTABLE {
            guard lua_rawlen(L, v) == 2 else {
                throw .argument(1, "'\(field)': {seconds, nanoseconds} expected, got \(lua_rawlen(L, v)) values")
            }
            lua_rawgeti(L, v, 1)
            defer { nsrun_lua_pop(L, 1) }
            seconds = try LuaArgs.integerValue(L, -1, arg: 1, field: field + "[1]")
            lua_rawgeti(L, v, 2)
            defer { nsrun_lua_pop(L, 1) }
            nanoseconds = try LuaArgs.integerValue(L, -1, arg: 1, field: field + "[2]")
        } else {
            seconds = try LuaArgs.integerValue(L, v, arg: 1, field: field)
        }
        do throws(UsageError) { return try ClockOffset(seconds: seconds, nanoseconds: nanoseconds) }
        catch { throw .argument(1, "'\(field)': \(error.reason)") }
    }
}
