import NSRunCore
#if canImport(Glibc)
import Glibc
#endif

/// How a script's `ns` calls are carried out: performed (the default),
/// performed and printed (--trace), or printed and not performed (--dry-run).
public enum ObserveMode: Equatable, Sendable {
    case run, trace, dryRun
}

/// What the command line asks for. Parsing is pure logic, tested in process.
public enum Invocation: Equatable {
    case run(script: String, args: [String], mode: ObserveMode = .run)   // nsrun script.lua args…  /  nsrun - args…
    case chunk(String, args: [String], mode: ObserveMode = .run)         // nsrun -e CHUNK args…
    case check([String])                          // nsrun --check script.lua…
    case version
    case help
    case usageError(String)

    /// Parses argv without the program name. Options come before the script;
    /// `--` ends them; everything after the script belongs to the script.
    public static func parse(_ argv: [String]) -> Invocation {
        var i = 0
        var checkOnly = false
        var mode = ObserveMode.run
        while i < argv.count {
            let a = argv[i]
            switch a {
            case "--help", "-h": return .help
            case "--version", "-v": return .version
            case "--check": checkOnly = true
            case "--trace", "--dry-run":
                let wanted: ObserveMode = a == "--trace" ? .trace : .dryRun
                if mode != .run && mode != wanted { return .usageError("'--trace' and '--dry-run' exclude each other") }
                mode = wanted
            case "-e":
                guard i + 1 < argv.count else { return .usageError("'-e' needs an argument") }
                if checkOnly { return .usageError("'--check' takes script files, not '-e'") }
                return .chunk(argv[i + 1], args: Array(argv[(i + 2)...]), mode: mode)
            case "--":
                i += 1
                return finish(Array(argv[i...]), checkOnly: checkOnly, mode: mode)
            default:
                if a.hasPrefix("-") && a != "-" { return .usageError("unknown option '\(a)'") }
                return finish(Array(argv[i...]), checkOnly: checkOnly, mode: mode)
            }
            i += 1
        }
        return .usageError("no script given")
    }

    private static func finish(_ rest: [String], checkOnly: Bool, mode: ObserveMode) -> Invocation {
        guard let script = rest.first else { return .usageError("no script given") }
        if checkOnly && mode != .run { return .usageError("'--check' runs nothing: it takes no '--trace' or '--dry-run'") }
        return checkOnly ? .check(rest) : .run(script: script, args: Array(rest.dropFirst()), mode: mode)
    }
}

/// The `nsrun` command: parses, runs, returns the exit status.
public enum NSRunCommand {
    public static let usage = """
    usage: nsrun [options] script.lua [args...]
           nsrun [options] - [args...]          (script from standard input)
           nsrun -e CHUNK [args...]
    options:
      -e CHUNK     run CHUNK as the script; args become ... and arg[1..n]
      --check      compile the scripts, run nothing (exit 1 on a syntax error)
      --trace      print every ns call, in the process that made it, with its
                   arguments and results, one line each on stderr
      --dry-run    print the ns calls that would change anything, in order, and
                   perform none of them (calls that only read still run)
      -v, --version  print the version and exit
      -h, --help     print this help and exit
      --           end of options
    exit status: the script's returned integer (0-255) or os.exit(n); 0 when it
    ends normally; 1 on an uncaught error; 2 on a usage error; for a returned
    sandbox result: its code, 128+signal, or 125 when setup failed.
    """

    public static func main(_ argv: [String]) -> Int32 {
        let program = argv.first ?? "nsrun"
        unblockAllSignals()
        switch Invocation.parse(Array(argv.dropFirst())) {
        case .help:
            print(usage)
            return 0
        case .version:
            print(NSRunVersion.string)
            return 0
        case .usageError(let why):
            writeStderr("nsrun: \(why) (try 'nsrun --help')\n")
            return 2
        case .check(let files):
            var status: Int32 = 0
            for f in files {
                guard let host = LuaHost() else { return outOfMemory() }
                if let msg = host.load(.file(f)) {
                    writeStderr("nsrun: \(msg)\n")
                    status = 1
                }
            }
            return status
        case .chunk(let text, let args, let mode):
            guard let host = LuaHost() else { return outOfMemory() }
            host.setMode(mode)
            host.setArg(program: program, script: "-e", args: args)
            finish(host.run(.chunk(text), args: args))
        case .run(let script, let args, let mode):
            guard let host = LuaHost() else { return outOfMemory() }
            host.setMode(mode)
            host.setArg(program: program, script: script, args: args)
            finish(host.run(.file(script), args: args))
        }
    }

    /// Ends the process with the script's status without closing the Lua
    /// state, as lua(1) does for os.exit: freeing every object one by one
    /// at exit is a third of a short script's run time, and the kernel frees
    /// the memory and fds anyway. exit(3) still flushes stdio and runs the
    /// atexit handlers (the cgroup registry removes what is left).
    static func finish(_ status: Int32) -> Never {
        flushStdio()
        exit(status)
    }

    static func outOfMemory() -> Int32 {
        writeStderr("nsrun: cannot create a Lua state: out of memory\n")
        return 1
    }
}
