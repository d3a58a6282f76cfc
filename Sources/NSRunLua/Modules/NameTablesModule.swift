import NSRunCore

/// ns.errno, ns.signals and ns.namespaces (name → CLONE_NEW* flag): tables
/// of names, each listed on its first read.
///
/// Apart from the modules a start-up or a sandbox builds (ConstantsModule
/// for the globals; NamespaceModule, which a lookup passes on its way to
/// FDModule): a module's `fields` are an array of LuaField, whose type is
/// built from its mangled name when the first such array is made, and most
/// recipes never read these tables. Last in `LuaHost.module(i)`: a lookup
/// reaches it only after every other module.
enum NameTablesModule {
    static let module = LuaModule(
        fields: [
            .constantTable("errno") { ErrnoNames.all },
            .constantTable("signals") { Signals.all.map { LuaConstant("SIG" + $0.name, Int64($0.number)) } },
            .constantTable("namespaces") { Namespaces.all.map { LuaConstant($0.name, Int64($0.flag.rawValue)) } },
        ]
    )
}
