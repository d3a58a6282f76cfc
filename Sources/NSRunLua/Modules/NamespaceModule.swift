import CLua
import CNSRunLua
import NSRunCore

/// ns.unshare, ns.setns, ns.ns_ids, ns.set_time_offsets.
enum NamespaceModule {
    static let module = LuaModule(
        functions: []
    )
}
