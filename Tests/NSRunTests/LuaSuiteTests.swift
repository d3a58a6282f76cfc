import Foundation
import Testing

/// Every Tests/NSRunTests/lua/test_*.lua, run by the built nsrun. Each file
/// asserts its own facts and ends with "N passed, N failed, N skipped".
let luaSuites: [String] = {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: Paths.luaTests.path)) ?? []
    return files.filter { $0.hasPrefix("test_") && $0.hasSuffix(".lua") }.sorted()
}()

@Test(arguments: luaSuites)
func luaSuite(_ file: String) throws {
    let mountsBefore = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
    let r = try run([Paths.nsrun, Paths.luaTests.appendingPathComponent(file).path])
    // Whatever a suite mounts stays in the namespaces it created.
    #expect(try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) == mountsBefore,
            "\(file) changed the host's mount table")
    let summary = r.stdout.split(separator: "\n").last.map(String.init) ?? ""
    let failures = r.stdout.split(separator: "\n").filter { $0.hasPrefix("not ok") || $0.hasPrefix("  ") || $0.hasPrefix("\t") }
    #expect(r.status == 0 && !r.signaled, "\(file) exited \(r.status)\n\(r.stdout)\n\(r.stderr)")
    #expect(summary.range(of: #"^[1-9]\d* passed, 0 failed"#, options: .regularExpression) != nil,
            "\(file): \(summary)\n\(failures.joined(separator: "\n"))")
    for line in r.stdout.split(separator: "\n") where line.hasPrefix("skipped:") { print("\(file): \(line)") }
}

@Test func theLuaSuitesAreFound() {
    #expect(luaSuites.count >= 5, "found \(luaSuites)")
}
