// swift-tools-version:6.0
// nsrun: Lua recipes over Linux process and namespace primitives.
// Dependency direction (docs/ARCHITECTURE.md):
//   nsrun → NSRunLua → NSRunCore → CNSRunSys;  NSRunLua → CNSRunLua → CLua
//   NSRunCore → CLibNL (libnl-route-3), CLibSeccomp (libseccomp)
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
        // Debian's libcap, for the tests only: they check nsrun's capability
        // names against libcap's. nsrun itself uses the raw syscalls (libcap's
        // constructor makes prctl calls at every start-up).
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
        .target(name: "NSRunCore", dependencies: ["CNSRunSys", "CLibNL", "CLibSeccomp"]),
        // The lua_error trampoline and shims for Lua's function-like macros.
        // lua/ holds the recipe library, embedded by library.c (#embed).
        .target(name: "CNSRunLua", dependencies: ["CLua"], exclude: ["lua"]),
        // The Lua host and the `ns` bindings.
        .target(name: "NSRunLua", dependencies: ["NSRunCore", "CNSRunLua", "CLua"]),
        // The thin command.
        .executableTarget(name: "nsrun", dependencies: ["NSRunLua"]),
        .testTarget(name: "NSRunCoreTests", dependencies: ["NSRunCore", "CLibCap"]),
        .testTarget(name: "NSRunLuaTests", dependencies: ["NSRunLua"]),
        .testTarget(name: "NSRunTests", dependencies: ["nsrun"], exclude: ["lua"]),
    ]
)
