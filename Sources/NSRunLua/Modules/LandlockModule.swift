import CLua
import CNSRunLua
import NSRunCore

/// ns.landlock, ns.landlock_abi.
enum LandlockModule {
    static let module = LuaModule(
        functions: []
    )
}
