import CLua
import CNSRunLua
import NSRunCore
#if canImport(Glibc)
import Glibc
#endif

/// A pidfd as a Lua value: full userdata with `__gc` and `__close`, so
/// `local pid, pidfd <close> = clone(...)` closes it, and one that is
/// dropped is closed by the collector instead of leaking an fd per sandbox.
/// A closed handle says so when used.
struct PidfdBox {
    var fd: Int32
    var pid: Int32
    /// The process whose fd table holds `fd`: the collector closes the fd
    /// only there. A handle made by a child with vfork semantics lives on
    /// in its parent's memory, where the same number is another fd (or
    /// none); observe.c's dry-run stand-in has the same layout.
    var owner: Int32
}

enum PidfdHandle {
    static let metatable = "nsrun.pidfd"

    static func push(_ L: LuaState, fd: Int32, pid: Int32) {
        let raw = lua_newuserdatauv(L, MemoryLayout<PidfdBox>.size, 0)!
        raw.bindMemory(to: PidfdBox.self, capacity: 1).initialize(to: PidfdBox(fd: fd, pid: pid, owner: rawGetpid()))
        ensureMetatable(L)
        luaL_setmetatable(L, metatable)
    }

    static func box(_ L: LuaState, _ i: Int32) -> UnsafeMutablePointer<PidfdBox>? {
        luaL_testudata(L, i, metatable)?.bindMemory(to: PidfdBox.self, capacity: 1)
    }

    /// A pidfd argument: a handle (refused once closed) or an integer fd.
    static func fd(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> Int32 {
        if let b = box(L, i) {
            guard b.pointee.fd >= 0 else { throw .argument(i, "pidfd is closed") }
            return b.pointee.fd
        }
        guard lua_type(L, i) == LUA_TNUMBER else { throw LuaArgs.expected(L, i, "pidfd") }
        return Int32(try LuaArgs.integer(L, i, in: 0...Int64(Int32.max), "pidfd"))
    }

    /// close and __close; with `onlyOwner` (__gc), the fd is closed only in
    /// the process that made the handle.
    static func close(_ L: LuaState, onlyOwner: Bool = false) -> Int32 {
        if let b = box(L, 1), b.pointee.fd >= 0 {
            if !onlyOwner || b.pointee.owner == rawGetpid() { Glibc.close(b.pointee.fd) }
            b.pointee.fd = -1
        }
        return 0
    }

    /// Forgets the fd without closing it (someone else closed it).
    static func disown(_ L: LuaState, _ i: Int32) {
        box(L, i)?.pointee.fd = -1
    }

    /// The metatable (methods fd, pid, close, signal, wait; __gc, __close,
    /// __tostring), created in the registry by the first push; the stack is
    /// unchanged.
    static func ensureMetatable(_ L: LuaState) {
        guard luaL_newmetatable(L, metatable) != 0 else { nsrun_lua_pop(L, 1); return }
        nsrun_lua_pushbinding(L, { L in PidfdHandle.close(L, onlyOwner: true) }, "__gc")
        LuaTable.setField(L, -2, "__gc")
        nsrun_lua_pushbinding(L, { L in PidfdHandle.close(L) }, "__close")
        LuaTable.setField(L, -2, "__close")
        nsrun_lua_pushbinding(L, { L in
            binding(L) { L throws(LuaRaise) in
                // As Lua's own handles: called on something else, it raises.
                guard let b = PidfdHandle.box(L, 1) else { throw LuaArgs.expected(L, 1, "pidfd") }
                pushString(L, b.pointee.fd >= 0 ? "pidfd \(b.pointee.fd) (pid \(b.pointee.pid))" : "pidfd (closed, pid \(b.pointee.pid))")
                return 1
            }
        }, "__tostring")
        LuaTable.setField(L, -2, "__tostring")
        nsrun_lua_newtable(L)
        let methods: [LuaFunction] = [
            LuaFunction("close", { L in PidfdHandle.close(L) }),
            LuaFunction("fd", { L in binding(L) { L throws(LuaRaise) in
                lua_pushinteger(L, lua_Integer(try PidfdHandle.fd(L, 1))); return 1 } }),
            LuaFunction("pid", { L in binding(L) { L throws(LuaRaise) in
                guard let b = PidfdHandle.box(L, 1) else { throw LuaArgs.expected(L, 1, "pidfd") }
                lua_pushinteger(L, lua_Integer(b.pointee.pid)); return 1 } }),
            LuaFunction("signal", ProcessModule.pidfdSignal),
            LuaFunction("wait", ProcessModule.wait),
        ]
        LuaTable.setFunctions(L, -1, methods)
        LuaTable.setField(L, -2, "__index")
        nsrun_lua_pop(L, 1)
    }
}
