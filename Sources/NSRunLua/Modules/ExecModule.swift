import CLua
import CNSRunLua
import NSRunCore
#if canImport(Glibc)
import Glibc
#endif

/// ns.execve, ns.execveat, ns.exec: return only on failure (nil, message, errno).
enum ExecModule {
    static let module = LuaModule(
        functions: [
            LuaFunction("exec", { L in binding(L) { L throws(LuaRaise) in
                let argv = try LuaArgs.stringList(L, 1, minimum: 1, what: "argv")
                let env = try environment(L, 2)
                return pushFailure(L, execSearchingPath(argv: argv, env: env))
            } }),
            LuaFunction("execve", { L in binding(L) { L throws(LuaRaise) in
                let path = try LuaArgs.string(L, 1)
                let argv = try LuaArgs.stringList(L, 2, minimum: 1, what: "argv")
                let env = try environment(L, 3)
                return pushFailure(L, NSRunCore.execve(path: path, argv: argv, env: env))
            } }),
            LuaFunction("execveat", { L in binding(L) { L throws(LuaRaise) in
                let dirfd = try LuaArgs.integer(L, 1, in: Int64(AT_FDCWD)...Int64(Int32.max), "dirfd")
                let path = try LuaArgs.string(L, 2)
                let argv = try LuaArgs.stringList(L, 3, minimum: 1, what: "argv")
                let env = try environment(L, 4)
                let flags = try LuaArgs.optionalInteger(L, 5) ?? 0
                let known = Int64(AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)
                guard flags & ~known == 0 else { throw .argument(5, "unknown execveat flags 0x\(String(flags & ~known, radix: 16)) (expected AT_EMPTY_PATH, AT_SYMLINK_NOFOLLOW)") }
                return pushFailure(L, NSRunCore.execveat(dirfd: Int32(dirfd), path: path, argv: argv, env: env, flags: Int32(flags)))
            } }),
        ],
        constants: [
            LuaConstant("AT_FDCWD", Int64(AT_FDCWD)),
            LuaConstant("AT_EMPTY_PATH", Int64(AT_EMPTY_PATH)),
            LuaConstant("AT_SYMLINK_NOFOLLOW", Int64(AT_SYMLINK_NOFOLLOW)),
        ]
    )

    /// An optional env argument: nil keeps the current environment.
    static func environment(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> [String] {
        LuaArgs.isNoneOrNil(L, i) ? currentEnvironment() : try LuaArgs.environment(L, i)
    }
}
