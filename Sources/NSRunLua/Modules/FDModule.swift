import CLua
import CNSRunLua
import NSRunCore

/// ns.pipe, ns.read, ns.write, ns.close, ns.dup2, ns.open and the O_* constants.
enum FDModule {
    static let module = LuaModule(
        functions: []
    )
}
