import CLua
import CNSRunLua
import NSRunCore

/// ns.drop_capabilities, ns.capabilities, ns.no_new_privs, ns.setrlimit, ns.getrlimit, ns.setsid.
enum CapabilitiesModule {
    static let module = LuaModule(
        functions: []
    )
}
