import Foundation
import Testing

/// Every example runs on this machine and exits 0: each ends by checking
/// what it claims, so a zero status means the claims held.
let exampleFiles: [String] = {
    let files = (try? FileManager.default.contentsOfDirectory(atPath: Paths.examples.path)) ?? []
    return files.filter { $0.hasSuffix(".lua") }.sorted()
}()

@Test(arguments: exampleFiles)
func example(_ file: String) throws {
    let before = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
    let r = try run([Paths.nsrun, Paths.examples.appendingPathComponent(file).path])
    #expect(r.status == 0 && !r.signaled, "\(file) exited \(r.status)\n\(r.stdout)\n\(r.stderr)")
    #expect(r.stdout.contains("all claims hold"), "\(file):\n\(r.stdout)")
    #expect(try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8) == before, "\(file) changed the host's mounts")
}

@Test func theExamplesOfTheFoundationExist() {
    for name in ["hello.lua", "pidfd.lua", "raw_clone.lua"] { #expect(exampleFiles.contains(name), "\(name)") }
}
