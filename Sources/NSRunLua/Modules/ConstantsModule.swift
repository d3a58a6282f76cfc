import NSRunCore

/// The CLONE_* constants (as ns.X and globals), the clone3 sizes, ns.errno
/// and ns.signals.
enum ConstantsModule {
    static let module = LuaModule(
        constants: CloneFlags.named
            + [LuaConstant("CSIGNAL", Int64(CloneFlags.csignal)),
               LuaConstant("CLONE_ARGS_SIZE_VER0", Int64(CloneArgsSize.ver0)),
               LuaConstant("CLONE_ARGS_SIZE_VER1", Int64(CloneArgsSize.ver1)),
               LuaConstant("CLONE_ARGS_SIZE_VER2", Int64(CloneArgsSize.ver2))],
        fields: [
            .constantTable("errno") { ErrnoNames.all },
            .constantTable("signals") { Signals.all.map { LuaConstant("SIG" + $0.name, Int64($0.number)) } },
        ],
        constantsAreGlobals: true
    )
}
