import CLua
import CNSRunLua
import NSRunCore

/// ns.cgroup (create and the cgroup handle).
enum CgroupModule {
    static let module = LuaModule(
        functions: []
    )
}
