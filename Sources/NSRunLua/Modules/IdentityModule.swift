import CLua
import CNSRunLua
import NSRunCore

/// ns.sethostname, ns.gethostname.
enum IdentityModule {
    static let module = LuaModule(
        functions: [
            ("gethostname", { L in binding(L) { L throws(LuaRaise) in
                do throws(SysError) { pushString(L, try getHostname()) } catch { return pushFailure(L, error) }
                return 1
            } }),
            ("sethostname", { L in binding(L) { L throws(LuaRaise) in
                let name = try LuaArgs.string(L, 1)
                guard name.utf8.count <= 64 else { throw .argument(1, "hostname longer than 64 bytes") }
                do throws(SysError) { try setHostname(name) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
        ]
    )
}
