import Foundation
import Testing

/// The command of DESIGN.md 5, through the built binary.
@Suite struct CommandTests {
    @Test func versionAndHelp() throws {
        let v = try nsrun("--version")
        #expect(v.status == 0 && v.stdout.hasPrefix("nsrun 0.1.0 (Lua 5.4"))
        let h = try nsrun("--help")
        #expect(h.status == 0 && h.stdout.contains("usage: nsrun"))
        for option in ["-e CHUNK", "--check", "--trace", "--dry-run", "--version", "--help"] { #expect(h.stdout.contains(option), "\(option)") }
    }

    @Test func usageErrorsExit2WithOneLine() throws {
        for args in [["--frobnicate"], [], ["-e"], ["--check"], ["--trace", "--dry-run", "-e", "x"]] {
            let r = try run([Paths.nsrun] + args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.hasPrefix("nsrun: "), "\(args): \(r.stderr)")
        }
    }

    @Test func scriptGetsArgAndDots() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nsrun-args-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = dir.appendingPathComponent("s.lua")
        try "print(arg[0], arg[1], arg[2], #arg, select('#', ...), ...)".write(to: script, atomically: true, encoding: .utf8)
        let r = try nsrun(script.path, "a", "b c")
        #expect(r.status == 0)
        #expect(r.stdout == "\(script.path)\ta\tb c\t2\t2\ta\tb c\n")
    }

    @Test func chunkAndStdin() throws {
        let e = try nsrun("-e", "print(...) return 7", "x", "y")
        #expect(e.status == 7 && e.stdout == "x\ty\n")
        let s = try nsrun("-", "z", stdin: "print(arg[0], ...) return 3")
        #expect(s.status == 3 && s.stdout == "-\tz\n")
    }

    @Test(arguments: [("return 0", 0), ("return 42", 42), ("return true", 0), ("return false", 1),
                      ("", 0), ("os.exit(5)", 5), ("os.exit(true)", 0), ("error('x')", 1), ("return 300", 1)])
    func exitStatuses(chunk: String, status: Int32) throws {
        #expect(try nsrun("-e", chunk).status == status)
    }

    @Test func uncaughtErrorPrintsMessageAndTraceback() throws {
        let r = try nsrun("-e", "local function f() error('went wrong') end f()")
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("nsrun: (command line):1: went wrong\nstack traceback:"))
        let bad = try nsrun("-e", "clone(CLONE_VM, function() end)")
        #expect(bad.stderr.contains("bad argument #1 to 'clone' (CLONE_VM needs CLONE_VFORK)"))
    }

    @Test func checkCompilesWithoutRunning() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nsrun-check-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let marker = dir.appendingPathComponent("ran")
        let good = dir.appendingPathComponent("good.lua"), bad = dir.appendingPathComponent("bad.lua")
        try "io.open('\(marker.path)', 'w'):close()".write(to: good, atomically: true, encoding: .utf8)
        try "local x = = 1".write(to: bad, atomically: true, encoding: .utf8)
        #expect(try nsrun("--check", good.path).status == 0)
        #expect(!FileManager.default.fileExists(atPath: marker.path), "--check ran the script")
        let r = try nsrun("--check", good.path, bad.path)
        #expect(r.status == 1 && r.stderr.contains("bad.lua:1:"))
        let missing = try nsrun("/nonexistent/script.lua")
        #expect(missing.status == 1 && missing.stderr.contains("cannot open /nonexistent/script.lua"))
    }

    @Test func outputBeforeACloneAppearsOnceThroughAPipe() throws {
        // stdout to a file is fully buffered: without the flush before clone,
        // the child's copy of the buffer would be written a second time.
        let r = try nsrun("-e", """
            io.write("before\\n"); print("also before")
            local _, fd = clone(CLONE_NEWPID, function() io.write("child\\n") end)
            ns.wait(fd)
            local pid, fd2 = raw_clone(0)
            if pid == 0 then io.write("raw child\\n"); ns._exit(0) end
            ns.wait(fd2)
            io.write("after\\n")
            """)
        #expect(r.status == 0)
        #expect(r.stdout == "before\nalso before\nchild\nraw child\nafter\n")
    }

    @Test func childErrorsNameTheChild() throws {
        let r = try nsrun("-e", "local _, fd = clone(CLONE_NEWPID, function() error('inside') end); return select(3, ns.wait(fd))")
        #expect(r.status == 1)
        #expect(r.stderr.hasPrefix("nsrun: child 1: (command line):1: inside\nstack traceback:"), "\(r.stderr)")
    }

    @Test func signalsBlockedByTheCallerAreUnblockedIgnoredOnesKept() throws {
        guard let python = Paths.which("python3") else { print("skipped: python3 is not installed"); return }
        // The caller blocks SIGTERM and ignores SIGHUP (as nohup does), then execs nsrun.
        let r = try run([python, "-c", """
            import os, signal, sys
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
            signal.signal(signal.SIGHUP, signal.SIG_IGN)
            os.execv(sys.argv[1], sys.argv[1:])
            """, Paths.nsrun, "-e", "io.write(string.format('%s\\t%s', io.open('/proc/self/status'):read('a'):match('SigBlk:%s*(%x+)%s*SigIgn:%s*(%x+)')))"])
        #expect(r.status == 0, "\(r.stderr)")
        let parts = r.stdout.split(separator: "\t")
        #expect(parts.first.map { UInt64($0, radix: 16) } == 0, "SigBlk \(r.stdout)")
        #expect(parts.last.map { UInt64($0, radix: 16)! & 1 } == 1, "SIGHUP stays ignored: \(r.stdout)")
    }

    @Test func theHostProcessHasOneThread() throws {
        let r = try nsrun("-e", "io.write(io.open('/proc/self/status'):read('a'):match('Threads:%s*(%d+)'))")
        #expect(r.stdout == "1")
    }
}

/// Fault injection with strace: the clone3 → legacy clone fallback happens on
/// ENOSYS only, and any other error is reported, never retried.
@Suite struct FallbackTests {
    static let strace = Paths.which("strace")

    @Test func enosysFallsBackToLegacyClone() throws {
        guard let strace = Self.strace else { print("skipped: strace is not installed"); return }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("nsrun-strace-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let r = try run([strace, "-f", "-o", log, "-e", "trace=clone,clone3", "-e", "inject=clone3:error=ENOSYS",
                         Paths.nsrun, "-e", """
            local _, fd = assert(clone(CLONE_NEWPID | CLONE_NEWUTS, function() return getpid() == 1 and 0 or 1 end))
            assert(ns.wait(fd))
            local pid, fd2 = assert(raw_clone(0))
            if pid == 0 then ns._exit(9) end
            assert(select(3, ns.wait(fd2)) == 9)
            local ok, msg, errno = clone(CLONE_NEWTIME, function() end)
            assert(ok == nil and errno == ns.errno.ENOSYS and msg:find("needed for CLONE_NEWTIME"), msg)
            print("fallback ok")
            """])
        let trace = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(r.status == 0, "\(r.stderr)\n\(trace)")
        #expect(r.stdout == "fallback ok\n")
        #expect(trace.contains("clone3(") && trace.contains("ENOSYS"), "clone3 was tried first")
        let legacy = trace.split(separator: "\n").filter { $0.contains(" clone(") && $0.contains("CLONE_PIDFD") }
        #expect(legacy.count == 2, "two legacy clones with CLONE_PIDFD:\n\(trace)")
    }

    @Test func epermIsReportedNotRetried() throws {
        guard let strace = Self.strace else { print("skipped: strace is not installed"); return }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("nsrun-strace-eperm-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let r = try run([strace, "-f", "-o", log, "-e", "trace=clone,clone3", "-e", "inject=clone3:error=EPERM",
                         Paths.nsrun, "-e", """
            local pid, msg, errno = clone(CLONE_NEWPID, function() end)
            assert(pid == nil and errno == ns.errno.EPERM, tostring(msg))
            assert(msg == "clone3 CLONE_PIDFD|CLONE_NEWPID: Operation not permitted", msg)
            local pid2, msg2, errno2 = raw_clone(0)
            assert(pid2 == nil and errno2 == ns.errno.EPERM, tostring(msg2))
            print("eperm ok")
            """])
        let trace = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(r.status == 0, "\(r.stderr)\n\(trace)")
        #expect(r.stdout == "eperm ok\n")
        #expect(!trace.contains(" clone("), "EPERM must not fall back to the legacy clone:\n\(trace)")
    }
}

/// --trace and --dry-run: seeing what a recipe does.
@Suite struct ObserveTests {
    static let recipe = """
        local host = ns.gethostname()
        local _, fd = assert(clone(CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUTS, function()
          assert(ns.mount(nil, "/", nil, ns.MS_REC | ns.MS_PRIVATE))
          assert(ns.mount("proc", "/proc", "proc", ns.MS_NOSUID | ns.MS_NODEV | ns.MS_NOEXEC))
          assert(ns.sethostname("traced"))
          return 3
        end))
        local ok, how, code = ns.wait(fd)
        io.write(host == ns.gethostname() and "same host\\n" or "host changed\\n")
        return code
        """

    @Test func traceListsTheRealCallsInOrderInTheProcessThatMadeThem() throws {
        let r = try run([Paths.nsrun, "--trace", "-e", Self.recipe])
        #expect(r.status == 3, "\(r.stderr)")
        let lines = r.stderr.split(separator: "\n").map(String.init)
        // In order within each process; the parent's clone line is written
        // when clone returns, so the child's first lines may come before it.
        let parent = [
            #"^\[pid \d+\] gethostname\(\) = "[^"]*"$"#,
            #"^\[pid \d+\] clone\(CLONE_NEWNS\|CLONE_NEWUTS\|CLONE_NEWPID, function\) = \d+, pidfd \d+ \(pid \d+\)$"#,
            #"^\[pid \d+\] wait\(pidfd \d+ \(pid \d+\)\) = nil, "exit", 3, false, \{[^}]*maxrss=\d+[^}]*\}$"#,
            #"^\[pid \d+\] gethostname\(\) = "[^"]*"$"#,
        ]
        let child = [
            #"^\[pid 1 child\] mount\(nil, "/", nil, rec\|private\) = true$"#,
            #"^\[pid 1 child\] mount\("proc", "/proc", "proc", nosuid\|nodev\|noexec\) = true$"#,
            #"^\[pid 1 child\] sethostname\("traced"\) = true$"#,
        ]
        let parentLines = lines.filter { !$0.contains(" child]") }
        let childLines = lines.filter { $0.contains(" child]") }
        #expect(parentLines.count == parent.count && childLines.count == child.count, "\(r.stderr)")
        for (line, pattern) in Array(zip(parentLines, parent)) + Array(zip(childLines, child)) {
            #expect(line.range(of: pattern, options: .regularExpression) != nil, "\(line) !~ \(pattern)")
        }
        #expect(r.stdout == "same host\n")
    }

    @Test func dryRunPrintsThePlanAndCreatesNothing() throws {
        let mounts = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        let r = try run([Paths.nsrun, "--dry-run", "-e", Self.recipe + "\n-- unreachable when the plan is right"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr == """
            [dry-run] clone(CLONE_NEWNS|CLONE_NEWUTS|CLONE_NEWPID, function)
            [dry-run child] mount(nil, "/", nil, rec|private)
            [dry-run child] mount("proc", "/proc", "proc", nosuid|nodev|noexec)
            [dry-run child] sethostname("traced")
            [dry-run] wait(pidfd (closed, pid 100))

            """)
        #expect(r.stdout == "same host\n")
        #expect(try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) == mounts)
    }

    @Test func dryRunStopsAtExecAndNothingRuns() throws {
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("nsrun-dry-\(getpid())").path
        let r = try run([Paths.nsrun, "--dry-run", "-e", """
            local _, fd = clone(CLONE_NEWPID, function()
              ns.execve("/bin/touch", { "touch", "\(marker)" })
              io.write("after exec in the child\\n")
            end)
            ns.exec({ "touch", "\(marker)" })
            io.write("after exec\\n")
            """])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "", "nothing after an exec runs: \(r.stdout)")
        #expect(r.stderr.contains("[dry-run child] execve(\"/bin/touch\""))
        #expect(r.stderr.contains("[dry-run] exec({\"touch\""))
        #expect(!FileManager.default.fileExists(atPath: marker), "dry-run ran touch")
    }
}

/// What the static nsrun does before main (Sources/CNSRunStart): argv
/// without libswiftCore's /proc/self/maps parse, no search for the
/// swift-backtrace helper, and no trace of either in the recipe's world.
@Suite struct StartUpTests {
    @Test func startUpReadsNoProcMapsAndSearchesNoBacktracer() throws {
        guard let strace = FallbackTests.strace else { print("skipped: strace is not installed"); return }
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("nsrun-strace-start-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: log) }
        let r = try run([strace, "-o", log, "-e", "trace=%file,%desc", Paths.nsrun, "-e", "print(select('#', ...), ...)", "a", "b c"])
        let trace = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
        #expect(r.status == 0 && r.stdout == "2\ta\tb c\n", "\(r.stderr)")
        #expect(trace.contains("execve("), "strace saw the run:\n\(trace)")
        // A dynamic build (swift test's own) runs libswiftCore.so's
        // constructors before the executable's: only the static nsrun can do this.
        if trace.contains("libswiftCore.so") { print("skipped: the nsrun under test is not the static build"); return }
        #expect(!trace.contains("/proc/self/maps"), "argv came from /proc/self/maps:\n\(trace)")
        #expect(!trace.contains("swift-backtrace") && !trace.contains("libexec/swift"), "a backtracer search:\n\(trace)")
        #expect(!trace.contains("ioctl("), "terminal checks at start-up:\n\(trace)")
    }

    /// scripts/build-release's layout: BOLT's note is in the shipped binary,
    /// and a Swift relative pointer (String's type descriptor to its metadata
    /// accessor, which every start-up calls) reaches the accessor's new copy.
    /// llvm-bolt alone leaves such pointers at the old copies;
    /// scripts/bolt-relative-pointers.py retargets them.
    @Test func theShippedBinaryIsLaidOutByBolt() throws {
        guard Paths.which("llvm-bolt-19") != nil else { print("skipped: llvm-bolt-19 is not installed"); return }
        guard let readelf = Paths.which("readelf"), let nm = Paths.which("nm") else { print("skipped: binutils is not installed"); return }
        let program = try run([readelf, "-lW", Paths.nsrun]).stdout
        if program.contains("INTERP") { print("skipped: the nsrun under test is not the static build"); return }
        let sections = try run([readelf, "-SW", Paths.nsrun]).stdout
        #expect(sections.contains(".note.bolt_info"), "no BOLT note: scripts/build-release kept lld's layout (.build/bolt.log)")
        var symbols: [String: UInt64] = [:]
        // Filtered by grep: nm lists ~50,000 symbols, slow to split in a debug build.
        let listing = try run(["/bin/sh", "-c", "\"$0\" \"$1\" | grep -E ' [$]sSSM[na]$'", nm, Paths.nsrun]).stdout
        for line in listing.split(separator: "\n") {
            let f = line.split(separator: " ")
            if f.count == 3, f[2] == "$sSSMn" || f[2] == "$sSSMa" { symbols[String(f[2])] = UInt64(f[0], radix: 16) }
        }
        guard let descriptor = symbols["$sSSMn"], let accessor = symbols["$sSSMa"] else {
            Issue.record("String's descriptor or accessor is not in the symbol table"); return
        }
        // The descriptor's fourth 32-bit field is the accessor, relative to itself.
        let field = descriptor + 12
        var offset: UInt64?
        for line in program.split(separator: "\n") {
            // LOAD Offset VirtAddr PhysAddr FileSiz MemSiz Flg Align
            let f = line.split(separator: " ")
            guard f.count >= 5, f[0] == "LOAD" else { continue }
            let hex = f[1...4].compactMap { UInt64($0.dropFirst(2), radix: 16) }
            if hex.count == 4, field >= hex[1], field + 4 <= hex[1] + hex[3] { offset = hex[0] + field - hex[1] }
        }
        guard let offset else { Issue.record("String's descriptor is in no loaded segment"); return }
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Paths.nsrun))
        let raw = bytes[Int(offset)..<Int(offset) + 4].reversed().reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
        let target = UInt64(Int64(field) + Int64(Int32(bitPattern: raw)))
        #expect(target == accessor, "String's accessor pointer reaches 0x\(String(target, radix: 16)), the accessor is at 0x\(String(accessor, radix: 16))")
    }

    /// scripts/rodata.ld: the shipped binary's .rodata has no writable
    /// input in it, and the kernel maps it read-only (lld had put all of it
    /// in the writable segment, whose page table entries every fork copies).
    @Test func theReadOnlyDataIsMappedReadOnly() throws {
        guard let readelf = Paths.which("readelf") else { print("skipped: binutils is not installed"); return }
        if try run([readelf, "-lW", Paths.nsrun]).stdout.contains("INTERP") {
            print("skipped: the nsrun under test is not the static build"); return
        }
        // [Nr] Name Type Address Off Size ES Flg ...
        let sections = try run([readelf, "-SW", Paths.nsrun]).stdout.split(separator: "\n")
        guard let line = sections.first(where: { $0.contains("] .rodata ") }) else { Issue.record("no .rodata section"); return }
        let f = line.split(separator: "]")[1].split(separator: " ")
        guard f.count >= 7, let address = UInt64(f[2], radix: 16), let size = UInt64(f[4], radix: 16) else {
            Issue.record("cannot read \(line)"); return
        }
        #expect(!f[6].contains("W"), ".rodata is writable: \(line)")
        let maps = try run([Paths.nsrun, "-e", "io.write(io.open('/proc/self/maps'):read('a'))"])
        #expect(maps.status == 0, "\(maps.stderr)")
        for probe in [address, address + size - 1] {
            let mapping = maps.stdout.split(separator: "\n").first { m in
                let range = m.split(separator: " ")[0].split(separator: "-").compactMap { UInt64($0, radix: 16) }
                return range.count == 2 && range[0] <= probe && probe < range[1]
            }
            #expect(mapping.map { $0.split(separator: " ")[1] == "r--p" } == true,
                    ".rodata byte 0x\(String(probe, radix: 16)) is mapped \(mapping.map(String.init) ?? "nowhere")")
        }
    }

    /// scripts/patch-cpuid.py: glibc's handle_amd jumps to
    /// nsrun_amd_cache_info, leaf 0x80000000 is kept and three repeated
    /// leaves are answered by stubs, and the XSAVE sizing is skipped; the answers must stay glibc's own. Run
    /// under gdb with a breakpoint on every cpuid in the binary: every cache
    /// value sysconf reports and every memcpy/memset threshold derived from
    /// them equals what the host's glibc (the same 2.36, dynamic, unpatched:
    /// this test process and ld.so) computed, and on an AMD CPU the start-up
    /// asked no cpuid question twice and did not size the XSAVE area (glibc's
    /// code: 41 cpuid instructions for 18 questions; patched, 12 for 12).
    @Test func theStartUpAsksEachCpuidQuestionOnceAndGetsGlibcsAnswers() throws {
        guard let gdb = Paths.which("gdb") else { Issue.record("gdb is missing: scripts/setup installs it"); return }
        guard let readelf = Paths.which("readelf"), let objdump = Paths.which("objdump") else {
            Issue.record("binutils is missing: scripts/setup installs it"); return
        }
        if try run([readelf, "-lW", Paths.nsrun]).stdout.contains("INTERP") {
            print("skipped: the nsrun under test is not the static build"); return
        }
        // The patch is made for glibc 2.36 only; elsewhere only the values are checked.
        let glibc = (try? run(["/usr/bin/dpkg-query", "-W", "-f", "${Version}", "libc6-dev"]).stdout) ?? ""
        let patched = glibc.hasPrefix("2.36-")
        // The patches: handle_amd's first instruction is a jump to ours, and
        // glibc's start-up calls each of the four stubs once.
        let listing = try run([objdump, "-d", "--no-show-raw-insn", "--disassemble=handle_amd", Paths.nsrun]).stdout
        let entry = listing.split(separator: "\n").first { $0.contains(":\t") } ?? ""
        #expect(!patched || entry.contains("jmp") && entry.contains("<nsrun_amd_cache_info>"), "handle_amd is not patched:\n\(listing)")
        let all = try run([objdump, "-d", "--no-show-raw-insn", Paths.nsrun]).stdout
        for stub in ["nsrun_cpuid_record_80000000", "nsrun_cpuid_80000000", "nsrun_cpuid_1", "nsrun_cpuid_80000008"] {
            let calls = all.split(separator: "\n").filter { $0.contains("\tcall ") && $0.hasSuffix("<\(stub)>") }
            #expect(!patched || calls.count == 1, "\(calls.count) calls of \(stub), expected 1")
        }
        // Every cpuid in the binary, each logging its leaf and subleaf.
        let cpuids = all.split(separator: "\n").filter { $0.hasSuffix("\tcpuid") }.compactMap { $0.split(separator: ":").first?.trimmingCharacters(in: .whitespaces) }
        #expect(cpuids.count >= 13, "objdump found \(cpuids.count) cpuid instructions")
        let names = Array(185...199)   // _SC_LEVEL1_ICACHE_SIZE ... _SC_LEVEL4_CACHE_LINESIZE
        let thresholds = ["data_cache_size", "shared_cache_size", "non_temporal_threshold",
                          "rep_movsb_threshold", "rep_stosb_threshold", "rep_movsb_stop_threshold"]
        let variable = ["data_cache_size": "__x86_data_cache_size", "shared_cache_size": "__x86_shared_cache_size",
                        "non_temporal_threshold": "__x86_shared_non_temporal_threshold"]
        var script = "set pagination off\n"
        script += cpuids.map { "break *0x\($0)\ncommands\nsilent\nprintf \"cpuid %x %x\\n\", $eax, $ecx\ncontinue\nend\n" }.joined()
        script += "break main\nrun\n"
        script += names.map { "printf \"sysconf %d %ld\\n\", \($0), (long)sysconf(\($0))\n" }.joined()
        script += thresholds.map { "printf \"x86 \($0) %ld\\n\", *(long *)&\(variable[$0] ?? "__x86_" + $0)\n" }.joined()
        script += "kill\n"
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("nsrun-gdb-\(getpid()).cmd")
        try script.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        // gdb waits for its inferior's SIGCHLD, which the test runner's
        // threads pass on blocked: gdb starts from python3 with none blocked.
        guard let python = Paths.which("python3") else { Issue.record("python3 is missing: scripts/setup installs it"); return }
        let r = try run([python, "-c", """
            import os, signal, sys
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            os.execv(sys.argv[1], sys.argv[1:])
            """, gdb, "-batch", "-nx", "-x", file.path, "--args", Paths.nsrun, "-e", "return"])
        let lines = r.stdout.split(separator: "\n")
        for name in names {
            let line = lines.first { $0.hasPrefix("sysconf \(name) ") }
            #expect(line == "sysconf \(name) \(sysconf(Int32(name)))", "sysconf(\(name)) in nsrun: \(line ?? "none"); in glibc: \(sysconf(Int32(name)))\n\(r.stderr)")
        }
        // ld.so reports the thresholds the host's glibc computed.
        let diagnostics = try run(["/lib64/ld-linux-x86-64.so.2", "--list-diagnostics"]).stdout
        for key in thresholds {
            guard let field = diagnostics.split(separator: "\n").first(where: { $0.hasPrefix("x86.cpu_features.\(key)=") }),
                  let value = Int(field.split(separator: "=")[1].dropFirst(2), radix: 16) else {
                Issue.record("ld.so --list-diagnostics has no \(key)"); continue
            }
            // The two cache sizes are stored rounded down to 256 bytes.
            let expected = key == "data_cache_size" || key == "shared_cache_size" ? value & ~255 : value
            let line = lines.first { $0.hasPrefix("x86 \(key) ") }
            #expect(line == "x86 \(key) \(expected)", "\(key) in nsrun: \(line ?? "none"); in glibc: \(expected)")
        }
        let vendor = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?.split(separator: "\n")
            .first { $0.hasPrefix("vendor_id") }.map { String($0.split(separator: ":").last ?? "").trimmingCharacters(in: .whitespaces) } ?? ""
        guard vendor == "AuthenticAMD" || vendor == "HygonGenuine" else {
            print("skipped: cpuid count: a \(vendor) CPU, glibc does not ask handle_amd"); return
        }
        guard patched else { print("skipped: cpuid count: glibc \(glibc), not 2.36, keeps its own code"); return }
        // The questions: leaves 7, 0xd and 0x8000001d read a subleaf from ECX,
        // the others ignore it (glibc leaves whatever ECX held).
        let asked = lines.filter { $0.hasPrefix("cpuid ") }.map { line -> String in
            let f = line.split(separator: " ")
            return ["7", "d", "8000001d"].contains(String(f[1])) ? "\(f[1])/\(f[2])" : String(f[1])
        }
        #expect(asked.count >= 10, "gdb counted \(asked.count) cpuid:\n\(r.stdout)\n\(r.stderr)")
        #expect(Set(asked).count == asked.count, "a cpuid question asked twice: \(asked)")
        #expect(!asked.contains { $0.hasPrefix("d/") && $0 != "d/1" }, "the XSAVE area was sized: \(asked)")
    }

    @Test func theRecipeSeesTheEnvironmentItWasGiven() throws {
        // The test runner may set SWIFT_BACKTRACE itself: run without it.
        let env = "/usr/bin/env", unsetting = ["-u", "SWIFT_BACKTRACE"]
        let unset = try run([env] + unsetting + [Paths.nsrun, "-e", "io.write(tostring(os.getenv('SWIFT_BACKTRACE')))"])
        #expect(unset.status == 0 && unset.stdout == "nil", "\(unset.stdout) \(unset.stderr)")
        let set = try run([Paths.nsrun, "-e", "io.write(os.getenv('SWIFT_BACKTRACE'))"], env: ["SWIFT_BACKTRACE": "enable=no"])
        #expect(set.status == 0 && set.stdout == "enable=no", "\(set.stdout) \(set.stderr)")
        // And a program it starts: the environment nsrun passes on.
        let child = try run([env] + unsetting + [Paths.nsrun, "-e", "os.exit(os.execute('test -z \"$SWIFT_BACKTRACE\"') and 0 or 1)"])
        #expect(child.status == 0, "\(child.stderr)")
    }
}
