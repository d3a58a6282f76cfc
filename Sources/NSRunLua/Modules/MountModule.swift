import CLua
import CNSRunLua
import NSRunCore

/// ns.mount, ns.umount and the MS_* / MNT_* constants.
enum MountModule {
    static let module = LuaModule(
        functions: [
            ("mount", { L in binding(L) { L throws(LuaRaise) in
                let source = try LuaArgs.optionalString(L, 1)
                let target = try LuaArgs.string(L, 2)
                let fstype = try LuaArgs.optionalString(L, 3)
                let flags = try LuaArgs.optionalInteger(L, 4) ?? 0
                guard let f = UInt(exactly: flags), f <= UInt(UInt32.max) else { throw .argument(4, "mount flags out of range") }
                let data = try LuaArgs.optionalString(L, 5)
                do throws(SysError) { try NSRunCore.mount(source: source, target: target, fstype: fstype, flags: f, data: data) }
                catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            ("umount", { L in binding(L) { L throws(LuaRaise) in
                let target = try LuaArgs.string(L, 1)
                let flags = try LuaArgs.optionalInteger(L, 2) ?? 0
                let known = MountFlags.umountNamed.reduce(Int64(0)) { $0 | Int64($1.value) }
                guard flags & ~known == 0 else { throw .argument(2, "unknown umount flags 0x\(String(flags & ~known, radix: 16))") }
                do throws(SysError) { try NSRunCore.umount(target, flags: Int32(flags)) }
                catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
        ],
        constants: MountFlags.named.map { ($0.name, Int64($0.value)) }
            + MountFlags.umountNamed.map { ($0.name, Int64($0.value)) }
    )
}
