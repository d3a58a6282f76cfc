import CLua
import CNSRunLua
import NSRunCore

/// ns.seccomp, ns.seccomp_explain, ns.seccomp_export.
enum SeccompModule {
    static let module = LuaModule(
        functions: []
    )
}
