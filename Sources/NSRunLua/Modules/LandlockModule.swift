import CLua
import CNSRunLua
import NSRunCore

/// ns.landlock, ns.landlock_abi: Landlock filesystem confinement of the
/// calling process (README, "Landlock").
enum LandlockModule {
    static let module = LuaModule(
        functions: [
            // landlock{ro = {paths}, rw = {paths}, exec = {paths}, best_effort = bool}
            // → true | true, note | nil, message, errno
            LuaFunction("landlock", { L in binding(L) { L throws(LuaRaise) in
                let policy = try LandlockModule.policy(L, 1)
                let outcome: LandlockOutcome
                do throws(SysError) { outcome = try restrictFilesystem(policy) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                guard let note = outcome.note else { return 1 }
                pushString(L, note)
                return 2
            } }),
            // landlock_abi() → integer | nil, message, errno
            LuaFunction("landlock_abi", { L in binding(L) { L throws(LuaRaise) in
                do throws(SysError) { lua_pushinteger(L, lua_Integer(try landlockABI())) } catch { return pushFailure(L, error) }
                return 1
            } }),
        ]
    )

    /// The policy table at `i`: the keys ro, rw, exec (lists of paths) and
    /// best_effort (a boolean), all optional; anything else raises.
    static func policy(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> LandlockPolicy {
        try LuaArgs.table(L, i)
        var policy = LandlockPolicy()
        try LuaArgs.options(L, i, allowed: ["best_effort", "exec", "ro", "rw"]) { key throws(LuaRaise) in
            switch key {
            case "ro": policy.ro = try paths(L, arg: i, field: key)
            case "rw": policy.rw = try paths(L, arg: i, field: key)
            case "exec": policy.exec = try paths(L, arg: i, field: key)
            default: policy.bestEffort = try LuaArgs.boolValue(L, -1, arg: i, field: key)
            }
        }
        return policy
    }

    /// The list of paths at the top of the stack (a field of argument
    /// `arg`): a sequence t[1..n] of non-empty strings without NUL, and no
    /// other key, so that `{ "/usr", etc = "/etc" }` is not half read.
    static func paths(_ L: LuaState, arg: Int32, field: String) throws(LuaRaise) -> [String] {
        let t = lua_absindex(L, -1)
        guard lua_type(L, t) == LUA_TTABLE else {
            throw .argument(arg, "'\(field)': list of paths expected, got \(LuaArgs.typeName(L, t))")
        }
        let n = lua_Integer(try LuaArgs.listLength(L, t) { _ in
            .argument(arg, "'\(field)': list of paths expected, got a \(LuaArgs.typeName(L, -1)) key")
        })
        var out: [String] = []
        out.reserveCapacity(Int(n))
        for k in stride(from: 1, through: n, by: 1) {
            lua_rawgeti(L, t, k)
            defer { nsrun_lua_pop(L, 1) }
            let path = try LuaArgs.stringValue(L, -1, arg: arg, field: "\(field)[\(k)]")
            if path.isEmpty { throw .argument(arg, "'\(field)[\(k)]': empty path") }
            out.append(path)
        }
        return out
    }
}
