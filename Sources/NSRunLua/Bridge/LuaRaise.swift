import CLua
import CNSRunLua
import NSRunCore

/// The Lua state as Swift sees it.
public typealias LuaState = OpaquePointer

/// An error a Swift binding wants raised in Lua. Swift never raises itself
/// (DESIGN.md 2.2): `binding(_:_:)` turns this into a message on the stack
/// and a status, and the C trampoline raises (lua_error, or luaL_error with
/// "bad argument #n to 'name' (...)").
enum LuaRaise: Error {
    /// "bad argument #index to 'fn' (reason)"
    case argument(Int32, String)
    /// A plain error message.
    case message(String)
}

/// Runs a binding body and converts a thrown `LuaRaise` into the status the
/// trampoline understands. Every Lua-callable Swift function goes through it:
///
///     ("getpid", { L in binding(L) { L throws(LuaRaise) in ... } })
@inline(__always)
func binding(_ L: LuaState, _ body: (LuaState) throws(LuaRaise) -> Int32) -> Int32 {
    do {
        return try body(L)
    } catch {
        switch error {
        case .argument(let index, let reason):
            pushString(L, reason)
            return nsrun_argerr_status(index)
        case .message(let text):
            pushString(L, text)
            return NSRUN_RAISE
        }
    }
}

/// `nil, message, errno`: the "system said no" shape (DESIGN.md 3), as
/// luaL_fileresult. Returns the number of results.
func pushFailure(_ L: LuaState, _ error: SysError) -> Int32 {
    lua_pushnil(L)
    pushString(L, error.message)
    lua_pushinteger(L, lua_Integer(error.errno))
    return 3
}


@inline(__always)
func pushString(_ L: LuaState, _ s: String) {
    var s = s
    s.withUTF8 { buf in
        _ = buf.withMemoryRebound(to: CChar.self) { lua_pushlstring(L, $0.baseAddress, $0.count) }
    }
}
