import CLua
import CNSRunLua
import NSRunCore
#if canImport(Glibc)
import Glibc
#endif

/// clone, raw_clone, getpid, gettid, pidfd_signal, ns.wait, ns.pidfd_open, ns.mode, ns._exit.
enum ProcessModule {
    static let module = LuaModule(
        functions: [
            LuaFunction("_exit", exit),
            LuaFunction("clone", clone),
            LuaFunction("getpid", { L in lua_pushinteger(L, lua_Integer(rawGetpid())); return 1 }),
            LuaFunction("mode", { L in
                // "run", "trace" or "dry-run": how this nsrun carries out ns calls.
                let mode = nsrun_lua_mode()
                pushString(L, mode == Int32(NSRUN_MODE_TRACE) ? "trace" : mode == Int32(NSRUN_MODE_DRY_RUN) ? "dry-run" : "run")
                return 1
            }),
            LuaFunction("gettid", { L in lua_pushinteger(L, lua_Integer(rawGettid())); return 1 }),
            LuaFunction("pidfd_open", pidfdOpen),
            LuaFunction("pidfd_signal", pidfdSignal),
            LuaFunction("raw_clone", rawClone),
            LuaFunction("wait", wait),
        ],
        constants: [LuaConstant("P_PIDFD", Int64(P_PIDFD))],
        globals: ["clone", "raw_clone", "pidfd_signal", "getpid", "gettid"]
    )

    /// Flags as an integer, or a table mirroring clone3's arguments
    /// `{flags=, cgroup=, exit_signal=}` (raw_clone: no maps).
    static func request(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> CloneRequest {
        let args = try cloneArguments(L, i)
        let req = args.request, maps = args.maps, after = args.afterClone
        if maps != nil { throw .argument(i, "uid_map, gid_map and setgroups are clone's (the child waits for them), not raw_clone's") }
        if after { throw .argument(i, "after_clone is clone's (the child waits for it), not raw_clone's") }
        if args.boundingKeep != nil { throw .argument(i, "bounding_set is clone's (a function child's prelude), not raw_clone's") }
        return req
    }

    /// clone's first argument: `request`'s, plus `uid_map`, `gid_map` and
    /// `setgroups = "deny"|"allow"`, written by the parent before the child
    /// runs (CLONE_NEWUSER required), `after_clone`, a function the
    /// parent calls meanwhile (true when there is one), and `bounding_set`,
    /// the capability names the child keeps in its bounding set (a mask).
    static func cloneArguments(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> CloneArguments {
        switch lua_type(L, i) {
        case LUA_TNUMBER:
            return CloneArguments(request: CloneRequest(flags: CloneFlags(rawValue: UInt64(bitPattern: try LuaArgs.integer(L, i)))))
        case LUA_TTABLE:
            var req = CloneRequest(flags: [])
            // The maps are gathered here and made into one UserNamespaceMaps
            // at the end: its properties are constants, so reading them
            // needs no run-time exclusivity check.
            var uidMap: IdMap? = nil, gidMap: IdMap? = nil
            var setgroups: Bool? = nil
            var after = false
            var bounding: UInt64? = nil
            lua_pushnil(L)
            while lua_next(L, i) != 0 {
                defer { nsrun_lua_pop(L, 1) }
                guard lua_type(L, -2) == LUA_TSTRING else { throw .argument(i, "clone arguments take names as keys, got \(LuaArgs.typeName(L, -2))") }
                let key = try LuaArgs.stringValue(L, -2, arg: i)
                switch key {
                case "flags":
                    req.flags = CloneFlags(rawValue: UInt64(bitPattern: try LuaArgs.integerValue(L, -1, arg: i, field: key)))
                case "cgroup":
                    req.cgroupFD = try cgroupFD(L, -1, arg: i)
                case "exit_signal":
                    req.exitSignal = try exitSignal(L, -1, arg: i)
                case "uid_map", "gid_map":
                    let map = try idMapField(L, -1, arg: i, field: key)
                    if key == "uid_map" { uidMap = map } else { gidMap = map }
                case "setgroups":
                    let v = lua_type(L, -1) == LUA_TSTRING ? try LuaArgs.stringValue(L, -1, arg: i) : ""
                    guard v == "deny" || v == "allow" else {
                        throw .argument(i, "'setgroups': expected \"deny\" or \"allow\", got \(lua_type(L, -1) == LUA_TSTRING ? "'\(v)'" : LuaArgs.typeName(L, -1))")
                    }
                    setgroups = v == "deny"
                case "after_clone":
                    guard lua_type(L, -1) == LUA_TFUNCTION else {
                        throw .argument(i, "'after_clone': function expected, got \(LuaArgs.typeName(L, -1))")
                    }
                    after = true
                case "bounding_set":
                    let names = try CapabilitiesModule.nameList(L, -1, arg: i, what: key)
                    do throws(UsageError) { bounding = try Capabilities.mask(named: names) }
                    catch { throw .argument(i, "'bounding_set': \(error.reason)") }
                default:
                    throw .argument(i, "unknown clone argument '\(key)' (expected flags, cgroup, exit_signal, uid_map, gid_map, setgroups, after_clone, bounding_set)")
                }
            }
            var maps: UserNamespaceMaps? = nil
            if uidMap != nil || gidMap != nil || setgroups != nil {
                guard req.flags.contains(.newUser) else {
                    throw .argument(i, "uid_map, gid_map and setgroups need CLONE_NEWUSER in flags")
                }
                maps = UserNamespaceMaps(uid: uidMap, gid: gidMap, denySetgroups: setgroups ?? false)
            }
            return CloneArguments(request: req, maps: maps, afterClone: after, boundingKeep: bounding)
        default:
            throw LuaArgs.expected(L, i, "flags (integer or table)")
        }
    }

    /// What `cloneArguments` read. A struct, not a tuple: a tuple holding an
    /// optional has its metadata built from a mangled name at run time, 41k
    /// instructions on every clone path's first call (callgrind).
    struct CloneArguments {
        var request: CloneRequest
        var maps: UserNamespaceMaps? = nil
        var afterClone = false
        var boundingKeep: UInt64? = nil
    }

    /// A map in a clone table: IdentityModule.idMap's forms, its errors
    /// naming the field.
    static func idMapField(_ L: LuaState, _ v: Int32, arg: Int32, field: String) throws(LuaRaise) -> IdMap {
        do throws(LuaRaise) { return try IdentityModule.idMap(L, lua_absindex(L, v)) } catch {
            if case .argument(_, let why) = error { throw .argument(arg, "'\(field)': \(why)") }
            throw error
        }
    }

    /// A cgroup2 directory fd: an integer, a cgroup handle from
    /// ns.cgroup.create (its `fd`; a removed one raises), or any table whose
    /// `fd` field is one.
    static func cgroupFD(_ L: LuaState, _ v: Int32, arg: Int32) throws(LuaRaise) -> Int32 {
        let v = lua_absindex(L, v)
        if let fd = try CgroupModule.fd(L, v, arg: arg) { return fd }
        if lua_type(L, v) == LUA_TTABLE {
            LuaTable.getField(L, v, "fd")
            defer { nsrun_lua_pop(L, 1) }
            return Int32(clamping: try LuaArgs.integerValue(L, -1, arg: arg, field: "cgroup.fd"))
        }
        let fd = try LuaArgs.integerValue(L, v, arg: arg, field: "cgroup")
        guard (0...Int64(Int32.max)).contains(fd) else { throw .argument(arg, "'cgroup': fd \(fd) out of range") }
        return Int32(fd)
    }

    static func exitSignal(_ L: LuaState, _ v: Int32, arg: Int32) throws(LuaRaise) -> Int32 {
        if lua_type(L, v) == LUA_TSTRING {
            let name = try LuaArgs.stringValue(L, v, arg: arg, field: "exit_signal")
            guard let n = Signals.number(named: name) else { throw .argument(arg, "'exit_signal': unknown signal name '\(name)'") }
            return n
        }
        let n = try LuaArgs.integerValue(L, v, arg: arg, field: "exit_signal")
        guard Signals.isValid(n, allowZero: true) else { throw .argument(arg, "'exit_signal': signal \(n) out of range 0..\(Signals.maximum)") }
        return Int32(n)
    }

    static func pushChild(_ L: LuaState, _ child: ClonedChild) -> Int32 {
        lua_pushinteger(L, lua_Integer(child.pid))
        PidfdHandle.push(L, fd: child.pidfd, pid: child.pid)
        return 2
    }

    static func refused(_ e: CloneError, arg: Int32, _ L: LuaState) throws(LuaRaise) -> Int32 {
        switch e {
        case .usage(let u): throw .argument(arg, u.reason)
        case .system(let s): return pushFailure(L, s)
        }
    }

    /// clone(flags, fn, ...) → pid, pidfd. The child runs fn(...) and _exits;
    /// with CLONE_VM|CLONE_VFORK it shares the caller's memory: either
    /// clone(flags, argv [, env]), an exec on a stack of its own, or
    /// clone(flags, fn, ...), fn run in a Lua thread of its own while the
    /// caller waits for its exec or exit (vfork semantics).
    static let clone: nsrun_binding = { L in binding(L) { L throws(LuaRaise) in
        let args = try cloneArguments(L, 1)
        let req = args.request, maps = args.maps, after = args.afterClone, bounding = args.boundingKeep
        if let why = req.refusal(for: .callback) { throw .argument(1, why) }
        if bounding != nil && lua_type(L, 2) != LUA_TFUNCTION {
            throw .argument(1, "bounding_set needs a function child (the argv form runs no code before its exec)")
        }
        if let bounding, let refused = boundingSetRefusal(req.flags, keep: bounding) { return pushFailure(L, refused) }
        // The pidfd handle's metatable is made now, if this is the first
        // clone: after a fork-semantics clone every page the parent writes
        // is a copy, made while the child waits for the CPU.
        PidfdHandle.ensureMetatable(L)
        if req.flags.contains(.vm) && lua_type(L, 2) == LUA_TFUNCTION {
            return try vforkChild(L, req, maps: maps, after: after, bounding: bounding)
        }
        if (maps != nil || after) && lua_type(L, 2) != LUA_TFUNCTION {
            throw .argument(1, "uid_map, gid_map, setgroups and after_clone need a function child (the argv form runs no code that could wait for them)")
        }
        if req.flags.contains(.vm) {
            guard lua_type(L, 2) == LUA_TTABLE else {
                throw .argument(2, "a CLONE_VM|CLONE_VFORK child takes a function or an argv table, got \(LuaArgs.typeName(L, 2))")
            }
            let argv = try LuaArgs.stringList(L, 2, minimum: 1, what: "argv")
            let env = LuaArgs.isNoneOrNil(L, 3) ? currentEnvironment() : try LuaArgs.environment(L, 3)
            guard let path = resolveExecutable(argv[0]) else {
                return pushFailure(L, SysError(errno: ENOENT, operation: "exec", object: argv[0]))
            }
            do throws(CloneError) {
                return pushChild(L, try cloneVMExec(req, path: path, argv: argv, env: env))
            } catch { return try refused(error, arg: 1, L) }
        }
        guard lua_type(L, 2) == LUA_TFUNCTION else { throw LuaArgs.expected(L, 2, "function") }
        let nargs = lua_gettop(L) - 2
        if let bounding { return try forkChildKeepingBounding(L, req, maps: maps, after: after, keep: bounding, nargs: nargs) }
        if maps == nil && !after {
            do throws(CloneError) {
                return pushChild(L, try cloneCallback(req) { runChild(L, nargs: nargs) })
            } catch { return try refused(error, arg: 1, L) }
        }
        let hook = AfterClone(L, present: after)
        do throws(CloneError) {
            let child = try cloneCallback(req, then: ParentStep(maps: maps, after: hook.step)) { runChild(L, nargs: nargs) }
            return hook.pushChild(L, child)
        } catch { return try hook.failed(L, error) }
    } }

    /// clone's `after_clone(pid, pidfd)`: called in the parent while the
    /// child waits, with the pidfd handle clone then returns. It goes on
    /// with a true result; `nil, message, errno` (or false) makes clone kill
    /// and reap the child and return those; an error it raises is raised by
    /// clone, once the child is killed and reaped.
    final class AfterClone {
        let L: LuaState
        let present: Bool
        /// Stack index of the handle pushed for the child, once there is one.
        var handle: Int32 = 0
        var raised: String?
        var refusal: (String, Int64)?

        init(_ L: LuaState, present: Bool) {
            self.L = L
            self.present = present
        }

        /// The step given to NSRunCore (runs after the maps are written).
        var step: ((ClonedChild) throws(SysError) -> Void)? {
            guard present else { return nil }
            return { [self] child throws(SysError) in
                PidfdHandle.push(L, fd: child.pidfd, pid: child.pid)
                handle = lua_gettop(L)
                LuaTable.getField(L, 1, "after_clone")
                lua_pushinteger(L, lua_Integer(child.pid))
                lua_pushvalue(L, handle)
                guard lua_pcallk(L, 2, 3, 0, 0, nil) == LUA_OK else {
                    raised = "after_clone: " + (luaL_tolstring(L, -1, nil).map { String(cString: $0) } ?? "(error object)")
                    nsrun_lua_pop(L, 2) // the text and the error
                    throw SysError(errno: 0, operation: "after_clone", object: "raised")
                }
                defer { nsrun_lua_pop(L, 3) }
                if lua_toboolean(L, -3) == 0 {
                    let msg = lua_type(L, -2) == LUA_TSTRING ? String(cString: lua_tolstring(L, -2, nil)) : "after_clone returned \(lua_type(L, -3) == LUA_TNIL ? "nil" : "false")"
                    var ok: Int32 = 0
                    let errno = lua_tointegerx(L, -1, &ok)
                    refusal = (msg, ok != 0 ? errno : 0)
                    throw SysError(errno: Int32(clamping: ok != 0 ? errno : 0), operation: "after_clone", object: msg)
                }
            }
        }

        /// pid and the handle after_clone saw (or a new one).
        func pushChild(_ L: LuaState, _ child: ClonedChild) -> Int32 {
            guard handle > 0 else { return ProcessModule.pushChild(L, child) }
            lua_pushinteger(L, lua_Integer(child.pid))
            lua_pushvalue(L, handle)
            return 2
        }

        /// A clone that failed: the child (if any) is reaped and its pidfd
        /// closed already, so the handle forgets its fd.
        func failed(_ L: LuaState, _ error: CloneError) throws(LuaRaise) -> Int32 {
            if handle > 0 { PidfdHandle.disown(L, handle) }
            if let raised { throw .message(raised) }
            if let (msg, errno) = refusal {
                lua_pushnil(L)
                pushString(L, msg)
                lua_pushinteger(L, lua_Integer(errno))
                return 3
            }
            return try refused(error, arg: 1, L)
        }
    }

    /// clone(CLONE_VM|CLONE_VFORK|..., fn, ...): fn(...) runs in the child
    /// on a Lua thread of its own, so the caller's Lua stack and call frames
    /// are never touched, while the caller is suspended. The collector is
    /// held off meanwhile (nsrun_lua_gc_hold): a finalizer run in the child
    /// (a pidfd's __gc, a cgroup's removal) would act in the child and be
    /// lost to the caller.
    static func vforkChild(_ L: LuaState, _ req: CloneRequest, maps: UserNamespaceMaps?, after: Bool, bounding: UInt64?) throws(LuaRaise) -> Int32 {
        let nargs = lua_gettop(L) - 2
        guard let thread = lua_newthread(L) else { throw .message("clone: cannot create a Lua thread") }
        // [flags, fn, args..., thread] → [flags, thread, fn, args...]; fn and
        // its arguments then move to the thread's stack.
        lua_rotate(L, 2, 1)
        lua_xmove(L, thread, nargs + 1)
        let held = nsrun_lua_gc_hold(L)
        defer { nsrun_lua_gc_release(L, held) }
        let call = UnsafeMutablePointer<VforkCall>.allocate(capacity: 1)
        call.initialize(to: VforkCall(thread: thread, nargs: nargs))
        defer { call.deallocate() }
        // A bounding set takes the sync path even with no step: its child
        // drops as it starts, whoever waits, and reports nothing back.
        if maps == nil && !after && bounding == nil {
            do throws(CloneError) {
                return pushChild(L, try cloneVMCall(req, vforkEntry, UnsafeMutableRawPointer(call)))
            } catch { return try refused(error, arg: 1, L) }
        }
        let hook = AfterClone(L, present: after)
        do throws(CloneError) {
            let child = try cloneVMCall(req, then: ParentStep(maps: maps, after: hook.step), boundingKeep: bounding,
                                        vforkEntry, UnsafeMutableRawPointer(call))
            return hook.pushChild(L, child)
        } catch { return try hook.failed(L, error) }
    }

    /// The vfork child's entry: runs the thread's function.
    static let vforkEntry: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { raw in
        let call = raw!.assumingMemoryBound(to: VforkCall.self).pointee
        return runChild(call.thread, nargs: call.nargs, dropFlags: false)
    }

    /// What a vfork child needs, passed by pointer: no Swift object, no
    /// reference count the child could leave raised.
    struct VforkCall {
        let thread: LuaState
        let nargs: Int32
    }

    /// clone's fork-semantics paths with `bounding_set`: the child drops
    /// before fn runs. A function of its own, so that the closures of the
    /// paths without it keep their names (the fork child's code is laid out
    /// by name, benchmarks/fork-child.order: a renamed closure is a page
    /// fault more in every child).
    static func forkChildKeepingBounding(_ L: LuaState, _ req: CloneRequest, maps: UserNamespaceMaps?, after: Bool,
                                         keep: UInt64, nargs: Int32) throws(LuaRaise) -> Int32 {
        if maps == nil && !after {
            do throws(CloneError) {
                return pushChild(L, try cloneCallback(req) { keepBoundingSetOrExit(keep); return runChild(L, nargs: nargs) })
            } catch { return try refused(error, arg: 1, L) }
        }
        let hook = AfterClone(L, present: after)
        do throws(CloneError) {
            let child = try cloneCallback(req, then: ParentStep(maps: maps, after: hook.step)) {
                keepBoundingSetOrExit(keep)
                return runChild(L, nargs: nargs)
            }
            return hook.pushChild(L, child)
        } catch { return try hook.failed(L, error) }
    }

    /// In the child: fn(...) under a traceback handler; its result becomes the
    /// exit status (integer 0–255 → itself, true/nil → 0, false → 1; a raised
    /// error → message and traceback on stderr, status 1). The stack holds
    /// [flags, fn, args...] (dropFlags) or [fn, args...].
    static func runChild(_ L: LuaState, nargs: Int32, dropFlags: Bool = true) -> Int32 {
        if dropFlags { nsrun_lua_remove(L, 1) } // [flags, fn, args...] → [fn, args...]
        let status: Int32
        if nsrun_lua_pcall_traceback(L, nargs, 1) != LUA_OK {
            reportError(L, prefix: "nsrun: child \(rawGetpid()): ")
            status = 1
        } else {
            status = exitStatus(of: L, -1, who: "child \(rawGetpid())")
        }
        flushStdio()
        return status
    }

    /// The exit status a returned value stands for, as os.exit reads its
    /// argument; a sandbox result table ({status = "exit"|"signal"|"error",
    /// code =, signal =}) gives the shell's convention: the code, 128 + the
    /// signal, or 125 when the sandbox never started its program.
    static func exitStatus(of L: LuaState, _ i: Int32, who: String) -> Int32 {
        let i = lua_absindex(L, i)
        if lua_type(L, i) == LUA_TTABLE {
            LuaTable.getField(L, i, "status")
            defer { nsrun_lua_pop(L, 1) }
            let status = lua_type(L, -1) == LUA_TSTRING ? lua_tolstring(L, -1, nil).map { String(cString: $0) } : nil
            func integerField(_ name: String) -> Int32? {
                LuaTable.getField(L, i, name)
                defer { nsrun_lua_pop(L, 1) }
                var ok: Int32 = 0
                let v = lua_tointegerx(L, -1, &ok)
                return ok != 0 && (0...255).contains(v) ? Int32(v) : nil
            }
            switch status {
            case "exit": if let code = integerField("code") { return code }
            case "signal": if let sig = integerField("signal") { return 128 + sig }
            case "error": return integerField("code") ?? 125
            case "dry-run": return 0
            default: break
            }
        }
        switch lua_type(L, i) {
        case LUA_TNONE, LUA_TNIL: return 0
        case LUA_TBOOLEAN: return lua_toboolean(L, i) != 0 ? 0 : 1
        case LUA_TNUMBER:
            var ok: Int32 = 0
            let v = lua_tointegerx(L, i, &ok)
            if ok != 0, (0...255).contains(v) { return Int32(v) }
            writeStderr("nsrun: \(who): exit status out of range 0..255\n")
            return 1
        default:
            writeStderr("nsrun: \(who): returned a \(LuaArgs.typeName(L, i)), expected an exit status\n")
            return 1
        }
    }

    /// Prints the error on top of the stack to stderr with `prefix`.
    static func reportError(_ L: LuaState, prefix: String) {
        var len = 0
        let msg = lua_tolstring(L, -1, &len).map { String(cString: $0) } ?? "(error object is not a string)"
        writeStderr(prefix + msg + "\n")
    }

    /// raw_clone(flags) → parent: pid, pidfd; child: 0.
    static let rawClone: nsrun_binding = { L in binding(L) { L throws(LuaRaise) in
        let req = try request(L, 1)
        PidfdHandle.ensureMetatable(L) // before the fork, as in clone
        do throws(CloneError) {
            switch try NSRunCore.rawClone(req) {
            case .child:
                lua_pushinteger(L, 0)
                return 1
            case .parent(let child):
                return pushChild(L, child)
            }
        } catch { return try refused(error, arg: 1, L) }
    } }

    /// pidfd_signal(pidfd, sig [, flags]) → true.
    static let pidfdSignal: nsrun_binding = { L in binding(L) { L throws(LuaRaise) in
        let fd = try PidfdHandle.fd(L, 1)
        let sig = try LuaArgs.signal(L, 2, allowZero: true)
        let flags = try LuaArgs.optionalInteger(L, 3) ?? 0
        guard let f = UInt32(exactly: flags) else { throw .argument(3, "flags out of range") }
        do throws(SysError) {
            try pidfdSendSignal(fd, sig, flags: f)
        } catch { return pushFailure(L, error) }
        lua_pushboolean(L, 1)
        return 1
    } }

    /// ns.wait(pidfd [, "nohang"]) → true|nil, "exit"|"signal", n; false if
    /// nohang and still running. Like os.execute's results.
    static let wait: nsrun_binding = { L in binding(L) { L throws(LuaRaise) in
        let fd = try PidfdHandle.fd(L, 1)
        var noHang = false
        if !LuaArgs.isNoneOrNil(L, 2) {
            let opt = try LuaArgs.string(L, 2)
            guard opt == "nohang" else { throw .argument(2, "invalid option '\(opt)' (expected \"nohang\")") }
            noHang = true
        }
        let status: WaitStatus
        var usage = ChildUsage()
        do throws(SysError) { status = try waitPidfd(fd, noHang: noHang, usage: &usage) } catch { return pushFailure(L, error) }
        switch status {
        case .running:
            lua_pushboolean(L, 0)
            return 1
        case .exited(let code):
            if code == 0 { lua_pushboolean(L, 1) } else { lua_pushnil(L) }
            pushString(L, "exit")
            lua_pushinteger(L, lua_Integer(code))
            lua_pushboolean(L, 0)
        case .signaled(let sig, let core):
            lua_pushnil(L)
            pushString(L, "signal")
            lua_pushinteger(L, lua_Integer(sig))
            lua_pushboolean(L, core ? 1 : 0)
        }
        // Beyond os.execute's three: whether it dumped core, and what it used
        // ({utime =, stime =, maxrss =} for this child and what it reaped).
        lua_createtable(L, 0, 3)
        lua_pushnumber(L, usage.userSeconds); LuaTable.setField(L, -2, "utime")
        lua_pushnumber(L, usage.systemSeconds); LuaTable.setField(L, -2, "stime")
        lua_pushinteger(L, lua_Integer(usage.maxRSS)); LuaTable.setField(L, -2, "maxrss")
        return 5
    } }

    /// ns.pidfd_open(pid) → pidfd.
    static let pidfdOpen: nsrun_binding = { L in binding(L) { L throws(LuaRaise) in
        let pid = try LuaArgs.integer(L, 1, in: 1...Int64(Int32.max), "pid")
        do throws(SysError) {
            PidfdHandle.push(L, fd: try NSRunCore.pidfdOpen(pid_t(pid)), pid: Int32(pid))
            return 1
        } catch { return pushFailure(L, error) }
    } }

    /// ns._exit(code): flushes stdio, then _exit(2); never returns.
    static let exit: nsrun_binding = { L in binding(L) { L throws(LuaRaise) in
        let code = LuaArgs.isNoneOrNil(L, 1) ? 0 : try LuaArgs.integer(L, 1, in: 0...255, "exit status")
        flushStdio()
        _exit(Int32(code))
    } }
}
