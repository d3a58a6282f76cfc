import CLua
import CNSRunLua
import NSRunCore
#if canImport(Glibc)
import Glibc
#endif

/// ns.drop_capabilities, ns.capabilities, ns.no_new_privs, ns.set_keepcaps,
/// ns.setrlimit, ns.getrlimit, ns.setsid, ns.getsid.
enum CapabilitiesModule {
    static let module = LuaModule(
        functions: [
            LuaFunction("capabilities", { L in binding(L) { L throws(LuaRaise) in
                let pid = try LuaArgs.isNoneOrNil(L, 1) ? nil : Int32(LuaArgs.integer(L, 1, in: 1...Int64(Int32.max), "pid"))
                let sets: CapabilitySets
                do throws(SysError) {
                    if let pid { sets = try NSRunCore.capabilities(ofProcess: pid) } else { sets = try currentCapabilities() }
                } catch { return pushFailure(L, error) }
                pushSets(L, sets)
                return 1
            } }),
            LuaFunction("drop_capabilities", { L in binding(L) { L throws(LuaRaise) in
                let drop = try dropRequest(L)
                do throws(SysError) { try dropCapabilities(drop) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("getrlimit", { L in binding(L) { L throws(LuaRaise) in
                let resource = try resourceArgument(L, 1)
                let limit: ResourceLimit
                do throws(SysError) { limit = try getResourceLimit(resource) } catch { return pushFailure(L, error) }
                pushLimit(L, limit.soft)
                pushLimit(L, limit.hard)
                return 2
            } }),
            LuaFunction("getsid", { L in binding(L) { L throws(LuaRaise) in
                let pid = try LuaArgs.isNoneOrNil(L, 1) ? 0 : LuaArgs.integer(L, 1, in: 0...Int64(Int32.max), "pid")
                do throws(SysError) { lua_pushinteger(L, lua_Integer(try sessionID(of: Int32(pid)))) }
                catch { return pushFailure(L, error) }
                return 1
            } }),
            LuaFunction("no_new_privs", { L in binding(L) { L throws(LuaRaise) in
                // no_new_privs(false) must not read as "unset it": it can't be.
                for i in stride(from: 1, through: lua_gettop(L), by: 1) where !LuaArgs.isNoneOrNil(L, i) {
                    throw .argument(i, "no_new_privs takes no arguments (it can not be unset)")
                }
                do throws(SysError) { try setNoNewPrivs() } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("set_keepcaps", { L in binding(L) { L throws(LuaRaise) in
                guard lua_type(L, 1) == LUA_TBOOLEAN else { throw LuaArgs.expected(L, 1, "boolean") }
                do throws(SysError) { try setKeepCaps(lua_toboolean(L, 1) != 0) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("setrlimit", { L in binding(L) { L throws(LuaRaise) in
                let resource = try resourceArgument(L, 1)
                let soft = try limitArgument(L, 2)
                let hard = LuaArgs.isNoneOrNil(L, 3) ? soft : try limitArgument(L, 3)
                let limit: ResourceLimit
                do throws(UsageError) { limit = try ResourceLimit(soft: soft, hard: hard) }
                catch { throw .argument(2, error.reason) }
                do throws(SysError) { try setResourceLimit(resource, limit) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("setsid", { L in binding(L) { L throws(LuaRaise) in
                do throws(SysError) { lua_pushinteger(L, lua_Integer(try createSession())) }
                catch { return pushFailure(L, error) }
                return 1
            } }),
        ]
    )

    /// `keep` (argument 1, a list of names) and `{ambient = true | {names},
    /// bounding = false}` (argument 2), validated completely before anything
    /// changes.
    static func dropRequest(_ L: LuaState) throws(LuaRaise) -> CapabilityDrop {
        let keep = try nameList(L, 1, what: "keep")
        do throws(UsageError) { _ = try Capabilities.mask(named: keep) } catch { throw .argument(1, error.reason) }
        var ambient = CapabilityDrop.Ambient.none
        var bounding = true
        try LuaArgs.options(L, 2, allowed: ["ambient", "bounding"]) { key throws(LuaRaise) in
            if key == "bounding" {
                guard lua_type(L, -1) == LUA_TBOOLEAN else {
                    throw .argument(2, "'bounding': boolean expected, got \(LuaArgs.typeName(L, -1))")
                }
                bounding = lua_toboolean(L, -1) != 0
                return
            }
            switch lua_type(L, -1) {
            case LUA_TBOOLEAN: ambient = lua_toboolean(L, -1) != 0 ? .allKept : .none
            case LUA_TTABLE: ambient = .named(try nameList(L, -1, arg: 2, what: "ambient"))
            default: throw .argument(2, "'ambient': boolean or list of names expected, got \(LuaArgs.typeName(L, -1))")
            }
        }
        var drop: CapabilityDrop
        do throws(UsageError) { drop = try CapabilityDrop(keeping: keep, ambient: ambient) }
        catch { throw .argument(2, error.reason) } // keep is valid: this is about ambient
        drop.bounding = bounding
        return drop
    }

    /// A list of strings at `i`: every key an index 1...n (a map such as
    /// `{net_admin = true}` is refused, not read as an empty list).
    static func nameList(_ L: LuaState, _ i: Int32, arg: Int32? = nil, what: String) throws(LuaRaise) -> [String] {
        let i = lua_absindex(L, i)
        let arg = arg ?? i
        guard lua_type(L, i) == LUA_TTABLE else {
            if arg == i { throw LuaArgs.expected(L, i, "table") }
            throw .argument(arg, "'\(what)': table expected, got \(LuaArgs.typeName(L, i))")
        }
        let n = try LuaArgs.listLength(L, i) { _ in .argument(arg, "'\(what)' must be a list of capability names") }
        var names: [String] = []
        for k in stride(from: 1, through: n, by: 1) {
            lua_rawgeti(L, i, lua_Integer(k))
            defer { nsrun_lua_pop(L, 1) }
            names.append(try LuaArgs.stringValue(L, -1, arg: arg, field: "\(what)[\(k)]"))
        }
        return names
    }

    /// {bounding = {...}, effective = {...}, permitted = {...},
    ///  inheritable = {...}, ambient = {...}}, each sorted by name.
    static func pushSets(_ L: LuaState, _ sets: CapabilitySets) {
        lua_createtable(L, 0, 5)
        for (name, mask) in sets.named {
            let names = Capabilities.names(in: mask)
            lua_createtable(L, Int32(names.count), 0)
            for (k, cap) in names.enumerated() {
                pushString(L, cap)
                lua_rawseti(L, -2, lua_Integer(k + 1))
            }
            LuaTable.setField(L, -2, name)
        }
    }

    /// A resource name as prlimit(1) has it ("nofile"): its RLIMIT_* number.
    static func resourceArgument(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> Int32 {
        let name = try LuaArgs.string(L, i)
        guard let r = ResourceLimits.resource(named: name) else {
            throw .argument(i, "unknown resource '\(name)' (expected \(ResourceLimits.all.map(\.name).joined(separator: ", ")))")
        }
        return r
    }

    /// A limit: a non-negative integer, or the string "unlimited".
    static func limitArgument(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> UInt64 {
        switch lua_type(L, i) {
        case LUA_TSTRING:
            let text = try LuaArgs.string(L, i)
            guard let v = ResourceLimit.value(named: text) else {
                throw .argument(i, "limit must be an integer or \"unlimited\", got \"\(text)\"")
            }
            return v
        case LUA_TNUMBER:
            let n = try LuaArgs.integer(L, i)
            guard let v = ResourceLimit.value(n) else { throw .argument(i, "limit \(n) is negative") }
            return v
        default:
            throw LuaArgs.expected(L, i, "limit (integer or \"unlimited\")")
        }
    }

    /// An integer, "unlimited" for RLIM_INFINITY, or a float for a finite
    /// value beyond Lua's integers (only a C program could have set one).
    static func pushLimit(_ L: LuaState, _ v: UInt64) {
        if v == ResourceLimit.unlimited { pushString(L, "unlimited") }
        else if v <= UInt64(Int64.max) { lua_pushinteger(L, lua_Integer(v)) }
        else { lua_pushnumber(L, lua_Number(v)) }
    }
}
