import CLua
import CNSRunLua
import NSRunCore

/// ns.ifup, ns.veth, ns.addr_add, ns.route_add_default.
enum NetModule {
    static let module = LuaModule(
        functions: []
    )
}
