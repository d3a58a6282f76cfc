// swift-tools-version:6.0
// nsrun: Lua recipes over Linux process and namespace primitives.
// Dependency direction (docs/ARCHITECTURE.md):
//   nsrun → NSRunLua → NSRunCore → CNSRunSys;  NSRunLua → CNSRunLua → CLua
//   nsrun → CNSRunStart (start-up replacements for the Swift runtime)
//   NSRunCore → CLibNL (libnl-route-3), CLibSeccomp (libseccomp)
//   nsrun-lua (Lua module) → NSRunLuaModule → NSRunLua, CNSRunLuaModule → CLua
import PackageDescription

// nsrun as a Lua module (`require "nsrun"` from a stock lua5.4;
// README, "nsrun as a Lua module"): a shared library, declared only when
// NSRUN_LUA_MODULE=1, as scripts/build-module sets it. In every other build
// it is absent, because `swift build -c release -Xswiftc -static-executable`
// (the shipped nsrun) passes -static to every link, and a shared library
// cannot link with -static ("-shared and -static are incompatible").
let luaModuleProducts: [Product] = Context.environment["NSRUN_LUA_MODULE"] == "1"
    ? [.library(name: "nsrun-lua", type: .dynamic, targets: ["NSRunLuaModule"])]
    : []

let package = Package(
    name: "nsrun",
    products: [
        .executable(name: "nsrun", targets: ["nsrun"]),
    ] + luaModuleProducts,
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
        // The Lua module (product nsrun-lua, above): luaopen_nsrun and
        // luaopen_nsrun_sandbox in C, the Swift half that builds ns
        // (NSRunLibrary.open). Linked with the Swift runtime inside
        // (-static-stdlib: nothing needed from /opt/swift at run time) and
        // never unloaded (-z nodelete: lua_close dlcloses C modules, and a
        // Swift runtime is not made to be unloaded).
        .target(name: "CNSRunLuaModule", dependencies: ["CLua", "CNSRunLua"]),
        .target(
            name: "NSRunLuaModule",
            dependencies: ["NSRunLua", "CNSRunLuaModule"],
            linkerSettings: [.unsafeFlags(["-static-stdlib", "-Xlinker", "-z", "-Xlinker", "nodelete"])]
        ),
        // Start-up replacements linked into the nsrun executable only: argv
        // for CommandLine without libswiftCore's /proc/self/maps parse.
        .target(name: "CNSRunStart"),
        // The thin command.
        .executableTarget(name: "nsrun", dependencies: ["NSRunLua", "CNSRunStart"]),
        .testTarget(name: "NSRunCoreTests", dependencies: ["NSRunCore", "CLibCap"]),
        .testTarget(name: "NSRunLuaTests", dependencies: ["NSRunLua", "CNSRunLua", "CLua"]),
        .testTarget(name: "NSRunTests", dependencies: ["nsrun"], exclude: ["lua"]),
    ]
)
