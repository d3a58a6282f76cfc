import Testing
@testable import NSRunLua

@Test func commandLineParsesLikeLua() {
    #expect(Invocation.parse(["r.lua", "a", "-e"]) == .run(script: "r.lua", args: ["a", "-e"]))
    #expect(Invocation.parse(["-", "x"]) == .run(script: "-", args: ["x"]))
    #expect(Invocation.parse(["-e", "return 1", "a"]) == .chunk("return 1", args: ["a"]))
    #expect(Invocation.parse(["--check", "a.lua", "b.lua"]) == .check(["a.lua", "b.lua"]))
    #expect(Invocation.parse(["--", "-weird.lua"]) == .run(script: "-weird.lua", args: []))
    #expect(Invocation.parse(["--version"]) == .version)
    #expect(Invocation.parse(["--help"]) == .help)
    #expect(Invocation.parse(["--trace", "r.lua", "x"]) == .run(script: "r.lua", args: ["x"], mode: .trace))
    #expect(Invocation.parse(["--dry-run", "-e", "c"]) == .chunk("c", args: [], mode: .dryRun))
    #expect(Invocation.parse(["r.lua", "--trace"]) == .run(script: "r.lua", args: ["--trace"]))
}

@Test func usageErrorsNameTheProblem() {
    #expect(Invocation.parse([]) == .usageError("no script given"))
    #expect(Invocation.parse(["--frob"]) == .usageError("unknown option '--frob'"))
    #expect(Invocation.parse(["-e"]) == .usageError("'-e' needs an argument"))
    #expect(Invocation.parse(["--check"]) == .usageError("no script given"))
    #expect(Invocation.parse(["--"]) == .usageError("no script given"))
    #expect(Invocation.parse(["--trace", "--dry-run", "r.lua"]) == .usageError("'--trace' and '--dry-run' exclude each other"))
    #expect(Invocation.parse(["--check", "--trace", "r.lua"]) == .usageError("'--check' runs nothing: it takes no '--trace' or '--dry-run'"))
}
