import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// execveat(2)'s flag to execute `dirfd` itself (AT_SYMLINK_NOFOLLOW comes from Glibc).
public let AT_EMPTY_PATH: Int32 = 0x1000

/// The current process environment as `K=V` strings.
public func currentEnvironment() -> [String] {
    var result: [String] = []
    var p = nsrun_sys_environ()
    while let entry = p.pointee {
        result.append(String(cString: entry))
        p += 1
    }
    return result
}

/// execveat(2): replaces the process image with the program at `path`,
/// relative to `dirfd` (AT_FDCWD for the working directory; with
/// AT_EMPTY_PATH and an empty path, the file `dirfd` itself).
///
/// - Returns only on failure, with the exec's errno; stdio is flushed first
///   so output written before the exec is not lost.
/// - File descriptors not marked close-on-exec survive: every fd nsrun opens
///   is O_CLOEXEC from birth, so the program receives only stdio and what a
///   recipe passes on purpose.
public func execveat(dirfd: Int32, path: String, argv: [String], env: [String], flags: Int32) -> SysError {
    let cargv = CStringArray(argv), cenv = CStringArray(env)
    nsrun_sys_flush_stdio()
    _ = cargv.withUnsafeArray { a in
        cenv.withUnsafeArray { e in nsrun_sys_execveat(dirfd, path, a, e, flags) }
    }
    return SysError.last("execveat", path.isEmpty ? "fd \(dirfd)" : path)
}

/// execve(2): `execveat(AT_FDCWD, path, ...)`, reported as "execve PATH: …".
public func execve(path: String, argv: [String], env: [String]) -> SysError {
    let e = execveat(dirfd: AT_FDCWD, path: path, argv: argv, env: env, flags: 0)
    return SysError(errno: e.errno, operation: "execve", object: path)
}

/// The places execvp(3) tries for `name`: the name itself when it contains a
/// slash, else each directory of `searchPath` (an empty entry means the
/// working directory, as POSIX says). Pure logic.
public func execCandidates(_ name: String, searchPath: String?) -> [String] {
    if name.contains("/") { return [name] }
    let dirs = (searchPath ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":", omittingEmptySubsequences: false)
    return dirs.map { $0.isEmpty ? name : "\($0)/\(name)" }
}

/// Executes `argv[0]` searched in the caller's PATH, as execvp(3): ENOENT,
/// ENOTDIR and EACCES move on to the next directory; EACCES is reported if
/// no candidate ran; any other error stops the search. Returns only on failure.
public func execSearchingPath(argv: [String], env: [String]) -> SysError {
    let name = argv[0]
    var sawEACCES = false
    for candidate in execCandidates(name, searchPath: getenv("PATH").map { String(cString: $0) }) {
        let e = execve(path: candidate, argv: argv, env: env)
        switch e.errno {
        case ENOENT, ENOTDIR: continue
        case EACCES: sawEACCES = true; continue
        default: return SysError(errno: e.errno, operation: "exec", object: name)
        }
    }
    return SysError(errno: sawEACCES ? EACCES : ENOENT, operation: "exec", object: name)
}

/// The first candidate for `name` that is an executable regular file, for
/// paths that must resolve before a clone (the CLONE_VM child cannot search).
/// A name with a slash is returned as it is, so the exec reports its own errno.
public func resolveExecutable(_ name: String) -> String? {
    if name.contains("/") { return name }
    for candidate in execCandidates(name, searchPath: getenv("PATH").map { String(cString: $0) }) {
        var st = stat()
        if stat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, access(candidate, X_OK) == 0 {
            return candidate
        }
    }
    return nil
}
