import CLua
import CNSRunLua
import NSRunCore
#if canImport(Glibc)
import Glibc
#endif

/// The Lua host: owns the lua_State, registers the `ns` table and runs
/// scripts under lua_pcall with a traceback handler. Swift enters Lua only
/// through that protected call.
public final class LuaHost {
    public let L: LuaState

    /// Module `i` of the 14, one per concern, or nil past the last; the `ns`
    /// table is their union, each name made on its first read
    /// (NSRunLibrary). The order puts first those a sandbox uses.
    /// ConstantsModule and ProcessModule publish the globals.
    /// A switch, not an array: an array of LuaModule had its metadata built
    /// from a mangled name at every start-up (callgrind), and a module is
    /// built only when a lookup first reaches it.
    static func module(_ i: Int) -> LuaModule? {
        switch i {
        case 0: return ConstantsModule.module
        case 1: return ProcessModule.module
        case 2: return ExecModule.module
        case 3: return MountModule.module
        case 4: return IdentityModule.module
        case 5: return FDModule.module
        case 6: return SupervisionModule.module
        case 7: return CapabilitiesModule.module
        case 8: return NamespaceModule.module
        case 9: return NetModule.module
        case 10: return SeccompModule.module
        case 11: return LandlockModule.module
        // The two with `fields` last: an array of LuaField has its type built
        // at run time, and a lookup builds every module before the one that
        // holds the name (NameTablesModule).
        case 12: return CgroupModule.module
        case 13: return NameTablesModule.module
        default: return nil
        }
    }

    /// A fresh state with the standard libraries and `ns`. nil when the state
    /// cannot be created (out of memory).
    public init?() {
        guard let L = luaL_newstate() else { return nil }
        self.L = L
        // Nothing built at start-up is garbage: collecting during it is wasted work.
        nsrun_lua_gc_stop(L)
        guard nsrun_lua_openlibs(L) == LUA_OK else { lua_close(L); return nil }
        registerNS()
        nsrun_lua_gc_restart_after(L, Int32(NSRUN_GC_ALLOWANCE_KIB))
    }

    deinit { lua_close(L) }

    /// Builds `ns` (NSRunLibrary.push), publishes it as a global and as
    /// package.loaded.nsrun (so `require "nsrun"` returns it), and sets the
    /// mission's globals.
    private func registerNS() {
        NSRunLibrary.push(L, globals: true)
        nsrun_lua_pop(L, 1)
    }

    /// Where a script comes from.
    public enum Source {
        case file(String)      // a path; "-" is stdin
        case chunk(String)     // -e CHUNK
    }

    /// Loads a chunk without running it. nil on success, else the message.
    public func load(_ source: Source) -> String? {
        let status: Int32
        switch source {
        case .file(let path):
            status = nsrun_lua_loadfile(L, path)
        case .chunk(let text):
            var text = text
            status = text.withUTF8 { buf in
                buf.withMemoryRebound(to: CChar.self) {
                    luaL_loadbufferx(L, $0.baseAddress, $0.count, "=(command line)", nil)
                }
            }
        }
        if status == LUA_OK { return nil }
        let msg = lua_tolstring(L, -1, nil).map { String(cString: $0) } ?? "cannot load chunk"
        lua_settop(L, 0)
        return msg
    }

    /// Sets the global `arg` as lua(1) does: arg[0] the script, arg[1..n] its
    /// arguments, arg[-1] the interpreter.
    public func setArg(program: String, script: String, args: [String]) {
        lua_createtable(L, Int32(args.count), 2)
        pushString(L, program); lua_rawseti(L, -2, -1)
        pushString(L, script); lua_rawseti(L, -2, 0)
        for (i, a) in args.enumerated() {
            pushString(L, a); lua_rawseti(L, -2, lua_Integer(i + 1))
        }
        LuaTable.pushGlobals(L)
        lua_rotate(L, -2, 1)
        LuaTable.setField(L, -2, "arg")
        nsrun_lua_pop(L, 1)
    }

    /// Loads and runs a script with `args` as `...`. Returns the process exit
    /// status: the script's returned status (integer 0–255, true → 0,
    /// false → 1, nothing → 0), or 1 after printing an uncaught error with
    /// its traceback.
    public func run(_ source: Source, args: [String]) -> Int32 {
        if let msg = load(source) {
            writeStderr("nsrun: \(msg)\n")
            return 1
        }
        for a in args { pushString(L, a) }
        if nsrun_lua_pcall_traceback(L, Int32(args.count), 1) != LUA_OK {
            if nsrun_lua_is_dry_run_end(L, -1) != 0 {
                // A dry run reached the script's own exec or _exit.
                lua_settop(L, 0)
                return 0
            }
            ProcessModule.reportError(L, prefix: "nsrun: ")
            lua_settop(L, 0)
            return 1
        }
        let status = ProcessModule.exitStatus(of: L, -1, who: "script")
        lua_settop(L, 0)
        return status
    }
}

extension LuaHost {
    /// Turns --trace or --dry-run on for every `ns` call from now on.
    public func setMode(_ mode: ObserveMode) {
        // A dry run's clone returns a fake pidfd made in C (observe.c) with
        // the handle metatable, which is otherwise made by the first real pidfd.
        if mode != .run { PidfdHandle.ensureMetatable(L) }
        switch mode {
        case .run: nsrun_lua_set_mode(Int32(NSRUN_MODE_RUN), nil)
        case .trace: nsrun_lua_set_mode(Int32(NSRUN_MODE_TRACE), FlagNames.format)
        case .dryRun: nsrun_lua_set_mode(Int32(NSRUN_MODE_DRY_RUN), FlagNames.format)
        }
    }
}

/// Flag words for trace lines: clone and unshare flags as CLONE_* names,
/// mount flags as mount(8) words.
enum FlagNames {
    static let format: nsrun_flag_formatter = { fn, arg, value, out, len in
        let name = String(cString: fn)
        var text: String
        switch (name, arg) {
        case ("clone", 1), ("raw_clone", 1), ("unshare", 1), ("setns", 2):
            text = CloneFlags(rawValue: UInt64(bitPattern: value)).description
        case ("mount", 4):
            let words = MountFlags.named.filter { UInt64(bitPattern: value) & UInt64(bitPattern: $0.value) != 0 }
                .map { String($0.name.dropFirst(3)).lowercased() }
            text = words.isEmpty ? "0" : words.joined(separator: "|")
        default:
            return 0
        }
        text = String(text.utf8.prefix(len - 1)) ?? text
        _ = text.withCString { strncpy(out, $0, len - 1) }
        out[len - 1] = 0
        return 1
    }
}

/// The version nsrun reports (`--version`, `ns.version`).
public enum NSRunVersion {
    public static let number = "0.1.0"
    public static var string: String { "nsrun \(number) (\(String(cString: nsrun_lua_release())))" }
}
