import CLua
import CNSRunLua
import NSRunCore
#if canImport(Glibc)
import Glibc
#endif

/// ns.sethostname, ns.gethostname, ns.setdomainname; ns.setresuid,
/// ns.setresgid, ns.setgroups, ns.getuid, ns.geteuid, ns.getgid, ns.getegid;
/// ns.write_uid_map, ns.write_gid_map, ns.deny_setgroups.
enum IdentityModule {
    static let module = LuaModule(
        functions: [
            LuaFunction("deny_setgroups", { L in binding(L) { L throws(LuaRaise) in
                let pid = try targetPid(L, 1)
                do throws(SysError) { try denySetgroups(pid: pid) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("getegid", { L in lua_pushinteger(L, lua_Integer(currentEGID())); return 1 }),
            LuaFunction("geteuid", { L in lua_pushinteger(L, lua_Integer(currentEUID())); return 1 }),
            LuaFunction("getgid", { L in lua_pushinteger(L, lua_Integer(currentGID())); return 1 }),
            LuaFunction("gethostname", { L in binding(L) { L throws(LuaRaise) in
                do throws(SysError) { pushString(L, try getHostname()) } catch { return pushFailure(L, error) }
                return 1
            } }),
            LuaFunction("getuid", { L in lua_pushinteger(L, lua_Integer(currentUID())); return 1 }),
            LuaFunction("setdomainname", { L in binding(L) { L throws(LuaRaise) in
                let name = try LuaArgs.string(L, 1)
                guard name.utf8.count <= 64 else { throw .argument(1, "domain name longer than 64 bytes") }
                do throws(SysError) { try setDomainName(name) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("setgroups", { L in binding(L) { L throws(LuaRaise) in
                try LuaArgs.table(L, 1)
                let n = Int(try LuaArgs.listLength(L, 1, refuse: LuaArgs.notAList(L, arg: 1, what: "groups")))
                guard n <= Credentials.maximumGroups else {
                    throw .argument(1, "\(n) groups; the kernel takes at most \(Credentials.maximumGroups)")
                }
                var groups: [UInt32] = []
                groups.reserveCapacity(n)
                for k in stride(from: 1, through: n, by: 1) {
                    lua_rawgeti(L, 1, lua_Integer(k))
                    defer { nsrun_lua_pop(L, 1) }
                    groups.append(UInt32(try id(L, -1, arg: 1, field: "groups[\(k)]")))
                }
                do throws(SysError) { try setGroups(groups) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("sethostname", { L in binding(L) { L throws(LuaRaise) in
                let name = try LuaArgs.string(L, 1)
                guard name.utf8.count <= 64 else { throw .argument(1, "hostname longer than 64 bytes") }
                do throws(SysError) { try setHostname(name) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("setresgid", { L in binding(L) { L throws(LuaRaise) in
                let (r, e, s) = try (keptOrID(L, 1, "gid"), keptOrID(L, 2, "gid"), keptOrID(L, 3, "gid"))
                do throws(SysError) { try setResGID(r, e, s) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("setresuid", { L in binding(L) { L throws(LuaRaise) in
                let (r, e, s) = try (keptOrID(L, 1, "uid"), keptOrID(L, 2, "uid"), keptOrID(L, 3, "uid"))
                do throws(SysError) { try setResUID(r, e, s) } catch { return pushFailure(L, error) }
                lua_pushboolean(L, 1)
                return 1
            } }),
            LuaFunction("write_gid_map", { L in binding(L) { L throws(LuaRaise) in try writeMap(L, .gid) } }),
            LuaFunction("write_uid_map", { L in binding(L) { L throws(LuaRaise) in try writeMap(L, .uid) } }),
        ]
    )

    /// A set*id argument: -1 (keep) or an id 0 ... 2^32-2.
    static func keptOrID(_ L: LuaState, _ i: Int32, _ what: String) throws(LuaRaise) -> Int64 {
        try LuaArgs.integer(L, i, in: -1...Credentials.maximumID, what)
    }

    /// An id at stack index `v`, reported as argument `arg`'s `field`.
    static func id(_ L: LuaState, _ v: Int32, arg: Int32, field: String) throws(LuaRaise) -> Int64 {
        let g = try LuaArgs.integerValue(L, v, arg: arg, field: field)
        guard (0...Credentials.maximumID).contains(g) else {
            throw .argument(arg, "'\(field)': id \(g) out of range 0..\(Credentials.maximumID)")
        }
        return g
    }

    /// The pid whose /proc entries are written: a positive integer.
    static func targetPid(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> Int32 {
        Int32(try LuaArgs.integer(L, i, in: 1...Int64(Int32.max), "pid"))
    }

    /// write_uid_map(pid, map) / write_gid_map(pid, map) → true. The map is
    /// validated completely before the file is opened.
    static func writeMap(_ L: LuaState, _ kind: IdMapKind) throws(LuaRaise) -> Int32 {
        let pid = try targetPid(L, 1)
        let map = try idMap(L, 2)
        do throws(SysError) { try writeIdMap(kind, pid: pid, map) } catch { return pushFailure(L, error) }
        lua_pushboolean(L, 1)
        return 1
    }

    /// A map: the kernel's text form, or a list of entries, each
    /// `{inside, outside, count}` or `{inside=, outside=, count=}`.
    static func idMap(_ L: LuaState, _ i: Int32) throws(LuaRaise) -> IdMap {
        switch lua_type(L, i) {
        case LUA_TSTRING:
            let text = try LuaArgs.string(L, i)
            do throws(UsageError) { return try IdMap(parsing: text, pageSize: pageSize) }
            catch { throw .argument(i, "bad map: \(error.reason)") }
        case LUA_TTABLE:
            let n = Int(try LuaArgs.listLength(L, i, refuse: LuaArgs.notAList(L, arg: i, what: "map")))
            // Checked before reading: a huge list is refused without walking it.
            if n > IdMap.maximumLines {
                throw .argument(i, "bad map: the map has \(n) lines; the kernel takes at most \(IdMap.maximumLines)")
            }
            // A scratch buffer, not an array: IdMap says why.
            let entries = UnsafeMutableBufferPointer<IdMapEntry>.allocate(capacity: max(n, 1))
            defer { entries.deallocate() }
            for k in stride(from: 1, through: n, by: 1) {
                lua_rawgeti(L, i, lua_Integer(k))
                defer { nsrun_lua_pop(L, 1) }
                let (inside, outside, count) = try mapEntry(L, -1, arg: i, index: k)
                do throws(UsageError) {
                    entries[k - 1] = try IdMap.entry(inside: inside, outside: outside, count: count, line: k)
                } catch { throw .argument(i, "bad map: \(error.reason)") }
            }
            do throws(UsageError) { return try IdMap(entries: UnsafeBufferPointer(rebasing: entries[0..<n]), pageSize: pageSize) }
            catch { throw .argument(i, "bad map: \(error.reason)") }
        default:
            throw LuaArgs.expected(L, i, "map (string or table)")
        }
    }

    static func mapEntry(_ L: LuaState, _ v: Int32, arg: Int32, index k: Int) throws(LuaRaise) -> (inside: Int64, outside: Int64, count: Int64) {
        let v = lua_absindex(L, v)
        guard lua_type(L, v) == LUA_TTABLE else {
            throw .argument(arg, "'map[\(k)]': {inside, outside, count} expected, got \(LuaArgs.typeName(L, v))")
        }
        let named = lua_rawlen(L, v) == 0
        if !named && lua_rawlen(L, v) != 3 {
            throw .argument(arg, "'map[\(k)]': {inside, outside, count} expected, got \(lua_rawlen(L, v)) values")
        }
        return (try mapField(L, v, named: named, 1, "inside", arg: arg, index: k),
                try mapField(L, v, named: named, 2, "outside", arg: arg, index: k),
                try mapField(L, v, named: named, 3, "count", arg: arg, index: k))
    }

    /// One integer of a map entry at `v`: `name`, or the `position`th value.
    static func mapField(_ L: LuaState, _ v: Int32, named: Bool, _ position: lua_Integer, _ name: String,
                         arg: Int32, index k: Int) throws(LuaRaise) -> Int64 {
        if named { LuaTable.getField(L, v, name) } else { lua_rawgeti(L, v, position) }
        defer { nsrun_lua_pop(L, 1) }
        return try LuaArgs.integerValue(L, -1, arg: arg, field: "map[\(k)].\(name)")
    }

    static var pageSize: Int { Int(sysconf(Int32(_SC_PAGESIZE))) }
}
