import Foundation

/// Runs the built nsrun (or any program) as a subprocess. The test runner is
/// multi-threaded, so clone-based behaviour is never exercised in process.
struct Run {
    let status: Int32
    let stdout: String
    let stderr: String
    let signaled: Bool
}

enum Paths {
    /// The package root, found from this file's location.
    static let root: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The nsrun under test: $NSRUN_BIN, else the one built beside the test bundle.
    static let nsrun: String = {
        if let env = ProcessInfo.processInfo.environment["NSRUN_BIN"], !env.isEmpty { return env }
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            .appendingPathComponent("nsrun").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        return root.appendingPathComponent(".build/debug/nsrun").path
    }()

    static let luaTests = root.appendingPathComponent("Tests/NSRunTests/lua")
    static let examples = root.appendingPathComponent("examples")

    static func which(_ name: String) -> String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }
}

/// Runs `argv` with `stdin` text, collecting output through files (no pipe
/// deadlocks, no reader threads), in `cwd` (default: the package root).
func run(_ argv: [String], stdin: String? = nil, env: [String: String] = [:], cwd: URL = Paths.root) throws -> Run {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: argv[0])
    p.arguments = Array(argv.dropFirst())
    p.currentDirectoryURL = cwd
    var environment = ProcessInfo.processInfo.environment
    environment["LUA_PATH"] = Paths.luaTests.path + "/?.lua;;"
    for (k, v) in env { environment[k] = v }
    p.environment = environment
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("nsrun-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let out = dir.appendingPathComponent("out"), err = dir.appendingPathComponent("err"), inp = dir.appendingPathComponent("in")
    FileManager.default.createFile(atPath: out.path, contents: nil)
    FileManager.default.createFile(atPath: err.path, contents: nil)
    FileManager.default.createFile(atPath: inp.path, contents: (stdin ?? "").data(using: .utf8))
    p.standardOutput = try FileHandle(forWritingTo: out)
    p.standardError = try FileHandle(forWritingTo: err)
    p.standardInput = try FileHandle(forReadingFrom: inp)
    try p.run()
    p.waitUntilExit()
    return Run(status: p.terminationStatus,
               stdout: (try? String(contentsOf: out, encoding: .utf8)) ?? "",
               stderr: (try? String(contentsOf: err, encoding: .utf8)) ?? "",
               signaled: p.terminationReason == .uncaughtSignal)
}

func nsrun(_ args: String..., stdin: String? = nil) throws -> Run {
    try run([Paths.nsrun] + args, stdin: stdin)
}
