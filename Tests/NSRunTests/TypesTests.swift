import Foundation
import Testing

/// types/nsrun.lua (lua-language-server definitions) and .luacheckrc are kept
/// in sync with what the built binary registers: a function, constant, table
/// entry, handle method, global or sandbox spec key added to (or removed from)
/// the binary fails here until the files follow.
@Suite struct TypesTests {
    static let typesFile = Paths.root.appendingPathComponent("types/nsrun.lua")
    static let luacheckrc = Paths.root.appendingPathComponent(".luacheckrc")

    /// Lists, one `name<TAB>kind` a line, every name the binary registers:
    /// ns.X (after loading the lazy ns.sandbox), one level into each table of
    /// ns (errno, signals, namespaces, cgroup, sandbox), the globals beyond
    /// Lua's own, the methods of pidfd and cgroup handles (their metatables),
    /// and the keys sandbox{} accepts (from its own refusal of an unknown key).
    /// kind is the integer value for integers, else the Lua type.
    static let lister = #"""
        local function emit(name, v)
          io.write(name, "\t", math.type(v) == "integer" and tostring(v) or type(v), "\n")
        end
        local standard = {}
        for name in ("_G _VERSION arg assert collectgarbage coroutine debug dofile error getmetatable io ipairs " ..
                     "load loadfile math next os package pairs pcall print rawequal rawget rawlen rawset require " ..
                     "select setmetatable string table tonumber tostring type utf8 warn xpcall"):gmatch("%S+") do
          standard[name] = true
        end
        assert(type(ns.sandbox) == "table")   -- loaded on first use, then a plain field of ns
        for k, v in pairs(ns) do
          emit("ns." .. k, v)
          if type(v) == "table" then
            for k2, v2 in pairs(v) do
              if type(k2) == "string" then emit("ns." .. k .. "." .. k2, v2) end
            end
          end
        end
        for k, v in pairs(_G) do
          if not standard[k] then emit(k, v) end
        end
        local pidfd = assert(ns.pidfd_open(getpid()))
        for k, v in pairs(assert(getmetatable(pidfd).__index)) do emit("Pidfd:" .. k, v) end
        -- Every cgroup handle has this metatable (luaL_newmetatable's), so no
        -- cgroup needs to be created to read its method names.
        local cgroup = assert(debug.getregistry()["nsrun.cgroup"], "no nsrun.cgroup metatable")
        for k, v in pairs(assert(cgroup.methods, "no methods table in the cgroup metatable")) do emit("Cgroup:" .. k, v) end
        local ok, err = pcall(ns.sandbox.validate, { ["~unknown"] = true })
        assert(not ok)
        local keys = assert(tostring(err):match("expected one of ([^)]*)%)"), err)
        for k in keys:gmatch("[%w_]+") do io.write("spec.", k, "\tkey\n") end
        """#

    /// Under --dry-run sandbox.start creates nothing and returns a handle
    /// with the same metatable as a running sandbox's.
    static let sandboxLister = #"""
        local h = ns.sandbox.start { argv = { "/bin/true" } }
        for k, v in pairs(getmetatable(h)) do
          if not k:match("^__") then io.write("Sandbox:", k, "\t", type(v), "\n") end
        end
        """#

    /// name → kind, as the binary reports it.
    static func registered() throws -> [String: String] {
        var names: [String: String] = [:]
        for r in [try nsrun("-e", lister), try nsrun("--dry-run", "-e", sandboxLister)] {
            #expect(r.status == 0, "lister failed: \(r.stderr)")
            for line in r.stdout.split(separator: "\n") {
                let parts = line.split(separator: "\t", maxSplits: 1).map(String.init)
                if parts.count == 2 { names[parts[0]] = parts[1] }
            }
        }
        return names
    }

    struct Declared {
        /// name → kind: "function", the integer value of an integer literal,
        /// "table", "string", or "alias" (an assignment of another name, e.g.
        /// `ns.clone = clone`).
        var names: [String: String] = [:]
    }

    /// The names types/nsrun.lua declares, read line by line:
    /// `function ns.a.b(`, `function Class:method(`, `ns.a.b = value` and
    /// `GLOBAL = value` at the start of a line, and the `---@field` lines of
    /// the `---@class nsrun.SandboxSpec` block (as `spec.KEY`).
    static func declared() throws -> Declared {
        let text = try String(contentsOf: typesFile, encoding: .utf8)
        let function = #/^function\s+([A-Za-z_][A-Za-z0-9_.]*)\s*\(/#
        let method = #/^function\s+([A-Za-z_][A-Za-z0-9_]*):([A-Za-z_][A-Za-z0-9_]*)\s*\(/#
        let assignment = #/^([A-Za-z_][A-Za-z0-9_.]*)\s*=(?!=)\s*(.*?)\s*$/#
        let integer = #/^(-?)(?:0[xX]([0-9A-Fa-f]+)|([0-9]+))$/#
        let specClass = #/^---@class\s+nsrun\.SandboxSpec\b/#
        let field = #/^---@field\s+([A-Za-z_][A-Za-z0-9_]*)\??\s/#
        var d = Declared()
        var inSpec = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw)
            if line.firstMatch(of: specClass) != nil { inSpec = true; continue }
            if inSpec {
                if let m = line.firstMatch(of: field) { d.names["spec.\(m.1)"] = "key"; continue }
                inSpec = false
            }
            if let m = line.firstMatch(of: method) {
                d.names["\(m.1):\(m.2)"] = "function"
            } else if let m = line.firstMatch(of: function) {
                d.names[String(m.1)] = "function"
            } else if let m = line.firstMatch(of: assignment) {
                let value = String(m.2)
                let kind: String
                if let v = value.wholeMatch(of: integer) {
                    let magnitude = v.2.map { Int64($0, radix: 16) } ?? v.3.map { Int64($0, radix: 10) } ?? nil
                    kind = magnitude.map { String(v.1.isEmpty ? $0 : -$0) } ?? "?"
                } else if value.hasPrefix("{") {
                    kind = "table"
                } else if value.hasPrefix("\"") {
                    kind = "string"
                } else {
                    kind = "alias"
                }
                d.names[String(m.1)] = kind
            }
        }
        return d
    }

    @Test func everyRegisteredNameIsDeclaredAndNothingElse() throws {
        let binary = try Self.registered()
        let types = try Self.declared()
        #expect(binary.count > 200, "the lister found too little: \(binary.count) names")
        let missing = Set(binary.keys).subtracting(types.names.keys).sorted()
        let stale = Set(types.names.keys).subtracting(binary.keys).sorted()
        #expect(missing.isEmpty, "registered by nsrun but not declared in types/nsrun.lua: \(missing.joined(separator: ", "))")
        #expect(stale.isEmpty, "declared in types/nsrun.lua but not registered by nsrun: \(stale.joined(separator: ", "))")
    }

    @Test func declaredKindsAndConstantValuesMatch() throws {
        let binary = try Self.registered()
        let types = try Self.declared()
        var wrong: [String] = []
        for (name, kind) in binary.sorted(by: { $0.key < $1.key }) {
            guard let declared = types.names[name] else { continue }   // reported by the test above
            let ok: Bool
            switch kind {
            case "function": ok = declared == "function" || declared == "alias"
            default: ok = declared == kind   // "key", or an integer constant: the same value
            }
            if !ok { wrong.append("\(name): nsrun has \(kind), types/nsrun.lua \(declared)") }
        }
        #expect(wrong.isEmpty, "types/nsrun.lua differs from nsrun:\n\(wrong.joined(separator: "\n"))")
    }

    @Test func theDefinitionFilesCompile() throws {
        let r = try nsrun("--check", Self.typesFile.path,
                          Paths.root.appendingPathComponent("types/nsrun/sandbox.lua").path)
        #expect(r.status == 0, "\(r.stderr)")
        let text = try String(contentsOf: Self.typesFile, encoding: .utf8)
        #expect(text.hasPrefix("---@meta nsrun\n"), "types/nsrun.lua must start with ---@meta nsrun")
    }

    /// .luacheckrc declares every global nsrun adds (ns, the functions, every
    /// CLONE_* constant), so a recipe using one is not flagged, and nothing
    /// nsrun lacks.
    @Test func luacheckrcDeclaresNsrunsGlobals() throws {
        let globals = Set(try Self.registered().keys.filter { !$0.contains(".") && !$0.contains(":") })
        let text = try String(contentsOf: Self.luacheckrc, encoding: .utf8)
        guard let start = text.range(of: "read_globals = {"),
              let end = text.range(of: "}", range: start.upperBound..<text.endIndex) else {
            Issue.record(".luacheckrc has no read_globals = { ... } block")
            return
        }
        let quoted = #/"([A-Za-z_][A-Za-z0-9_]*)"/#
        let declared = Set(text[start.upperBound..<end.lowerBound].matches(of: quoted).map { String($0.1) })
        #expect(globals.contains("ns") && globals.contains("CLONE_NEWPID"), "lister: \(globals.sorted())")
        #expect(globals.subtracting(declared).isEmpty, ".luacheckrc lacks: \(globals.subtracting(declared).sorted())")
        #expect(declared.subtracting(globals).isEmpty, ".luacheckrc declares what nsrun lacks: \(declared.subtracting(globals).sorted())")
    }
}
