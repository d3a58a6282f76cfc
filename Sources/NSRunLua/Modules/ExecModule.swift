import CLua
import CNSRunLua
import NSRunCore
#if canImport(Glibc)
import Glibc
#endif

/// ns.execve, ns.execveat, ns.exec: return only on failure (nil, message, errno).
///
/// Each binding validates its arguments in Swift (`prepare`, which returns
/// nothing Swift owns) and leaves them as a Lua table of strings; the exec
/// itself is C reading those strings (`nsrun_lua_exec_prepared`), so that
/// nothing allocated outlives an exec in a vfork child (exec.c).
enum ExecModule {
    static let module = LuaModule(
        functions: [
            LuaFunction("exec", { L in binding(L) { L throws(LuaRaise) in
                try prepare(L, path: nil, argv: 1, env: 2)
                return run(L, dirfd: AT_FDCWD, flags: 0, search: true, operation: "exec")
            } }),
            LuaFunction("execve", { L in binding(L) { L throws(LuaRaise) in
                try prepare(L, path: 1, argv: 2, env: 3)
                return run(L, dirfd: AT_FDCWD, flags: 0, search: false, operation: "execve")
            } }),
            LuaFunction("execveat", { L in binding(L) { L throws(LuaRaise) in
                let dirfd = try LuaArgs.integer(L, 1, in: Int64(AT_FDCWD)...Int64(Int32.max), "dirfd")
                let flags = try LuaArgs.optionalInteger(L, 5) ?? 0
                let known = Int64(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)
                guard flags & ~known == 0 else { throw .argument(5, "unknown execveat flags 0x\(String(flags & ~known, radix: 16)) (expected AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW)") }
                try prepare(L, path: 2, argv: 3, env: 4)
                return run(L, dirfd: Int32(dirfd), flags: Int32(flags), search: false, operation: "execveat")
            } }),
        ],
        constants: [
            LuaConstant("AT_FDCWD", Int64(AT_FDCWD)),
            LuaConstant("AT_EMPTY_PATH", Int64(AT_EMPTY_PATH)),
            LuaConstant("AT_SYMLINK_NOFOLLOW", Int64(AT_SYMLINK_NOFOLLOW)),
        ]
    )

    /// Validates path (argument `path`, or PATH candidates for argv[0] when
    /// nil), argv and env, and pushes `{paths, argv, env}`. argv is the
    /// caller's own list, checked in place; so is env when it is a plain
    /// list of "K=V" strings, and it is left out when not given (exec.c
    /// passes the current environment on): an execve copies no string, which
    /// in a fork-semantics child would also fault in string code and heap
    /// pages the parent never touched. Only an env with names as keys is
    /// built anew, in order (`LuaArgs.environment`).
    /// Not inlined: the Swift arrays it builds must be gone before the exec.
    @inline(never)
    static func prepare(_ L: LuaState, path: Int32?, argv: Int32, env: Int32) throws(LuaRaise) {
        if let path { try LuaArgs.checkString(L, path, arg: path) }
        _ = try LuaArgs.checkStringList(L, argv, minimum: 1, what: "argv")
        // A plain "K=V" list (sandbox.run's) is passed on as it is, like argv.
        let noEnv = LuaArgs.isNoneOrNil(L, env)
        var asIs = false
        if !noEnv { asIs = try LuaArgs.isEnvironmentList(L, env) }
        let environment = noEnv || asIs ? nil : try LuaArgs.environment(L, env)
        lua_createtable(L, 3, 0)
        if let path {
            lua_createtable(L, 1, 0)
            lua_pushvalue(L, path)
            lua_rawseti(L, -2, 1)
        } else {
            lua_rawgeti(L, argv, 1)
            let name = String(cString: lua_tolstring(L, -1, nil))
            nsrun_lua_pop(L, 1)
            pushList(L, execCandidates(name, searchPath: getenv("PATH").map { String(cString: $0) }))
        }
        lua_rawseti(L, -2, 1)
        lua_pushvalue(L, argv)
        lua_rawseti(L, -2, 2)
        if asIs {
            lua_pushvalue(L, env)
            lua_rawseti(L, -2, 3)
        } else if let environment {
            pushList(L, environment)
            lua_rawseti(L, -2, 3)
        }
    }

    /// Pushes `list` as a Lua list of strings.
    static func pushList(_ L: LuaState, _ list: [String]) {
        lua_createtable(L, Int32(list.count), 0)
        for (i, s) in list.enumerated() {
            pushString(L, s)
            lua_rawseti(L, -2, lua_Integer(i + 1))
        }
    }

    /// Execs from the prepared table on top; returns only on failure, with
    /// `nil, "OPERATION PATH: …", errno` (exec: the name searched for).
    static func run(_ L: LuaState, dirfd: Int32, flags: Int32, search: Bool, operation: String) -> Int32 {
        var failed: Int32 = 0
        let err = nsrun_lua_exec_prepared(L, -1, dirfd, flags, search ? 1 : 0, &failed)
        let object: String
        if search {
            // As execvp: the name, whichever candidate failed.
            lua_rawgeti(L, -1, 2); lua_rawgeti(L, -1, 1)
            object = String(cString: lua_tolstring(L, -1, nil))
            nsrun_lua_pop(L, 2)
        } else {
            lua_rawgeti(L, -1, 1); lua_rawgeti(L, -1, 1)
            let path = String(cString: lua_tolstring(L, -1, nil))
            nsrun_lua_pop(L, 2)
            object = operation == "execveat" && path.isEmpty ? "fd \(dirfd)" : path
        }
        nsrun_lua_pop(L, 1)
        return pushFailure(L, SysError(errno: err, operation: operation, object: object))
    }
}
