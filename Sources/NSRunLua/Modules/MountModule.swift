import CLua
import CNSRunLua
import NSRunCore
#if canImport(Glibc)
import Glibc
#endif

/// Mounts and the root: ns.mount, umount, bind, make_private, mount_proc,
/// mount_dev, mount_tmpfs, pivot_root, remount_ro, chroot, chdir, mkdir, symlink, and the
/// MS_* / MNT_* constants.
enum MountModule {
    static let module = LuaModule(
        functions: [
            LuaFunction("bind", { L in binding(L) { L throws(LuaRaise) in
                let source = try LuaArgs.string(L, 1)
                let dst = try LuaArgs.string(L, 2)
                var options = BindOptions(), root: String? = nil
                try LuaArgs.options(L, 3, allowed: ["ro", "rec", "nosuid", "nodev", "noexec", "root"]) { key throws(LuaRaise) in
                    switch key {
                    case "root": root = try LuaArgs.stringValue(L, -1, arg: 3, field: key)
                    case "ro": options.readOnly = try LuaArgs.boolValue(L, -1, arg: 3, field: key)
                    case "rec": options.recursive = try LuaArgs.boolValue(L, -1, arg: 3, field: key)
                    case "nosuid": options.nosuid = try LuaArgs.boolValue(L, -1, arg: 3, field: key)
                    case "nodev": options.nodev = try LuaArgs.boolValue(L, -1, arg: 3, field: key)
                    default: options.noexec = try LuaArgs.boolValue(L, -1, arg: 3, field: key)
                    }
                }
                return done(L) { () throws(SysError) in try NSRunCore.bind(source: source, target: MountTarget(dst, root: root), options: options) }
            } }),
            LuaFunction("chdir", { L in binding(L) { L throws(LuaRaise) in
                let path = try LuaArgs.string(L, 1)
                return done(L) { () throws(SysError) in try changeDirectory(path) }
            } }),
            LuaFunction("chroot", { L in binding(L) { L throws(LuaRaise) in
                let path = try LuaArgs.string(L, 1)
                return done(L) { () throws(SysError) in try changeRoot(path) }
            } }),
            LuaFunction("make_private", { L in binding(L) { L throws(LuaRaise) in
                let path = try LuaArgs.string(L, 1)
                var recursive = true
                if !LuaArgs.isNoneOrNil(L, 2) { recursive = try LuaArgs.boolValue(L, 2, arg: 2, field: "recursive") }
                let flags = UInt(1 << 18) | (recursive ? 16384 : 0)
                return done(L) { () throws(SysError) in try NSRunCore.mount(source: nil, target: path, fstype: nil, flags: flags, data: nil) }
            } }),
            LuaFunction("mkdir", { L in binding(L) { L throws(LuaRaise) in
                let path = try LuaArgs.string(L, 1)
                let mode = try LuaArgs.optionalInteger(L, 2) ?? 0o755
                guard (0...0o7777).contains(mode) else { throw .argument(2, "mode out of range 0..0o7777") }
                var parents = false
                if !LuaArgs.isNoneOrNil(L, 3) { parents = try LuaArgs.boolValue(L, 3, arg: 3, field: "parents") }
                return done(L) { () throws(SysError) in try makeDirectory(path, mode: mode_t(mode), parents: parents) }
            } }),
            LuaFunction("mount", { L in binding(L) { L throws(LuaRaise) in
                let source = try LuaArgs.optionalString(L, 1)
                let target = try LuaArgs.string(L, 2)
                let fstype = try LuaArgs.optionalString(L, 3)
                let flags = try mountFlags(L, 4)
                let data = try LuaArgs.optionalString(L, 5)
                var root: String? = nil
                try LuaArgs.options(L, 6, allowed: ["root"]) { key throws(LuaRaise) in
                    root = try LuaArgs.stringValue(L, -1, arg: 6, field: key)
                }
                if let root {
                    return done(L) { () throws(SysError) in
                        try mountResolved(source: source, target: MountTarget(target, root: root), fstype: fstype, flags: flags, data: data)
                    }
                }
                return done(L) { () throws(SysError) in try NSRunCore.mount(source: source, target: target, fstype: fstype, flags: flags, data: data) }
            } }),
            LuaFunction("mount_dev", { L in binding(L) { L throws(LuaRaise) in
                let target = try rootedTarget(L)
                return done(L) { () throws(SysError) in try mountDev(target) }
            } }),
            LuaFunction("mount_proc", { L in binding(L) { L throws(LuaRaise) in
                let target = try rootedTarget(L)
                return done(L) { () throws(SysError) in try mountProc(target) }
            } }),
            LuaFunction("mount_tmpfs", { L in binding(L) { L throws(LuaRaise) in
                let path = try LuaArgs.string(L, 1)
                var root: String? = nil
                var options: [(String, String?)] = []
                try LuaArgs.options(L, 2, allowed: ["root", "size", "mode", "options"]) { key throws(LuaRaise) in
                    switch key {
                    case "root": root = try LuaArgs.stringValue(L, -1, arg: 2, field: key)
                    case "mode":
                        let m = try LuaArgs.integerValue(L, -1, arg: 2, field: key)
                        guard (0...0o7777).contains(m) else { throw .argument(2, "'mode' out of range 0..0o7777") }
                        options.append(("mode", String(m, radix: 8)))
                    case "size":
                        if lua_type(L, -1) == LUA_TNUMBER {
                            let n = try LuaArgs.integerValue(L, -1, arg: 2, field: key)
                            guard n > 0 else { throw .argument(2, "'size' must be positive") }
                            options.append(("size", String(n)))
                        } else {
                            let s = try LuaArgs.stringValue(L, -1, arg: 2, field: key)
                            guard isTmpfsSize(s) else { throw .argument(2, "'size': expected bytes or a size like \"16m\", got \"\(s)\"") }
                            options.append(("size", s))
                        }
                    default:
                        options += MountOptionNames.splitData(try LuaArgs.stringValue(L, -1, arg: 2, field: key))
                    }
                }
                let target = MountTarget(path, root: root)
                return done(L) { () throws(SysError) in try mountTmpfs(target, options: options) }
            } }),
            LuaFunction("pivot_root", { L in binding(L) { L throws(LuaRaise) in
                let newRoot = try LuaArgs.string(L, 1)
                let putOld = try LuaArgs.string(L, 2)
                return done(L) { () throws(SysError) in try pivotRoot(newRoot, putOld) }
            } }),
            LuaFunction("remount_ro", { L in binding(L) { L throws(LuaRaise) in
                let path = try LuaArgs.string(L, 1)
                var root: String? = nil, recursive = false
                try LuaArgs.options(L, 2, allowed: ["rec", "root"]) { key throws(LuaRaise) in
                    if key == "root" { root = try LuaArgs.stringValue(L, -1, arg: 2, field: key) }
                    else { recursive = try LuaArgs.boolValue(L, -1, arg: 2, field: key) }
                }
                let target = MountTarget(path, root: root)
                return done(L) { () throws(SysError) in try remountReadOnly(target, recursive: recursive) }
            } }),
            LuaFunction("symlink", { L in binding(L) { L throws(LuaRaise) in
                let target = try LuaArgs.string(L, 1)
                let path = try LuaArgs.string(L, 2)
                return done(L) { () throws(SysError) in try makeSymlink(target: target, path: path) }
            } }),
            LuaFunction("umount", { L in binding(L) { L throws(LuaRaise) in
                let target = try LuaArgs.string(L, 1)
                let flags = try LuaArgs.optionalInteger(L, 2) ?? 0
                let known = MountFlags.umountNamed.reduce(Int64(0)) { $0 | $1.value }
                guard flags & ~known == 0 else { throw .argument(2, "unknown umount flags 0x\(String(flags & ~known, radix: 16))") }
                return done(L) { () throws(SysError) in try NSRunCore.umount(target, flags: Int32(flags)) }
            } }),
        ],
        constants: MountFlags.named + MountFlags.umountNamed
    )

    /// `true` on success, `nil, message, errno` on a system error.
    static func done(_ L: LuaState, _ body: () throws(SysError) -> Void) -> Int32 {
        do throws(SysError) { try body() } catch { return pushFailure(L, error) }
        lua_pushboolean(L, 1)
        return 1
    }

    /// Argument 1 a path, argument 2 an optional `{root = dir}`.
    static func rootedTarget(_ L: LuaState) throws(LuaRaise) -> MountTarget {
        let path = try LuaArgs.string(L, 1)
        var root: String? = nil
        try LuaArgs.options(L, 2, allowed: ["root"]) { key throws(LuaRaise) in
            root = try LuaArgs.stringValue(L, -1, arg: 2, field: key)
        }
        return MountTarget(path, root: root)
    }

    /// Mount flags: nil, an integer of MS_* bits, or a list of mount(8)
    /// words ({"bind", "rec", "ro"}).
    static func mountFlags(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> UInt {
        switch lua_type(L, i) {
        case LUA_TNONE, LUA_TNIL: return 0
        case LUA_TTABLE:
            let words = try LuaArgs.stringList(L, i, what: "flags")
            switch MountOptionNames.flags(words) {
            case .success(let f): return f
            case .failure(let u): throw .argument(i, "unknown mount flag '\(u.word)'")
            }
        default:
            guard lua_type(L, i) == LUA_TNUMBER else { throw LuaArgs.expected(L, i, "mount flags (integer or list of names)") }
            let v = try LuaArgs.integer(L, i)
            guard let f = UInt(exactly: v), f <= UInt(UInt32.max) else { throw .argument(i, "mount flags out of range") }
            return f
        }
    }
}

/// "16m", "512k", "1g", "4096", "50%": what tmpfs accepts as a size (ASCII
/// digits only, one optional suffix).
private func isTmpfsSize(_ s: String) -> Bool {
    var digits = Substring(s)
    if let last = digits.last, "kmgKMG%".contains(last) { digits = digits.dropLast() }
    return !digits.isEmpty && digits.utf8.allSatisfy { (48...57).contains($0) }
}
