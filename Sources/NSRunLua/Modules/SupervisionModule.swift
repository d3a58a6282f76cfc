import CLua
import CNSRunLua
import NSRunCore
#if canImport(Glibc)
import Glibc
#endif

/// Process supervision: ns.signalfd, ns.read_signals, ns.sigprocmask,
/// ns.poll, ns.waitpid, ns.kill, ns.set_pdeathsig, ns.get_pdeathsig,
/// ns.getppid, ns.getrusage, ns.clock, ns.sleep, ns.become_init.
enum SupervisionModule {
    static let module = LuaModule(
        functions: [
            LuaFunction("become_init", becomeInit),
            LuaFunction("clock", { L in lua_pushnumber(L, monotonicSeconds()); return 1 }),
            LuaFunction("get_pdeathsig", { L in binding(L) { L throws(LuaRaise) in
                do throws(SysError) { lua_pushinteger(L, lua_Integer(try parentDeathSignal())) }
                catch { return pushFailure(L, error) }
                return 1
            } }),
            LuaFunction("getppid", { L in lua_pushinteger(L, lua_Integer(rawGetppid())); return 1 }),
            LuaFunction("getrusage", getrusage),
            LuaFunction("kill", { L in binding(L) { L throws(LuaRaise) in
                let pid = try LuaArgs.integer(L, 1, in: -Int64(Int32.max)...Int64(Int32.max), "pid")
                let sig = try LuaArgs.signal(L, 2, allowZero: true)
                do throws(SysError) { try sendSignal(sig, to: pid_t(pid)) } catch { return pushFailure(L, error) }
                return done(L)
            } }),
            LuaFunction("poll", poll),
            LuaFunction("read_signals", { L in binding(L) { L throws(LuaRaise) in
                let fd = try LuaArgs.integer(L, 1, in: 0...Int64(Int32.max), "fd")
                do throws(SysError) {
                    pushIntegers(L, try readSignals(Int32(fd)))
                    return 1
                } catch { return pushFailure(L, error) }
            } }),
            LuaFunction("set_pdeathsig", { L in binding(L) { L throws(LuaRaise) in
                let sig = try LuaArgs.signal(L, 1, allowZero: true)
                do throws(SysError) { try setParentDeathSignal(sig) } catch { return pushFailure(L, error) }
                return done(L)
            } }),
            LuaFunction("signalfd", { L in binding(L) { L throws(LuaRaise) in
                let set = try signalSet(L, 1)
                do throws(SysError) { lua_pushinteger(L, lua_Integer(try openSignalFD(set))) }
                catch { return pushFailure(L, error) }
                return 1
            } }),
            LuaFunction("sigprocmask", { L in binding(L) { L throws(LuaRaise) in
                let name = try LuaArgs.string(L, 1)
                guard let how = SignalMaskChange(rawValue: name) else {
                    throw .argument(1, "invalid option '\(name)' (expected \"block\", \"unblock\" or \"set\")")
                }
                let set = try signalSet(L, 2)
                do throws(SysError) { try changeSignalMask(how, set) } catch { return pushFailure(L, error) }
                return done(L)
            } }),
            LuaFunction("sleep", { L in binding(L) { L throws(LuaRaise) in
                let seconds = try duration(L, 1)
                if let why = Durations.refusal(sleep: seconds) { throw .argument(1, why) }
                sleepFor(seconds: seconds)
                return done(L)
            } }),
            LuaFunction("waitpid", waitpid),
        ]
    )

    /// ns.become_init(pidfd [, {forward = signalfd, status = fd}]): this
    /// process becomes the program's init and never returns (NSRunCore's
    /// becomeInit). Misuse raises (a CLONE_VFORK child, a closed pidfd);
    /// nil, message, errno if the init cannot start.
    static let becomeInit: nsrun_binding = { L in binding(L) { L throws(LuaRaise) in
        let pidfd = try PidfdHandle.fd(L, 1)
        guard let box = PidfdHandle.box(L, 1) else { throw LuaArgs.expected(L, 1, "pidfd handle (from clone)") }
        let pid = box.pointee.pid
        var forward: Int32? = nil, status: Int32? = nil
        try LuaArgs.options(L, 2, allowed: ["forward", "status"]) { key throws(LuaRaise) in
            let fd = try LuaArgs.integerValue(L, -1, arg: 2, field: key)
            guard (0...Int64(Int32.max)).contains(fd) else { throw .argument(2, "'\(key)': fd \(fd) out of range") }
            if key == "forward" { forward = Int32(fd) } else { status = Int32(fd) }
        }
        do throws(SysError) {
            try NSRunCore.becomeInit(pid: pid, pidfd: pidfd, forward: forward, status: status)
        } catch {
            if error.errno == EINVAL { throw .argument(1, error.object) }
            return pushFailure(L, error)
        }
    } }

    /// `true`: the result of a call with nothing else to return.
    static func done(_ L: LuaState) -> Int32 {
        lua_pushboolean(L, 1)
        return 1
    }

    /// Pushes a list {v1, v2, ...}.
    static func pushIntegers(_ L: LuaState, _ values: [Int32]) {
        lua_createtable(L, Int32(values.count), 0)
        for (k, v) in values.enumerated() {
            lua_pushinteger(L, lua_Integer(v))
            lua_rawseti(L, -2, lua_Integer(k + 1))
        }
    }

    /// A duration in seconds: any Lua number (a float is fine here: it is a
    /// length of time, not an id), never a string.
    static func duration(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> Double {
        guard lua_type(L, i) == LUA_TNUMBER else { throw LuaArgs.expected(L, i, "number") }
        return Double(lua_tonumberx(L, i, nil))
    }

    /// Walks the list at `i` (raw access): every key must be an integer
    /// 1..#t; `body` reads the value at the top of the stack, with its index.
    static func list(_ L: LuaState, _ i: Int32, what: String,
                     _ body: (Int64) throws(LuaRaise) -> Void) throws(LuaRaise) {
        try list(L, i, count: try listCount(L, i, what: what), body)
    }

    /// The length of the list at `i`, which must be a table whose keys are
    /// all integers 1..#t.
    static func listCount(_ L: LuaState, _ i: Int32, what: String) throws(LuaRaise) -> Int64 {
        try LuaArgs.table(L, i)
        return try LuaArgs.listLength(L, lua_absindex(L, i), refuse: LuaArgs.notAList(L, arg: i, what: what))
    }

    /// `list` over a list whose length `listCount` has already given.
    static func list(_ L: LuaState, _ i: Int32, count n: Int64,
                     _ body: (Int64) throws(LuaRaise) -> Void) throws(LuaRaise) {
        let t = lua_absindex(L, i)
        for k in stride(from: 1, through: n, by: 1) {
            lua_rawgeti(L, t, lua_Integer(k))
            defer { nsrun_lua_pop(L, 1) }
            try body(k)
        }
    }

    /// A list of signals (numbers or names, as pidfd_signal takes them) as
    /// a SignalSet, with the entry named in messages:
    /// `bad argument #1 to 'signalfd' ('signals[2]': unknown signal name 'NOPE')`.
    static func signalSet(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> SignalSet {
        var set = SignalSet()
        try list(L, i, what: "signals") { k throws(LuaRaise) in
            let sig: Int32
            do throws(LuaRaise) {
                sig = try LuaArgs.signal(L, lua_gettop(L), allowZero: false)
            } catch {
                guard case .argument(_, let reason) = error else { throw error }
                throw .argument(i, "'signals[\(k)]': \(reason)")
            }
            if let why = SignalSet.refusal(of: sig) { throw .argument(i, "'signals[\(k)]': \(why)") }
            set.insert(sig)
        }
        return set
    }

    /// ns.poll(fds [, timeout]) → list of the ready fds (integers), {} on timeout.
    static let poll: nsrun_binding = { L in binding(L) { L throws(LuaRaise) in
        // Buffers, not [Int32]: pollReadable says why. In list order: list
        // walks 1..n.
        let count = try listCount(L, 1, what: "fds")
        let n = Int(count)
        let fds = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(n, 1))
        defer { fds.deallocate() }
        let ready = UnsafeMutableBufferPointer<Int32>.allocate(capacity: max(n, 1))
        defer { ready.deallocate() }
        try list(L, 1, count: count) { k throws(LuaRaise) in
            if let b = PidfdHandle.box(L, -1) {
                guard b.pointee.fd >= 0 else { throw .argument(1, "'fds[\(k)]': pidfd is closed") }
                fds[Int(k) - 1] = b.pointee.fd
                return
            }
            guard lua_type(L, -1) == LUA_TNUMBER else {
                throw .argument(1, "'fds[\(k)]': fd or pidfd expected, got \(LuaArgs.typeName(L, -1))")
            }
            let fd = try LuaArgs.integerValue(L, -1, arg: 1, field: "fds[\(k)]")
            guard (0...Int64(Int32.max)).contains(fd) else {
                throw .argument(1, "'fds[\(k)]': fd out of range 0..\(Int32.max)")
            }
            fds[Int(k) - 1] = Int32(fd)
        }
        let timeout: PollTimeout
        if LuaArgs.isNoneOrNil(L, 2) {
            timeout = .forever
        } else {
            guard let t = PollTimeout.from(seconds: try duration(L, 2)) else { throw .argument(2, "timeout is NaN") }
            timeout = t
        }
        do throws(SysError) {
            let readyCount = try pollReadable(UnsafeBufferPointer(rebasing: fds[0..<n]), timeout: timeout, ready: ready)
            lua_createtable(L, Int32(readyCount), 0)
            for k in 0..<readyCount {
                lua_pushinteger(L, lua_Integer(ready[k]))
                lua_rawseti(L, -2, lua_Integer(k + 1))
            }
            return 1
        } catch { return pushFailure(L, error) }
    } }

    /// ns.waitpid(pid [, "nohang"]) → pid, "exit", code | pid, "signal", sig, core_dumped;
    /// 0 with nohang when no child has exited yet.
    static let waitpid: nsrun_binding = { L in binding(L) { L throws(LuaRaise) in
        let value = try LuaArgs.integer(L, 1)
        guard let target = WaitTarget(value) else { throw .argument(1, "pid must be -1 (any child) or positive, got \(value)") }
        var noHang = false
        if !LuaArgs.isNoneOrNil(L, 2) {
            let opt = try LuaArgs.string(L, 2)
            guard opt == "nohang" else { throw .argument(2, "invalid option '\(opt)' (expected \"nohang\")") }
            noHang = true
        }
        let reaped: ReapedChild?
        do throws(SysError) { reaped = try waitForChild(target, noHang: noHang) } catch { return pushFailure(L, error) }
        guard let child = reaped else {
            lua_pushinteger(L, 0)
            return 1
        }
        lua_pushinteger(L, lua_Integer(child.pid))
        switch child.status {
        case .exited(let code):
            pushString(L, "exit")
            lua_pushinteger(L, lua_Integer(code))
            return 3
        case .signaled(let sig, let core):
            pushString(L, "signal")
            lua_pushinteger(L, lua_Integer(sig))
            lua_pushboolean(L, core ? 1 : 0)
            return 4
        case .running:
            // waitForChild returns nil, never .running.
            lua_pushinteger(L, 0)
            return 1
        }
    } }

    /// ns.getrusage("self"|"children") → {utime=, stime=, maxrss=}.
    static let getrusage: nsrun_binding = { L in binding(L) { L throws(LuaRaise) in
        let name = try LuaArgs.string(L, 1)
        guard let target = RusageTarget(rawValue: name) else {
            throw .argument(1, "invalid option '\(name)' (expected \"self\" or \"children\")")
        }
        let usage: ResourceUsage
        do throws(SysError) { usage = try resourceUsage(target) } catch { return pushFailure(L, error) }
        lua_createtable(L, 0, 3)
        lua_pushnumber(L, usage.userSeconds)
        LuaTable.setField(L, -2, "utime")
        lua_pushnumber(L, usage.systemSeconds)
        LuaTable.setField(L, -2, "stime")
        lua_pushinteger(L, lua_Integer(usage.maxRSSKiB))
        LuaTable.setField(L, -2, "maxrss")
        return 1
    } }
}
