import NSRunCore

/// The CLONE_* constants (as ns.X and globals) and the clone3 sizes. No
/// `fields` here (NameTablesModule says why).
enum ConstantsModule {
    static let module = LuaModule(
        constants: CloneFlags.named
            + [LuaConstant("CSIGNAL", Int64(CloneFlags.csignal)),
               LuaConstant("CLONE_ARGS_SIZE_VER0", Int64(CloneArgsSize.ver0)),
               LuaConstant("CLONE_ARGS_SIZE_VER1", Int64(CloneArgsSize.ver1)),
               LuaConstant("CLONE_ARGS_SIZE_VER2", Int64(CloneArgsSize.ver2))],
        constantsAreGlobals: true
    )
}
