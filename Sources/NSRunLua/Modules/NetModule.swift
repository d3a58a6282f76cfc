import CLua
import CNSRunLua
import NSRunCore

/// ns.ifup, ns.veth, ns.addr_add, ns.route_add_default: the network of a
/// sandbox, over netlink (libnl-route-3). Each acts on the caller's current
/// network namespace. Names and addresses are checked here, before any
/// syscall: a bad one raises; what the kernel refuses is `nil, msg, errno`.
enum NetModule {
    static let module = LuaModule(
        functions: [
            LuaFunction("addr_add", { L in binding(L) { L throws(LuaRaise) in
                let ifname = try interfaceName(L, 1)
                let text = try LuaArgs.string(L, 2)
                let prefix: IPv4Prefix
                do throws(UsageError) { prefix = try IPv4Prefix(parsing: text) }
                catch { throw .argument(2, error.reason) }
                do throws(SysError) { try addAddress(ifname, prefix) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("ifup", { L in binding(L) { L throws(LuaRaise) in
                let name = try interfaceName(L, 1)
                do throws(SysError) { try interfaceUp(name) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("route_add_default", { L in binding(L) { L throws(LuaRaise) in
                let ifname = try interfaceName(L, 1)
                var gateway: IPv4Address? = nil
                if let text = try LuaArgs.optionalString(L, 2) {
                    guard let g = IPv4Address(parsing: text) else {
                        throw .argument(2, "'\(text)' is not an IPv4 gateway address A.B.C.D")
                    }
                    gateway = g
                }
                do throws(SysError) { try addDefaultRoute(ifname, gateway: gateway) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("veth", { L in binding(L) { L throws(LuaRaise) in
                let name = try interfaceName(L, 1)
                let peer = try interfaceName(L, 2)
                let netns = LuaArgs.isNoneOrNil(L, 3) ? nil : try netnsArgument(L, 3)
                do throws(SysError) { try createVeth(name, peer: peer, peerNetns: netns) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
        ]
    )

    /// An interface name argument: a string the kernel would accept as one
    /// (1–15 bytes, no '/', ':', whitespace or NUL), never truncated.
    static func interfaceName(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> String {
        let name = try LuaArgs.string(L, i)
        if let why = InterfaceName.refusal(name) { throw .argument(i, why) }
        return name
    }

    /// The peer's network namespace: a pidfd handle (refused once closed),
    /// or an integer fd of a /proc/PID/ns/net file or of a pidfd.
    static func netnsArgument(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> Int32 {
        if PidfdHandle.box(L, i) != nil { return try PidfdHandle.fd(L, i) }
        guard lua_type(L, i) == LUA_TNUMBER else { throw LuaArgs.expected(L, i, "network namespace fd or pidfd") }
        return Int32(try LuaArgs.integer(L, i, in: 0...Int64(Int32.max), "fd"))
    }
}
