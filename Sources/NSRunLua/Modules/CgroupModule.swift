import CLua
import CNSRunLua
import NSRunCore
#if canImport(Glibc)
import Glibc
#endif

/// The userdata of a cgroup handle: a retained `Cgroup`, released by __gc.
struct CgroupBox {
    var object: UnsafeMutableRawPointer?
}

/// ns.cgroup: `ns.cgroup.create(name [, {parent=}])` and the cgroup handle
/// (userdata "nsrun.cgroup"): fields `fd`, `path`, `name`, `v1_path`;
/// methods set, get, add, procs, kill, freeze, thaw, events, limit, remove;
/// __gc and __close remove the cgroup (creator only, see CgroupRegistry),
/// __tostring. A removed handle raises "cgroup is removed" when used.
enum CgroupModule {
    static let module = LuaModule(
        fields: [LuaField("cgroup") { L in CgroupModule.pushTable(L) }]
    )

    static let metatable = "nsrun.cgroup"

    // MARK: handle plumbing

    static func push(_ L: LuaState, _ cg: Cgroup) {
        let raw = lua_newuserdatauv(L, MemoryLayout<CgroupBox>.size, 0)!
        raw.bindMemory(to: CgroupBox.self, capacity: 1)
            .initialize(to: CgroupBox(object: Unmanaged.passRetained(cg).toOpaque()))
        ensureMetatable(L)
        luaL_setmetatable(L, metatable)
    }

    static func box(_ L: LuaState, _ i: Int32) -> UnsafeMutablePointer<CgroupBox>? {
        luaL_testudata(L, i, metatable)?.bindMemory(to: CgroupBox.self, capacity: 1)
    }

    /// The Cgroup of a handle at `i`, whatever its state (nil: not a handle).
    static func object(_ L: LuaState, _ i: Int32) -> Cgroup? {
        guard let p = box(L, i)?.pointee.object else { return nil }
        return Unmanaged<Cgroup>.fromOpaque(p).takeUnretainedValue()
    }

    /// The live cgroup of the handle at `i`: raises for anything else, and
    /// "cgroup is removed" once removed.
    static func live(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> Cgroup {
        guard let cg = object(L, i) else { throw LuaArgs.expected(L, i, "cgroup") }
        guard !cg.isRemoved else { throw .argument(i, "cgroup is removed") }
        return cg
    }

    /// For ProcessModule.cgroupFD: the directory fd of a cgroup handle at
    /// `v` (nil when `v` is not one); raises for a removed handle.
    static func fd(_ L: LuaState, _ v: Int32, arg: Int32) throws(LuaRaise) -> Int32? {
        guard let cg = object(L, v) else { return nil }
        guard !cg.isRemoved else { throw .argument(arg, "'cgroup': cgroup is removed") }
        return cg.fd
    }

    /// __gc (release: true) and __close: dispose of the cgroup (removed by
    /// its creator, only closed elsewhere); a failure is reported on stderr
    /// and the atexit handler tries again.
    static func dispose(_ L: LuaState, release: Bool) -> Int32 {
        guard let b = box(L, 1), let p = b.pointee.object else { return 0 }
        let cg = Unmanaged<Cgroup>.fromOpaque(p).takeUnretainedValue()
        if let e = CgroupRegistry.dispose(cg) {
            writeStderr("nsrun: cgroup \(cg.path) left behind: \(e.message)\n")
        }
        if release {
            b.pointee.object = nil
            Unmanaged<Cgroup>.fromOpaque(p).release()
        }
        return 0
    }

    /// `value` at index `i` as a Lua integer or string for an interface
    /// file (integers in decimal).
    static func fileValue(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> String {
        switch lua_type(L, i) {
        case LUA_TSTRING: return try LuaArgs.string(L, i)
        case LUA_TNUMBER: return String(try LuaArgs.integer(L, i))
        default: throw LuaArgs.expected(L, i, "string or integer")
        }
    }

    static func key(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> String {
        let k = try LuaArgs.string(L, i)
        if let why = CgroupValues.keyRefusal(k) { throw .argument(i, why) }
        return k
    }

    /// A core value check, its refusal raised as a bad argument #2 naming `field`.
    static func usage(_ field: String, _ body: () throws(UsageError) -> String) throws(LuaRaise) -> String {
        do throws(UsageError) { return try body() } catch { throw .argument(2, "'\(field)': \(error.reason)") }
    }

    static func succeed(_ L: LuaState) -> Int32 {
        lua_pushboolean(L, 1)
        return 1
    }

    // MARK: ns.cgroup.create

    /// ns.cgroup.create(name [, {parent = path|cgroup}]) → cgroup.
    static let create: nsrun_binding = { L in binding(L) { L throws(LuaRaise) in
        let name = try LuaArgs.string(L, 1)
        if let why = CgroupValues.nameRefusal(name) { throw .argument(1, why) }
        var parent = Cgroup.Parent.own
        try LuaArgs.options(L, 2, allowed: ["parent"]) { (_: String) throws(LuaRaise) in
            if let cg = object(L, -1) {
                guard !cg.isRemoved else { throw .argument(2, "'parent': cgroup is removed") }
                parent = .handle(cg)
            } else if lua_type(L, -1) == LUA_TSTRING {
                let p = try LuaArgs.stringValue(L, -1, arg: 2, field: "parent")
                guard p.hasPrefix("/") else { throw .argument(2, "'parent': absolute path expected, got '\(p)'") }
                parent = .path(p)
            } else {
                throw .argument(2, "'parent': cgroup or path expected, got \(LuaArgs.typeName(L, -1))")
            }
        }
        do throws(SysError) {
            push(L, try Cgroup.create(name, parent: parent))
            return 1
        } catch { return pushFailure(L, error) }
    } }

    // MARK: methods

    static let methods: [LuaFunction] = [
        LuaFunction("add", { L in binding(L) { L throws(LuaRaise) in
            let cg = try live(L, 1)
            let pid: Int64
            if let p = PidfdHandle.box(L, 2) {
                guard p.pointee.fd >= 0 else { throw .argument(2, "pidfd is closed") }
                pid = Int64(p.pointee.pid)
            } else if lua_type(L, 2) == LUA_TNUMBER {
                pid = try LuaArgs.integer(L, 2, in: 0...Int64(Int32.max), "pid")
            } else {
                throw LuaArgs.expected(L, 2, "pid or pidfd")
            }
            do throws(SysError) { try cg.add(pid_t(pid)) } catch { return pushFailure(L, error) }
            return succeed(L)
        } }),
        LuaFunction("events", { L in binding(L) { L throws(LuaRaise) in
            let cg = try live(L, 1)
            let files: [(file: String, values: [(String, Int64)])]
            do throws(SysError) { files = try cg.events() } catch { return pushFailure(L, error) }
            lua_createtable(L, 0, Int32(files.count))
            for (file, values) in files {
                lua_createtable(L, 0, Int32(values.count))
                for (k, v) in values {
                    lua_pushinteger(L, lua_Integer(v))
                    LuaTable.setField(L, -2, k)
                }
                LuaTable.setField(L, -2, file)
            }
            return 1
        } }),
        LuaFunction("freeze", { L in binding(L) { L throws(LuaRaise) in
            let cg = try live(L, 1)
            do throws(SysError) { try cg.freeze() } catch { return pushFailure(L, error) }
            return succeed(L)
        } }),
        LuaFunction("get", { L in binding(L) { L throws(LuaRaise) in
            let cg = try live(L, 1)
            let k = try key(L, 2)
            do throws(SysError) { pushString(L, try cg.get(k)) } catch { return pushFailure(L, error) }
            return 1
        } }),
        LuaFunction("kill", { L in binding(L) { L throws(LuaRaise) in
            let cg = try live(L, 1)
            do throws(SysError) { try cg.kill() } catch { return pushFailure(L, error) }
            return succeed(L)
        } }),
        LuaFunction("limit", { L in binding(L) { L throws(LuaRaise) in
            let cg = try live(L, 1)
            try LuaArgs.table(L, 2)
            var limits = CgroupLimits()
            var any = false
            try LuaArgs.options(L, 2, allowed: ["cpu", "memory", "pids"]) { (k: String) throws(LuaRaise) in
                any = true
                switch (k, lua_type(L, -1)) {
                case ("memory", LUA_TNUMBER):
                    let n = try LuaArgs.integerValue(L, -1, arg: 2, field: k)
                    limits.memory = try usage(k) { () throws(UsageError) in try CgroupValues.memory(bytes: n) }
                case ("memory", LUA_TSTRING):
                    let s = try LuaArgs.stringValue(L, -1, arg: 2, field: k)
                    limits.memory = try usage(k) { () throws(UsageError) in try CgroupValues.memory(s) }
                case ("pids", LUA_TNUMBER):
                    let n = try LuaArgs.integerValue(L, -1, arg: 2, field: k)
                    limits.pids = try usage(k) { () throws(UsageError) in try CgroupValues.pids(n) }
                case ("pids", LUA_TSTRING):
                    let s = try LuaArgs.stringValue(L, -1, arg: 2, field: k)
                    limits.pids = try usage(k) { () throws(UsageError) in try CgroupValues.pids(s) }
                case ("cpu", LUA_TSTRING):
                    let s = try LuaArgs.stringValue(L, -1, arg: 2, field: k)
                    limits.cpu = try usage(k) { () throws(UsageError) in try CgroupValues.cpu(s) }
                case ("cpu", _):
                    throw .argument(2, "'cpu': string expected (\"50%\" or \"max\"), got \(LuaArgs.typeName(L, -1))")
                default:
                    throw .argument(2, "'\(k)': integer or string expected, got \(LuaArgs.typeName(L, -1))")
                }
            }
            guard any else { throw .argument(2, "no limit given (expected cpu, memory, pids)") }
            do throws(SysError) { try cg.limit(limits) } catch { return pushFailure(L, error) }
            return succeed(L)
        } }),
        LuaFunction("procs", { L in binding(L) { L throws(LuaRaise) in
            let cg = try live(L, 1)
            let pids: [pid_t]
            do throws(SysError) { pids = try cg.procs() } catch { return pushFailure(L, error) }
            lua_createtable(L, Int32(pids.count), 0)
            for (i, pid) in pids.enumerated() {
                lua_pushinteger(L, lua_Integer(pid))
                lua_rawseti(L, -2, lua_Integer(i + 1))
            }
            return 1
        } }),
        LuaFunction("remove", { L in binding(L) { L throws(LuaRaise) in
            let cg = try live(L, 1)
            do throws(SysError) { try cg.remove() } catch { return pushFailure(L, error) }
            return succeed(L)
        } }),
        LuaFunction("set", { L in binding(L) { L throws(LuaRaise) in
            let cg = try live(L, 1)
            let k = try key(L, 2)
            let v = try fileValue(L, 3)
            do throws(SysError) { try cg.set(k, v) } catch { return pushFailure(L, error) }
            return succeed(L)
        } }),
        LuaFunction("thaw", { L in binding(L) { L throws(LuaRaise) in
            let cg = try live(L, 1)
            do throws(SysError) { try cg.thaw() } catch { return pushFailure(L, error) }
            return succeed(L)
        } }),
    ]

    /// __index(handle, key): the fields fd (raises once removed), path,
    /// name, v1_path; otherwise the method of that name.
    static let index: nsrun_binding = { L in binding(L) { L throws(LuaRaise) in
        guard let cg = object(L, 1) else { throw LuaArgs.expected(L, 1, "cgroup") }
        if lua_type(L, 2) == LUA_TSTRING {
            switch try LuaArgs.string(L, 2) {
            case "fd":
                guard !cg.isRemoved else { throw .message("cgroup is removed: " + cg.path) }
                lua_pushinteger(L, lua_Integer(cg.fd))
                return 1
            case "path": pushString(L, cg.path); return 1
            case "name": pushString(L, cg.name); return 1
            case "v1_path":
                if let p = cg.v1Path, !cg.isRemoved { pushString(L, p) } else { lua_pushnil(L) }
                return 1
            default: break
            }
        }
        guard lua_getmetatable(L, 1) != 0 else { lua_pushnil(L); return 1 }
        LuaTable.getField(L, -1, "methods")
        lua_pushvalue(L, 2)
        lua_rawget(L, -2)
        return 1
    } }

    /// Pushes a new ns.cgroup table, `{create = ...}`, and makes sure the
    /// handle metatable exists (TypesTests reads its method names).
    static func pushTable(_ L: LuaState) {
        ensureMetatable(L)
        lua_createtable(L, 0, 1)
        nsrun_lua_pushbinding(L, create, "cgroup.create")
        LuaTable.setField(L, -2, "create")
    }

    /// Creates the handle metatable in the registry on first use (a recipe
    /// that never makes a cgroup never pays for it); the stack is unchanged.
    static func ensureMetatable(_ L: LuaState) {
        guard luaL_newmetatable(L, metatable) != 0 else { nsrun_lua_pop(L, 1); return }
        nsrun_lua_pushbinding(L, { L in CgroupModule.dispose(L, release: true) }, "__gc")
        LuaTable.setField(L, -2, "__gc")
        nsrun_lua_pushbinding(L, { L in CgroupModule.dispose(L, release: false) }, "__close")
        LuaTable.setField(L, -2, "__close")
        nsrun_lua_pushbinding(L, { L in
            if let cg = CgroupModule.object(L, 1) {
                pushString(L, "cgroup " + cg.path + (cg.isRemoved ? " (removed)" : ""))
            } else { lua_pushnil(L) }
            return 1
        }, "__tostring")
        LuaTable.setField(L, -2, "__tostring")
        nsrun_lua_pushbinding(L, index, "__index")
        LuaTable.setField(L, -2, "__index")
        lua_createtable(L, 0, Int32(methods.count))
        LuaTable.setFunctions(L, -1, methods)
        LuaTable.setField(L, -2, "methods")
        nsrun_lua_pop(L, 1)
    }
}
