// swift-tools-version:6.0
// nsrun: Lua recipes over Linux process and namespace primitives.
// Dependency direction (docs/ARCHITECTURE.md):
//   nsrun → NSRunLua → NSRunCore → CNSRunSys;  NSRunLua → CNSRunLua → CLua
import PackageDescription

let package = Package(
    name: "nsrun",
    products: [
        .executable(name: "nsrun", targets: ["nsrun"]),
    ],
    targets: [
        .systemLibrary(
            name: "CLua",
            pkgConfig: "lua5.4",
            providers: [.apt(["liblua5.4-dev"])]
        ),
        // Raw syscalls and the clone paths Swift cannot express.
        .target(name: "CNSRunSys"),
        // Pure Swift port of LXC's process utilities; never sees Lua.
        .target(name: "NSRunCore", dependencies: ["CNSRunSys"]),
        // The lua_error trampoline and shims for Lua's function-like macros.
        .target(name: "CNSRunLua", dependencies: ["CLua"]),
        // The Lua host and the `ns` bindings.
        .target(name: "NSRunLua", dependencies: ["NSRunCore", "CNSRunLua", "CLua"]),
        // The thin command.
        .executableTarget(name: "nsrun", dependencies: ["NSRunLua"]),
        .testTarget(name: "NSRunCoreTests", dependencies: ["NSRunCore"]),
        .testTarget(name: "NSRunLuaTests", dependencies: ["NSRunLua"]),
        .testTarget(name: "NSRunTests", dependencies: ["nsrun"]),
    ]
)
