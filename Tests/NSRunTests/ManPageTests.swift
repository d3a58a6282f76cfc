import Foundation
import Testing

/// nsrun(1) (docs/nsrun.1.scd) agrees with `nsrun --help`, builds with
/// scdoc, and scripts/install and scripts/uninstall touch exactly their
/// three files under a PREFIX.
@Suite struct ManPageTests {
    static let source = Paths.root.appendingPathComponent("docs/nsrun.1.scd")

    // MARK: parsing

    /// The leading tokens of an option line that start with '-' (`-e CHUNK`
    /// gives `-e`; `-h, --help` would give both), scdoc's `*` and `_`
    /// markup taken off.
    static func leadingOptions(_ line: Substring) -> [String] {
        var names: [String] = []
        for raw in line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "|" }) {
            let token = String(raw).trimmingCharacters(in: CharacterSet(charactersIn: "*_"))
            guard token.hasPrefix("-") else { break }
            names.append(token)
        }
        return names
    }

    /// The options of `nsrun --help`: in the block after `options:`, each
    /// line indented as the first one and starting with '-' is an option
    /// line; deeper lines continue its description. The block ends at the
    /// next line that is not indented.
    static func helpOptions(_ help: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces) == "options:" }) else { return [] }
        var names: [String] = []
        var optionIndent: Int?
        for line in lines[(start + 1)...] {
            if line.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            let indent = line.prefix(while: { $0 == " " }).count
            if indent == 0 { break }
            if optionIndent == nil { optionIndent = indent }
            let text = line.dropFirst(indent)
            if indent == optionIndent, text.hasPrefix("-") { names += leadingOptions(text) }
        }
        return names
    }

    /// The lines of one `# SECTION` of an scdoc page, up to the next one.
    static func section(_ name: String, of page: String) -> [Substring] {
        let lines = page.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: { $0 == "# \(name)" }) else { return [] }
        let rest = lines[(start + 1)...]
        let end = rest.firstIndex(where: { $0.hasPrefix("# ") }) ?? rest.endIndex
        return Array(rest[..<end])
    }

    /// The options of the man page: in its OPTIONS section, each line that
    /// is not indented (descriptions are, with a tab) is an option line.
    static func manOptions(_ page: String) -> [String] {
        section("OPTIONS", of: page)
            .filter { !$0.isEmpty && !$0.hasPrefix("\t") && !$0.hasPrefix(" ") }
            .flatMap { leadingOptions($0) }
    }

    @Test func theParsersReadBothFormats() {
        let help = """
        usage: x [options]
        options:
          -e CHUNK     run it
          -h, --help   help, and a continuation that
                       -looks like an option
          --           end
        exit status: 0
          -z           not an option: after the block
        """
        #expect(Self.helpOptions(help) == ["-e", "-h", "--help", "--"])
        let page = "x(1)\n\n# OPTIONS\n\n*-e* _CHUNK_\n\tRun it.\n\t-x in a description\n\n*--check*, *-c*\n\tCheck.\n\n*--*\n\tEnd.\n\n# EXIT STATUS\n\n*-y*\n\tNo.\n"
        #expect(Self.manOptions(page) == ["-e", "--check", "-c", "--"])
    }

    // MARK: the page against --help

    @Test func everyOptionOfHelpIsInTheManPageAndViceVersa() throws {
        let help = try nsrun("--help")
        #expect(help.status == 0, "nsrun --help exited \(help.status): \(help.stderr)")
        let page = try String(contentsOf: Self.source, encoding: .utf8)
        let fromHelp = Self.helpOptions(help.stdout), fromPage = Self.manOptions(page)
        #expect(!fromHelp.isEmpty && fromHelp.contains("--help"), "no options parsed from --help:\n\(help.stdout)")
        #expect(!fromPage.isEmpty && fromPage.contains("--help"), "no options parsed from the OPTIONS section of docs/nsrun.1.scd")
        let onlyHelp = Set(fromHelp).subtracting(fromPage), onlyPage = Set(fromPage).subtracting(fromHelp)
        #expect(onlyHelp.isEmpty, "in nsrun --help but not in nsrun(1)'s OPTIONS: \(onlyHelp.sorted())")
        #expect(onlyPage.isEmpty, "in nsrun(1)'s OPTIONS but not in nsrun --help: \(onlyPage.sorted())")
        #expect(fromHelp.count == Set(fromHelp).count, "an option is listed twice in --help: \(fromHelp)")
        #expect(fromPage.count == Set(fromPage).count, "an option is listed twice in nsrun(1): \(fromPage)")
    }

    @Test func everyOptionOfTheManPageIsDescribed() throws {
        let options = Self.section("OPTIONS", of: try String(contentsOf: Self.source, encoding: .utf8))
        for (i, line) in options.enumerated() where !line.isEmpty && !line.hasPrefix("\t") {
            let next = i + 1 < options.count ? options[i + 1] : ""
            #expect(next.hasPrefix("\t") && next.count > 1, "option line '\(line)' has no indented description")
        }
    }

    @Test func theManPageHasItsSectionsAndTheVersion() throws {
        let page = try String(contentsOf: Self.source, encoding: .utf8)
        for name in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES",
                     "EXAMPLES", "SECURITY", "SEE ALSO"] {
            #expect(!Self.section(name, of: page).isEmpty, "docs/nsrun.1.scd has no '# \(name)' section")
        }
        let seeAlso = Self.section("SEE ALSO", of: page).joined(separator: " ")
        for ref in ["bwrap*(1)", "unshare*(1)", "namespaces*(7)", "clone*(2)", "pivot_root*(2)", "seccomp*(2)",
                    "landlock*(7)", "lua*(1)"] {
            #expect(seeAlso.contains(ref), "SEE ALSO lacks \(ref)")
        }
        let environment = Self.section("ENVIRONMENT", of: page).joined(separator: " ")
        for name in ["*PATH*", "*LUA_PATH*", "*LUA_CPATH*", "*NSRUN_ROOTFS*"] {
            #expect(environment.contains(name), "ENVIRONMENT lacks \(name)")
        }
        // The footer names the version that `nsrun --version` prints.
        let version = try nsrun("--version")
        let number = version.stdout.split(separator: " ").prefix(2).joined(separator: " ")   // "nsrun 0.1.0"
        let preamble = page.split(separator: "\n").first.map(String.init) ?? ""
        #expect(preamble.hasPrefix("nsrun(1) \"\(number)\""), "preamble '\(preamble)' does not name '\(number)'")
    }

    // MARK: building

    @Test func theManPageBuildsWithScdoc() throws {
        guard Paths.which("scdoc") != nil else {
            print("skipped: scdoc is not installed")
            return
        }
        let r = try run([Paths.root.appendingPathComponent("scripts/build-man").path])
        #expect(r.status == 0, "scripts/build-man exited \(r.status):\n\(r.stderr)")
        #expect(r.stderr.isEmpty, "scdoc complained:\n\(r.stderr)")
        let built = Paths.root.appendingPathComponent(".build/man/nsrun.1")
        #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == ".build/man/nsrun.1")
        let roff = try String(contentsOf: built, encoding: .utf8)
        #expect(roff.contains(".TH \"nsrun\" \"1\""), "no .TH line in \(built.path)")
        for name in ["NAME", "SYNOPSIS", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"] {
            #expect(roff.contains(".SH \(name)"), "no .SH \(name) in the built page")
        }
        for option in Self.helpOptions(try nsrun("--help").stdout) where option != "--" {
            #expect(roff.contains("\\fB\(option)\\fR"), "\(option) is not in the built page")
        }
    }

    // MARK: install and uninstall

    /// A copy of the parts of the tree that install and uninstall use, in a
    /// fresh `mktemp -d` directory: its scripts, the page's source and the
    /// type definitions. The binary comes from NSRUN_INSTALL_BIN, the nsrun under
    /// test: no rebuild while other tests run it. The copy has no
    /// scripts/setup, so an install that ignored NSRUN_INSTALL_BIN fails.
    static func tree(withTypes: Bool) throws -> URL {
        let dir = try mktemp()
        let fm = FileManager.default
        for sub in ["scripts", "docs", "types/nsrun"] {
            try fm.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        for script in ["install", "uninstall", "build-man"] {
            let to = dir.appendingPathComponent("scripts/\(script)")
            try fm.copyItem(at: Paths.root.appendingPathComponent("scripts/\(script)"), to: to)
            try fm.setAttributes([.posixPermissions: 0o755], ofItemAtPath: to.path)
        }
        try fm.copyItem(at: source, to: dir.appendingPathComponent("docs/nsrun.1.scd"))
        if withTypes {
            for file in ["types/nsrun.lua", "types/nsrun/sandbox.lua"] {
                try fm.copyItem(at: Paths.root.appendingPathComponent(file), to: dir.appendingPathComponent(file))
            }
        }
        return dir
    }

    static func mktemp() throws -> URL {
        let r = try run([Paths.which("mktemp") ?? "/usr/bin/mktemp", "-d"])
        struct MktempFailed: Error { let stderr: String }
        guard r.status == 0 else { throw MktempFailed(stderr: r.stderr) }
        return URL(fileURLWithPath: r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// Every entry under `dir`, relative, as "path/" for a directory and
    /// "path 644" (the permission bits, octal) for anything else.
    static func listing(_ dir: URL) throws -> Set<String> {
        let fm = FileManager.default
        var entries = Set<String>()
        for path in try fm.subpathsOfDirectory(atPath: dir.path) {
            let attributes = try fm.attributesOfItem(atPath: dir.appendingPathComponent(path).path)
            if attributes[.type] as? FileAttributeType == .typeDirectory {
                entries.insert(path + "/")
            } else {
                let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue ?? -1
                entries.insert("\(path) \(String(mode & 0o7777, radix: 8))")
            }
        }
        return entries
    }

    static func install(_ tree: URL, _ prefix: URL) throws -> Run {
        try run([tree.appendingPathComponent("scripts/install").path, prefix.path], env: ["NSRUN_INSTALL_BIN": Paths.nsrun])
    }

    static func uninstall(_ tree: URL, _ prefix: URL) throws -> Run {
        try run([tree.appendingPathComponent("scripts/uninstall").path, prefix.path])
    }

    @Test func installPutsExactlyThreeFilesAndUninstallRemovesThem() throws {
        guard Paths.which("scdoc") != nil else {
            print("skipped: scdoc is not installed")
            return
        }
        let tree = try Self.tree(withTypes: true), prefix = try Self.mktemp()
        defer {
            try? FileManager.default.removeItem(at: tree)
            try? FileManager.default.removeItem(at: prefix)
        }
        // Someone else's files under PREFIX, which neither script may touch.
        let fm = FileManager.default
        try fm.createDirectory(at: prefix.appendingPathComponent("share/man/man1"), withIntermediateDirectories: true)
        try fm.createDirectory(at: prefix.appendingPathComponent("bin"), withIntermediateDirectories: true)
        try Data("#!/bin/sh\n".utf8).write(to: prefix.appendingPathComponent("bin/other"))
        try Data(".TH other 1\n".utf8).write(to: prefix.appendingPathComponent("share/man/man1/other.1"))
        try fm.setAttributes([.posixPermissions: 0o700], ofItemAtPath: prefix.appendingPathComponent("bin/other").path)
        try fm.setAttributes([.posixPermissions: 0o600], ofItemAtPath: prefix.appendingPathComponent("share/man/man1/other.1").path)
        let others: Set = ["bin/", "bin/other 700", "share/", "share/man/", "share/man/man1/", "share/man/man1/other.1 600"]

        let installed = try Self.install(tree, prefix)
        #expect(installed.status == 0, "scripts/install exited \(installed.status):\n\(installed.stderr)")
        let ours: Set = ["bin/nsrun 755", "share/man/man1/nsrun.1 644", "share/nsrun/", "share/nsrun/types/",
                         "share/nsrun/types/nsrun.lua 644", "share/nsrun/types/nsrun/", "share/nsrun/types/nsrun/sandbox.lua 644"]
        #expect(try Self.listing(prefix) == others.union(ours))

        // The files are the binary under test, the page built from the source, and the types.
        func bytes(_ url: URL) -> Data? { fm.contents(atPath: url.path) }
        #expect(bytes(prefix.appendingPathComponent("bin/nsrun")) == bytes(URL(fileURLWithPath: Paths.nsrun)))
        #expect(bytes(prefix.appendingPathComponent("share/man/man1/nsrun.1")) == bytes(tree.appendingPathComponent(".build/man/nsrun.1")))
        #expect(bytes(prefix.appendingPathComponent("share/nsrun/types/nsrun.lua")) == bytes(tree.appendingPathComponent("types/nsrun.lua")))
        let page = String(decoding: bytes(prefix.appendingPathComponent("share/man/man1/nsrun.1")) ?? Data(), as: UTF8.self)
        #expect(page.contains(".TH \"nsrun\" \"1\""), "the installed page is not nsrun(1)")
        let version = try run([prefix.appendingPathComponent("bin/nsrun").path, "--version"])
        #expect(version.status == 0 && version.stdout.hasPrefix("nsrun "), "installed nsrun --version: \(version.status) \(version.stdout)")

        // Installing again over the same PREFIX is the same install.
        let again = try Self.install(tree, prefix)
        #expect(again.status == 0, "a second scripts/install exited \(again.status):\n\(again.stderr)")
        #expect(try Self.listing(prefix) == others.union(ours))

        let removed = try Self.uninstall(tree, prefix)
        #expect(removed.status == 0, "scripts/uninstall exited \(removed.status):\n\(removed.stderr)")
        #expect(try Self.listing(prefix) == others, "after uninstall")

        // Idempotent: nothing left to remove is not an error, and changes nothing.
        let twice = try Self.uninstall(tree, prefix)
        #expect(twice.status == 0, "a second scripts/uninstall exited \(twice.status):\n\(twice.stderr)")
        #expect(try Self.listing(prefix) == others, "after a second uninstall")
    }

    @Test func uninstallKeepsTheDirectoriesThatHoldSomethingElse() throws {
        guard Paths.which("scdoc") != nil else {
            print("skipped: scdoc is not installed")
            return
        }
        let tree = try Self.tree(withTypes: true), prefix = try Self.mktemp()
        defer {
            try? FileManager.default.removeItem(at: tree)
            try? FileManager.default.removeItem(at: prefix)
        }
        let installed = try Self.install(tree, prefix)
        #expect(installed.status == 0, "scripts/install exited \(installed.status):\n\(installed.stderr)")
        try Data("-- mine\n".utf8).write(to: prefix.appendingPathComponent("share/nsrun/types/mine.lua"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: prefix.appendingPathComponent("share/nsrun/types/mine.lua").path)
        let removed = try Self.uninstall(tree, prefix)
        #expect(removed.status == 0, "scripts/uninstall exited \(removed.status):\n\(removed.stderr)")
        #expect(try Self.listing(prefix) == ["bin/", "share/", "share/man/", "share/man/man1/", "share/nsrun/",
                                             "share/nsrun/types/", "share/nsrun/types/mine.lua 644"])
    }

    @Test func installFailsClearlyWithoutTheTypesAndWritesNothing() throws {
        let tree = try Self.tree(withTypes: false), prefix = try Self.mktemp()
        defer {
            try? FileManager.default.removeItem(at: tree)
            try? FileManager.default.removeItem(at: prefix)
        }
        let r = try Self.install(tree, prefix)
        #expect(r.status != 0, "scripts/install succeeded without types/nsrun.lua")
        #expect(r.stderr.contains("types/nsrun.lua is missing"), "unclear failure:\n\(r.stderr)")
        #expect(try Self.listing(prefix).isEmpty, "scripts/install wrote under PREFIX before failing")
    }
}
