// swift-tools-version:6.0
// nsrun: Lua recipes over Linux process and namespace primitives.
// Dependency direction (docs/ARCHITECTURE.md):
//   nsrun → NSRunLua → NSRunCore → CNSRunSys;  NSRunLua → CNSRunLua → CLua
//   NSRunCore → CLibNL (libnl-route-3), CLibCap (libcap), CLibSeccomp (libseccomp)
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
        // Debian's libnl-route-3: netlink for ns.ifup, veth, addr_add,
        // route_add_default. Static .a files, so the static build links it.
        .systemLibrary(
            name: "CLibNL",
            pkgConfig: "libnl-route-3.0",
            providers: [.apt(["libnl-route-3-dev"])]
        ),
        // Debian's libcap: capability names and sets (static .a).
        .systemLibrary(
            name: "CLibCap",
            pkgConfig: "libcap",
            providers: [.apt(["libcap-dev"])]
        ),
        // Debian's libseccomp: syscall names and BPF filters (static .a).
        .systemLibrary(
            name: "CLibSeccomp",
            pkgConfig: "libseccomp",
            providers: [.apt(["libseccomp-dev"])]
        ),
        // Raw syscalls and the clone paths Swift cannot express.
        .target(name: "CNSRunSys"),
        // Pure Swift port of LXC's process utilities; never sees Lua.
        .target(name: "NSRunCore", dependencies: ["CNSRunSys", "CLibNL", "CLibCap", "CLibSeccomp"]),
        // The lua_error trampoline and shims for Lua's function-like macros.
        .target(name: "CNSRunLua", dependencies: ["CLua"]),
        // The Lua host and the `ns` bindings.
        .target(name: "NSRunLua", dependencies: ["NSRunCore", "CNSRunLua", "CLua"]),
        // The thin command.
        .executableTarget(name: "nsrun", dependencies: ["NSRunLua"]),
        .testTarget(name: "NSRunCoreTests", dependencies: ["NSRunCore"]),
        .testTarget(name: "NSRunLuaTests", dependencies: ["NSRunLua"]),
        .testTarget(name: "NSRunTests", dependencies: ["nsrun"], exclude: ["lua"]),
    ]
)
