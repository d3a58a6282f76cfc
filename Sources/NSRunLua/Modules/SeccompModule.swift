import CLua
import CNSRunLua
import NSRunCore
#if canImport(Glibc)
import Glibc
#endif

/// ns.seccomp, ns.seccomp_explain, ns.seccomp_export, and ns.TIOCSTI,
/// ns.TIOCLINUX (the terminal-injection ioctl requests a policy commonly
/// denies).
///
/// The policy table is read with raw access only (lua_next, lua_rawgeti):
/// no metamethod runs. Its Lua types are checked here; what it means is
/// checked by `SeccompPolicy` in the core. Either way a wrong policy raises
/// `bad argument #1 to 'seccomp' (rules[2]: unknown syscall 'ptrce')`
/// before anything is built or installed.
enum SeccompModule {
    static let module = LuaModule(
        functions: [
            LuaFunction("seccomp", { L in binding(L) { L throws(LuaRaise) in
                let policy = try policy(L, 1)
                do throws(SysError) { try SeccompFilter.install(policy) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("seccomp_explain", { L in binding(L) { L throws(LuaRaise) in
                pushString(L, SeccompExplain.text(try policy(L, 1)))
                return 1
            } }),
            LuaFunction("seccomp_export", { L in binding(L) { L throws(LuaRaise) in
                let policy = try policy(L, 1)
                let path = try LuaArgs.string(L, 2)
                do throws(SysError) { try SeccompFilter.export(policy, to: path) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
        ],
        constants: [LuaConstant("TIOCLINUX", Int64(TIOCLINUX)), LuaConstant("TIOCSTI", Int64(TIOCSTI))]
    )

    /// The validated policy at argument `arg`.
    static func policy(_ L: LuaState, _ arg: Int32) throws(LuaRaise) -> SeccompPolicy {
        let spec = try PolicyReader(L: L, arg: arg).read()
        do throws(UsageError) { return try SeccompPolicy(spec) } catch { throw .argument(arg, error.reason) }
    }
}

/// Reads a policy table into a `SeccompPolicySpec`, checking Lua types only.
/// Messages start with where the value is: `rules[2].args[1][1]: ...`.
private struct PolicyReader {
    let L: LuaState
    let arg: Int32

    func fail(_ path: String, _ reason: String) -> LuaRaise { .argument(arg, "\(path): \(reason)") }

    func read() throws(LuaRaise) -> SeccompPolicySpec {
        guard lua_type(L, arg) == LUA_TTABLE else { throw LuaArgs.expected(L, arg, "policy table") }
        var spec = SeccompPolicySpec()
        let t = lua_absindex(L, arg)
        lua_pushnil(L)
        while lua_next(L, t) != 0 {
            defer { nsrun_lua_pop(L, 1) }
            guard lua_type(L, -2) == LUA_TSTRING else {
                throw .argument(arg, "policy keys must be names (allow, default, deny, rules), got \(LuaArgs.typeName(L, -2))")
            }
            let key = try string(-2, "policy key")
            switch key {
            case "default": spec.defaultAction = try string(-1, "default")
            case "deny": spec.deny = try names(-1, "deny")
            case "allow": spec.allow = try names(-1, "allow")
            case "rules":
                var rules: [SeccompPolicySpec.Rule] = []
                try list(-1, "rules") { path throws(LuaRaise) in rules.append(try rule(-1, path)) }
                spec.rules = rules
            default:
                throw .argument(arg, "unknown policy key '\(key)' (expected allow, default, deny, rules)")
            }
        }
        return spec
    }

    /// `{"name", action = "...", args = {...}}`.
    func rule(_ i: Int32, _ path: String) throws(LuaRaise) -> SeccompPolicySpec.Rule {
        guard lua_type(L, i) == LUA_TTABLE else { throw fail(path, "table expected, got \(LuaArgs.typeName(L, i))") }
        var rule = SeccompPolicySpec.Rule(syscall: nil, action: nil)
        let t = lua_absindex(L, i)
        lua_pushnil(L)
        while lua_next(L, t) != 0 {
            defer { nsrun_lua_pop(L, 1) }
            if nsrun_lua_isinteger(L, -2) != 0, lua_tointegerx(L, -2, nil) == 1 {
                rule.syscall = try string(-1, path + "[1]", what: "syscall name")
                continue
            }
            let key = lua_type(L, -2) == LUA_TSTRING ? try string(-2, path) : nil
            switch key {
            case "action": rule.action = try string(-1, path + ".action")
            case "args":
                try list(-1, path + ".args") { p throws(LuaRaise) in rule.args.append(try condition(-1, p)) }
            default:
                let shown = key.map { "'\($0)'" } ?? describeKey(-2)
                throw fail(path, "unknown key \(shown) (expected [1] = syscall name, action, args)")
            }
        }
        return rule
    }

    /// `{index, op, value}` or `{index, "&=", mask, value}`.
    func condition(_ i: Int32, _ path: String) throws(LuaRaise) -> SeccompPolicySpec.Arg {
        var index: Int64 = 0, op = "", operands: [Int64] = []
        var n = 0
        try list(i, path) { p throws(LuaRaise) in
            n += 1
            switch n {
            case 1: index = try integer(-1, p, what: "argument index")
            case 2: op = try string(-1, p, what: "operator")
            default: operands.append(try integer(-1, p, what: "value"))
            }
        }
        if n < 3 { throw fail(path, "expected {index, op, value} or {index, \"&=\", mask, value}, got \(n) element\(n == 1 ? "" : "s")") }
        return SeccompPolicySpec.Arg(index: index, op: op, operands: operands)
    }

    /// A list of syscall names.
    func names(_ i: Int32, _ path: String) throws(LuaRaise) -> [String] {
        var out: [String] = []
        try list(i, path) { p throws(LuaRaise) in out.append(try string(-1, p, what: "syscall name")) }
        return out
    }

    /// Walks the list at `i` (keys exactly 1..n), calling `body` with each
    /// element on top of the stack and its path.
    func list(_ i: Int32, _ path: String, _ body: (String) throws(LuaRaise) -> Void) throws(LuaRaise) {
        guard lua_type(L, i) == LUA_TTABLE else { throw fail(path, "table expected, got \(LuaArgs.typeName(L, i))") }
        let t = lua_absindex(L, i)
        let n = Int64(lua_rawlen(L, t))
        var keys: Int64 = 0
        lua_pushnil(L)
        while lua_next(L, t) != 0 {
            nsrun_lua_pop(L, 1)
            keys += 1
            guard nsrun_lua_isinteger(L, -1) != 0, case let k = Int64(lua_tointegerx(L, -1, nil)), k >= 1, k <= n else {
                let shown = describeKey(-1)
                nsrun_lua_pop(L, 1)
                throw fail(path, "a list takes keys 1..\(n), got \(shown)")
            }
        }
        if keys != n { throw fail(path, "the list has holes (\(keys) values for length \(n))") }
        for k in stride(from: 1, through: n, by: 1) {
            lua_rawgeti(L, t, lua_Integer(k))
            defer { nsrun_lua_pop(L, 1) }
            try body("\(path)[\(k)]")
        }
    }

    func describeKey(_ i: Int32) -> String {
        switch lua_type(L, i) {
        case LUA_TSTRING:
            var len = 0
            let p = lua_tolstring(L, i, &len)!
            return "'" + String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self) + "'"
        case LUA_TNUMBER:
            return nsrun_lua_isinteger(L, i) != 0 ? "[\(lua_tointegerx(L, i, nil))]" : "[\(lua_tonumberx(L, i, nil))]"
        default:
            return "a \(LuaArgs.typeName(L, i)) key"
        }
    }

    /// A string exactly (no number coercion), without NUL, valid UTF-8.
    func string(_ i: Int32, _ path: String, what: String = "string") throws(LuaRaise) -> String {
        guard lua_type(L, i) == LUA_TSTRING else { throw fail(path, "\(what) expected, got \(LuaArgs.typeName(L, i))") }
        var len = 0
        let p = lua_tolstring(L, i, &len)!
        let bytes = UnsafeRawBufferPointer(start: p, count: len)
        if bytes.contains(0) { throw fail(path, "\(what) contains a NUL byte") }
        guard let s = String(validating: bytes, as: UTF8.self) else { throw fail(path, "\(what) is not valid UTF-8") }
        return s
    }

    /// An integer from a Lua number only (2.0 yes; 1.5, NaN, "1" no).
    func integer(_ i: Int32, _ path: String, what: String) throws(LuaRaise) -> Int64 {
        guard lua_type(L, i) == LUA_TNUMBER else { throw fail(path, "\(what) must be an integer, got \(LuaArgs.typeName(L, i))") }
        var ok: Int32 = 0
        let v = lua_tointegerx(L, i, &ok)
        guard ok != 0 else { throw fail(path, "\(what) has no integer representation") }
        return Int64(v)
    }
}
