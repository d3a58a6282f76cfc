import CLua
import CNSRunLua
import NSRunCore
#if canImport(Glibc)
import Glibc
#endif

/// Argument checking for bindings, in the conventions of DESIGN.md 3: the
/// messages match Lua's own ("number expected, got string"), integers come
/// from Lua numbers only (never from numeric strings), strings with NUL are
/// refused. Only raw, metamethod-free Lua API calls are used, so nothing here
/// can raise across a Swift frame.
enum LuaArgs {
    static func typeName(_ L: LuaState, _ i: Int32) -> String {
        String(cString: lua_typename(L, lua_type(L, i)))
    }

    static func isNoneOrNil(_ L: LuaState, _ i: Int32) -> Bool {
        lua_type(L, i) <= LUA_TNIL
    }

    static func expected(_ L: LuaState, _ i: Int32, _ what: String) -> LuaRaise {
        .argument(i, "\(what) expected, got \(isNoneOrNil(L, i) && lua_type(L, i) == LUA_TNONE ? "no value" : typeName(L, i))")
    }

    /// An integer argument: a Lua integer, or a float with an exact integer
    /// value. 1.5, NaN, infinities and strings are refused.
    static func integer(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> Int64 {
        guard lua_type(L, i) == LUA_TNUMBER else { throw expected(L, i, "number") }
        var ok: Int32 = 0
        let v = lua_tointegerx(L, i, &ok)
        guard ok != 0 else { throw .argument(i, "number has no integer representation") }
        return Int64(v)
    }

    static func optionalInteger(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> Int64? {
        isNoneOrNil(L, i) ? nil : try integer(L, i)
    }

    /// An integer within `range`, named in the message when out of it.
    static func integer(_ L: LuaState, _ i: Int32, in range: ClosedRange<Int64>, _ what: String) throws(LuaRaise) -> Int64 {
        let v = try integer(L, i)
        guard range.contains(v) else { throw .argument(i, "\(what) out of range \(range.lowerBound)..\(range.upperBound)") }
        return v
    }

    /// A value at index `i` converted as `integer`, reporting as argument `arg`
    /// (for table fields, where the message names the field).
    static func integerValue(_ L: LuaState, _ i: Int32, arg: Int32, field: String) throws(LuaRaise) -> Int64 {
        guard lua_type(L, i) == LUA_TNUMBER else {
            throw .argument(arg, "'\(field)': number expected, got \(typeName(L, i))")
        }
        var ok: Int32 = 0
        let v = lua_tointegerx(L, i, &ok)
        guard ok != 0 else { throw .argument(arg, "'\(field)': number has no integer representation") }
        return Int64(v)
    }

    /// The string at stack index `i`, exactly (no number coercion), refused
    /// if it holds a NUL byte (the kernel would see a shorter path) or is not
    /// valid UTF-8. `arg`/`field` name it in messages.
    static func stringValue(_ L: LuaState, _ i: Int32, arg: Int32, field: @autoclosure () -> String? = nil) throws(LuaRaise) -> String {
        try checkString(L, i, arg: arg, field: field())
        return checkedString(L, i)
    }

    /// The string at `i`, which `checkString` has accepted: decoding repairs nothing.
    static func checkedString(_ L: LuaState, _ i: Int32) -> String {
        var len = 0
        let p = lua_tolstring(L, i, &len)!
        return String(decoding: UnsafeRawBufferPointer(start: p, count: len), as: UTF8.self)
    }

    /// Checks the value at index `i` as `stringValue` does, without making a
    /// Swift String of it: for strings passed on as they are (exec's argv).
    /// The message, and `field` with it, is made only on failure.
    static func checkString(_ L: LuaState, _ i: Int32, arg: Int32, field: @autoclosure () -> String? = nil) throws(LuaRaise) {
        let status = Int(nsrun_lua_check_string(L, i))
        if status == NSRUN_STRING_OK { return }
        let prefix = field().map { "'\($0)': " } ?? ""
        switch status {
        case NSRUN_STRING_NOT_STRING: throw .argument(arg, "\(prefix)string expected, got \(typeName(L, i))")
        case NSRUN_STRING_HAS_NUL: throw .argument(arg, "\(prefix)string contains a NUL byte")
        default: throw .argument(arg, "\(prefix)string is not valid UTF-8")
        }
    }

    static func string(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> String {
        try stringValue(L, i, arg: i)
    }

    static func optionalString(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> String? {
        isNoneOrNil(L, i) ? nil : try string(L, i)
    }

    static func table(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> Void {
        guard lua_type(L, i) == LUA_TTABLE else { throw expected(L, i, "table") }
    }

    /// The length n of the list at `t` (raw access), checking that its
    /// keys are integers in 1..n: `{[3] = 1}` or `{x = 1}` read as a list
    /// would silently lose what it holds (`setgroups({[3] = 1})` dropped
    /// every group). For any other key, throws what `refuse(n)` makes; the
    /// offending key is on top of the stack while it runs.
    static func listLength(_ L: LuaState, _ t: Int32, refuse: (Int64) -> LuaRaise) throws(LuaRaise) -> Int64 {
        let t = lua_absindex(L, t)
        let n = Int64(lua_rawlen(L, t))
        lua_pushnil(L)
        while lua_next(L, t) != 0 {
            nsrun_lua_pop(L, 1)
            if nsrun_lua_isinteger(L, -1) != 0, case let k = Int64(lua_tointegerx(L, -1, nil)), k >= 1, k <= n { continue }
            let error = refuse(n)
            nsrun_lua_pop(L, 1)
            throw error
        }
        return n
    }

    /// `listLength`'s usual refusal: "WHAT must be a list, got a T key".
    static func notAList(_ L: LuaState, arg: Int32, what: String) -> (Int64) -> LuaRaise {
        { _ in .argument(arg, "\(what) must be a list, got a \(typeName(L, -1)) key") }
    }

    /// A list of strings (t[1..n], raw access, n ≥ `minimum`): argv.
    static func stringList(_ L: LuaState, _ i: Int32, minimum: Int = 0, what: String = "list") throws(LuaRaise) -> [String] {
        let n = try checkStringList(L, i, minimum: minimum, what: what)
        var out: [String] = []
        out.reserveCapacity(n)
        for k in stride(from: 1, through: n, by: 1) {
            lua_rawgeti(L, i, lua_Integer(k))
            out.append(checkedString(L, -1))
            nsrun_lua_pop(L, 1)
        }
        return out
    }

    /// Checks a list of strings as `stringList` does and returns its length,
    /// leaving the strings where they are.
    static func checkStringList(_ L: LuaState, _ i: Int32, minimum: Int = 0, what: String = "list") throws(LuaRaise) -> Int {
        try table(L, i)
        let n = Int(try listLength(L, i, refuse: notAList(L, arg: i, what: what)))
        if n < minimum { throw .argument(i, "\(what) needs at least \(minimum) element\(minimum == 1 ? "" : "s")") }
        for k in stride(from: 1, through: n, by: 1) {
            lua_rawgeti(L, i, lua_Integer(k))
            defer { nsrun_lua_pop(L, 1) }
            try checkString(L, -1, arg: i, field: "\(what)[\(k)]")
        }
        return n
    }

    /// Whether the environment at `i` is a plain list of "K=V" strings, each
    /// checked in place as `environment` checks it (the same messages): such
    /// a list is passed on as it is (exec's env). False, with nothing
    /// thrown for the map's entries, when it also has names as keys: then
    /// `environment` builds the ordered list.
    static func isEnvironmentList(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> Bool {
        try table(L, i)
        let i = lua_absindex(L, i)
        let n = Int64(lua_rawlen(L, i))
        lua_pushnil(L)
        while lua_next(L, i) != 0 {
            defer { nsrun_lua_pop(L, 1) }
            guard nsrun_lua_isinteger(L, -2) != 0, case let k = Int64(lua_tointegerx(L, -2, nil)), k >= 1, k <= n else {
                nsrun_lua_pop(L, 1)     // with the deferred pop, the value and the key: lua_next is not resumed
                return false
            }
            try checkEnvironmentEntry(L, -1, arg: i, index: k)
        }
        return true
    }

    /// Checks list entry `index` of an environment, at stack index `v`: a
    /// string (as `checkString`) holding "NAME=value" with a non-empty NAME.
    static func checkEnvironmentEntry(_ L: LuaState, _ v: Int32, arg: Int32, index k: Int64) throws(LuaRaise) {
        try checkString(L, v, arg: arg, field: "env[\(k)]")
        var len = 0
        let p = UnsafeRawPointer(lua_tolstring(L, v, &len)!)
        if len == 0 || p.load(as: UInt8.self) == UInt8(ascii: "=") || memchr(p, Int32(UInt8(ascii: "=")), len) == nil {
            throw .argument(arg, "'env[\(k)]': expected \"NAME=value\", got \"\(checkedString(L, v))\"")
        }
    }

    /// An environment: a list of "K=V" strings, or a map {K = "V"}; entries
    /// of the list come first in order, then the map's, sorted by key.
    static func environment(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> [String] {
        try table(L, i)
        let i = lua_absindex(L, i)
        let n = Int64(lua_rawlen(L, i))
        var list: [(Int64, String)] = [], map: [(String, String)] = []
        lua_pushnil(L)
        while lua_next(L, i) != 0 {
            defer { nsrun_lua_pop(L, 1) }
            if nsrun_lua_isinteger(L, -2) != 0, case let k = Int64(lua_tointegerx(L, -2, nil)), k >= 1, k <= n {
                try checkEnvironmentEntry(L, -1, arg: i, index: k)
                list.append((k, checkedString(L, -1)))
            } else if lua_type(L, -2) == LUA_TSTRING {
                let key = try stringValue(L, -2, arg: i, field: "env key")
                if key.isEmpty || key.contains("=") { throw .argument(i, "env name \"\(key)\" is empty or contains '='") }
                map.append((key, try stringValue(L, -1, arg: i, field: "env." + key)))
            } else {
                throw .argument(i, "env keys must be names or list indices, got \(typeName(L, -2))")
            }
        }
        // lua_next visits the list part in no promised order.
        return list.sorted { $0.0 < $1.0 }.map(\.1) + map.sorted { $0.0 < $1.0 }.map { "\($0.0)=\($0.1)" }
    }

    /// A signal given as a number or a name ("TERM", "SIGTERM", "term").
    static func signal(_ L: LuaState, _ i: Int32, allowZero: Bool) throws(LuaRaise) -> Int32 {
        switch lua_type(L, i) {
        case LUA_TSTRING:
            let name = try string(L, i)
            guard let n = Signals.number(named: name) else { throw .argument(i, "unknown signal name '\(name)'") }
            return n
        case LUA_TNUMBER:
            let v = try integer(L, i)
            guard Signals.isValid(v, allowZero: allowZero) else {
                throw .argument(i, "signal \(v) out of range \(allowZero ? 0 : 1)..\(Signals.maximum)")
            }
            return Int32(v)
        default:
            throw expected(L, i, "signal number or name")
        }
    }
}


extension LuaArgs {
    /// Walks an options table at `i` (nil or absent: no options), refusing
    /// keys outside `allowed` with the argument named; `body` reads each
    /// value, which sits at the top of the stack.
    ///
    /// `allowed` is an autoclosure: an array literal is a static object set
    /// up on its first use, and a binding's first use is often in a fork
    /// child (`ns.mount` in `clone(flags, fn)`), which would copy the page
    /// of its once-token, in every child; without options it is never built.
    static func options(_ L: LuaState, _ i: Int32, allowed allowedList: @autoclosure () -> [String],
                        _ body: (String) throws(LuaRaise) -> Void) throws(LuaRaise) {
        if isNoneOrNil(L, i) { return }
        try table(L, i)
        let allowed = allowedList()
        let t = lua_absindex(L, i)
        lua_pushnil(L)
        while lua_next(L, t) != 0 {
            defer { nsrun_lua_pop(L, 1) }
            guard lua_type(L, -2) == LUA_TSTRING else {
                throw .argument(t, "option names must be strings, got \(typeName(L, -2))")
            }
            let key = try stringValue(L, -2, arg: t)
            guard allowed.contains(key) else {
                throw .argument(t, "unknown option '\(key)' (expected \(allowed.sorted().joined(separator: ", ")))")
            }
            try body(key)
        }
    }

    /// A boolean value at `v` (a table field): true/false only, never 0 or "yes".
    static func boolValue(_ L: LuaState, _ v: Int32, arg: Int32, field: String) throws(LuaRaise) -> Bool {
        guard lua_type(L, v) == LUA_TBOOLEAN else { throw .argument(arg, "'\(field)': boolean expected, got \(typeName(L, v))") }
        return lua_toboolean(L, v) != 0
    }
}
