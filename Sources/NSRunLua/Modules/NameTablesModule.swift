import NSRunCore

/// ns.errno and ns.signals: tables of names, each listed on its first read.
///
/// Apart from ConstantsModule, which every start-up builds for the globals:
/// a module's `fields` are an array of LuaField, whose type is built from
/// its mangled name when the first such array is made, and most recipes
/// never read these tables. Last in `LuaHost.module(i)`: a lookup reaches it
/// only after every other module.
enum NameTablesModule {
    static let module = LuaModule(
        fields: [
            .constantTable("errno") { ErrnoNames.all },
            .constantTable("signals") { Signals.all.map { LuaConstant("SIG" + $0.name, Int64($0.number)) } },
        ]
    )
}
