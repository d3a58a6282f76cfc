import NSRunCore

/// The CLONE_* constants (as ns.X and globals), the clone3 sizes, ns.errno
/// and ns.signals.
enum ConstantsModule {
    static let module: LuaModule = {
        var m = LuaModule()
        m.constants = CloneFlags.named.map { ($0.name, Int64(bitPattern: $0.flag.rawValue)) }
            + [("CSIGNAL", Int64(CloneFlags.csignal)),
               ("CLONE_ARGS_SIZE_VER0", Int64(CloneArgsSize.ver0)),
               ("CLONE_ARGS_SIZE_VER1", Int64(CloneArgsSize.ver1)),
               ("CLONE_ARGS_SIZE_VER2", Int64(CloneArgsSize.ver2))]
        m.globals = m.constants.map(\.0)
        m.tables = [
            ("errno", ErrnoNames.all.map { ($0.name, Int64($0.value)) }),
            ("signals", Signals.all.map { ("SIG" + $0.name, Int64($0.number)) }),
        ]
        return m
    }()
}
