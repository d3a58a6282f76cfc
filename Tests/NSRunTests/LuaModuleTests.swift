import Foundation
import Testing

/// nsrun as a Lua module (README, "nsrun as a Lua module"): the stock lua5.4 loads
/// nsrun.so, built by scripts/build-module, with `require "nsrun"`.
/// Everything runs in lua5.4 subprocesses, never in the test runner.
enum LuaModuleBuild {
    static let lua: String? = Paths.which("lua5.4")

    /// What scripts/build-module produced: the module's directory, or the
    /// reason there is none. Built once, whichever test asks first.
    struct Build: Sendable {
        let dir: String?
        let log: String
    }

    static let build: Build = {
        let script = Paths.root.appendingPathComponent("scripts/build-module").path
        guard let r = try? NSRunTests.run([script]) else { return Build(dir: nil, log: "cannot run \(script)") }
        let path = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        guard r.status == 0, path.hasSuffix("/nsrun.so"), FileManager.default.fileExists(atPath: path) else {
            return Build(dir: nil, log: "scripts/build-module exited \(r.status)\n\(r.stdout)\n\(r.stderr)")
        }
        return Build(dir: String(path.dropLast("/nsrun.so".count)), log: r.stderr)
    }()

    /// Runs `chunk` with `lua5.4 -e`, the module first on package.cpath.
    /// nil (with the skip printed) when lua5.4 is not installed.
    static func run(_ chunk: String, env: [String: String] = [:]) throws -> Run? {
        guard let lua else {
            print("skipped: lua5.4 is not installed")
            return nil
        }
        let dir = try #require(build.dir, "\(build.log)")
        let prelude = "package.cpath = \"\(dir)/?.so;\" .. package.cpath\n"
        return try NSRunTests.run([lua, "-e", prelude + chunk], env: env)
    }
}

@Suite struct LuaModuleTests {
    @Test func requireReturnsNSAndSetsNoGlobal() throws {
        guard let r = try LuaModuleBuild.run("""
            local ns = require "nsrun"
            print(type(ns), ns == package.loaded.nsrun, require "nsrun" == ns)
            print(rawget(_G, "ns"), rawget(_G, "clone"), rawget(_G, "raw_clone"), rawget(_G, "getpid"), rawget(_G, "CLONE_NEWPID"))
            print(ns.CLONE_NEWPID, ns.CLONE_NEWNS, ns.CLONE_NEWTIME, ns.CLONE_CLEAR_SIGHAND, ns.CLONE_INTO_CGROUP)
            print(ns.CLONE_ARGS_SIZE_VER0, ns.CLONE_ARGS_SIZE_VER1, ns.CLONE_ARGS_SIZE_VER2, ns.errno.ENOENT, ns.mode())
            local f = assert(io.open("/proc/self/stat"))
            local pid = f:read("n")
            f:close()
            print(math.type(ns.getpid()), ns.getpid() == pid, ns.gettid() == pid)
            print(ns.version)
            local status = assert(io.open("/proc/self/status")):read("a")
            print("threads", status:match("Threads:%s*(%d+)"))
            """) else { return }
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 8, "\(r.stdout)")
        guard lines.count == 8 else { return }
        #expect(lines[0] == "table\ttrue\ttrue")
        #expect(lines[1] == "nil\tnil\tnil\tnil\tnil", "no globals: \(lines[1])")
        #expect(lines[2] == "536870912\t131072\t128\t4294967296\t8589934592", "the seed's values: \(lines[2])")
        #expect(lines[3] == "64\t80\t88\t2\trun")
        #expect(lines[4] == "integer\ttrue\ttrue", "ns.getpid() is the interpreter's pid: \(lines[4])")
        #expect(lines[5].hasPrefix("nsrun 0.1.0 (Lua 5.4"))
        #expect(lines[6] == "threads\t1", "the module starts no thread (DESIGN.md 2.1): \(lines[6])")
    }

    @Test func cloneRawCloneAndWait() throws {
        guard let r = try LuaModuleBuild.run("""
            local ns = require "nsrun"
            local pid, pidfd = assert(ns.clone(ns.CLONE_NEWPID, function(a, b)
              return ns.getpid() == 1 and a + b or 1
            end, 3, 4))
            print(math.type(pid), pid > 0 and pid ~= ns.getpid(), tostring(pidfd):match("^pidfd") ~= nil)
            local ok, how, n = ns.wait(pidfd)
            print(ok, how, n)
            ok, how, n = ns.wait(select(2, assert(ns.clone(0, function() end))))
            print(ok, how, n)
            local rpid, rpidfd = assert(ns.raw_clone(ns.CLONE_NEWPID))
            if rpid == 0 then ns._exit(ns.getpid() == 1 and 5 or 1) end
            ok, how, n = ns.wait(rpidfd)
            print(ok, how, n)
            """) else { return }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "integer\ttrue\ttrue\nnil\texit\t7\ntrue\texit\t0\nnil\texit\t5\n", "\(r.stdout)\n\(r.stderr)")
    }

    @Test func errorConventions() throws {
        guard let r = try LuaModuleBuild.run("""
            local ns = require "nsrun"
            local a, msg, errno = ns.execve("/nonexistent", { "x" })
            print(a, errno)
            print(msg)
            print(pcall(ns.clone, ns.CLONE_VM, function() end))
            print(pcall(ns.pidfd_open, "1"))
            """) else { return }
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(r.stdout)")
        guard lines.count == 4 else { return }
        #expect(lines[0] == "nil\t2", "nil, message, ENOENT: \(lines[0])")
        #expect(lines[1].hasPrefix("execve /nonexistent: No such file or directory"), "\(lines[1])")
        #expect(lines[2] == "false\tbad argument #1 to 'clone' (CLONE_VM needs CLONE_VFORK)")
        #expect(lines[3] == "false\tbad argument #1 to 'pidfd_open' (number expected, got string)")
    }

    @Test func sandboxRunsUnderTheModule() throws {
        guard let r = try LuaModuleBuild.run("""
            local ns = require "nsrun"
            local sandbox = require "nsrun.sandbox"
            print(sandbox == ns.sandbox)
            local spec = { argv = { "/bin/true" }, namespaces = { "pid", "mount" }, mounts = { { proc = "/proc" } } }
            local result = sandbox.run(spec)
            print(result.status, result.code)
            spec.argv = { "/bin/sh", "-c", "exit 3" }
            result = sandbox.run(spec)
            print(result.status, result.code)
            """) else { return }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "true\nexit\t0\nexit\t3\n", "\(r.stdout)\n\(r.stderr)")
    }

    /// `require "nsrun.sandbox"` alone: Lua's all-in-one searcher finds
    /// luaopen_nsrun_sandbox in nsrun.so, which opens ns first.
    @Test func sandboxRequiredFirst() throws {
        guard let r = try LuaModuleBuild.run("""
            local sandbox = require "nsrun.sandbox"
            print(type(package.loaded.nsrun), rawget(_G, "ns"), package.loaded["nsrun.sandbox"] == sandbox)
            local result = sandbox.run{ argv = { "/bin/true" }, namespaces = { "pid", "mount" }, mounts = { { proc = "/proc" } } }
            print(result.status, result.code)
            """) else { return }
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "table\tnil\ttrue\nexit\t0\n", "\(r.stdout)\n\(r.stderr)")
    }

    /// One Lua in the process: every Lua symbol nsrun.so uses binds to the
    /// interpreter's own copy (lua5.4 has Lua built in and exports it), not
    /// to the liblua5.4.so.0 the module names as a dependency.
    @Test func luaSymbolsBindToTheInterpreter() throws {
        guard let lua = LuaModuleBuild.lua else { print("skipped: lua5.4 is not installed"); return }
        guard let r = try LuaModuleBuild.run("local ns = require 'nsrun'; ns.getpid(); require 'nsrun.sandbox'",
                                        env: ["LD_DEBUG": "bindings"]) else { return }
        #expect(r.status == 0, "\(r.stderr)")
        let fromModule = r.stderr.split(separator: "\n").filter {
            $0.contains("binding file ") && $0.contains("nsrun.so [0] to ")
                && ($0.contains("normal symbol `lua_") || $0.contains("normal symbol `luaL_"))
        }
        #expect(fromModule.count >= 20, "too few bindings seen:\n\(r.stderr.prefix(2000))")
        for line in fromModule { #expect(line.contains(" to \(lua) [0]: "), "\(line)") }
    }

    /// The cgroup registry's atexit handler still removes what a script left,
    /// with a process inside, whether lua5.4 ends with os.exit or normally.
    @Test(arguments: ["os.exit(3)", "return"])
    func cgroupsRemovedAtExit(ending: String) throws {
        guard let r = try LuaModuleBuild.run("""
            local ns = require "nsrun"
            local ok, cg, msg = pcall(ns.cgroup.create, "nsrun-module-test-" .. ns.getpid())
            if not (ok and cg) then print("skipped: no cgroup: " .. tostring(cg or msg)) return end
            print(cg.path)
            io.stdout:flush()
            assert(ns.clone({ flags = ns.CLONE_NEWPID, cgroup = cg }, function()
              return ns.execve("/bin/sleep", { "sleep", "30" })
            end))
            keep = cg
            \(ending)
            """) else { return }
        let out = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        if out.hasPrefix("skipped:") { print(out); return }
        #expect(r.status == (ending == "return" ? 0 : 3), "\(r.stderr)")
        #expect(out.hasPrefix("/sys/fs/cgroup/"), "\(r.stdout)\n\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out), "\(out) left behind")
    }
}
