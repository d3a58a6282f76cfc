import Testing
import Glibc
@testable import NSRunCore

/// The procfs checks behind every write to /proc (uid_map, gid_map,
/// setgroups, timens_offsets). Opens only: nothing is written here.
@Suite struct ProcFileTests {
    @Test func aRootThatIsNotProcfsIsRefusedWithEXDEV() throws {
        let dir = "/tmp/nsrun-procfile-\(getpid())"
        #expect(mkdir(dir, 0o700) == 0)
        defer { rmdir(dir) }
        // A look-alike tree: DIR/self/uid_map as a regular file.
        #expect(mkdir(dir + "/self", 0o700) == 0)
        defer { rmdir(dir + "/self") }
        let fd = open(dir + "/self/uid_map", O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        #expect(fd >= 0)
        close(fd)
        defer { unlink(dir + "/self/uid_map") }
        #expect(throws: SysError(errno: EXDEV, operation: "write_uid_map", object: dir + "/self/uid_map (not procfs)")) {
            try ProcFile.open("self/uid_map", flags: O_WRONLY, operation: "write_uid_map", root: dir)
        }
        #expect(throws: SysError(errno: EXDEV, operation: "write_uid_map", object: dir + "/self/uid_map (not procfs)")) {
            try ProcFile.write("self/uid_map", "0 0 1\n", operation: "write_uid_map", root: dir)
        }
        var st = stat()
        #expect(stat(dir + "/self/uid_map", &st) == 0 && st.st_size == 0, "nothing written")
    }

    @Test func aProcFileOpensAndIsProcfs() throws {
        let fd = try ProcFile.open("self/comm", flags: O_WRONLY, operation: "test")
        defer { close(fd) }
        #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0, "close-on-exec")
        let dir = try ProcFile.openDirectory("self/ns", operation: "test")
        close(dir)
    }

    @Test func noEscapeAboveProcAndNoMagicLinks() {
        // ".." leaves /proc: RESOLVE_BENEATH answers EXDEV.
        #expect(throws: SysError(errno: EXDEV, operation: "test", object: "/proc/../etc/hostname (not procfs)")) {
            try ProcFile.open("../etc/hostname", flags: O_RDONLY, operation: "test")
        }
        // /proc/self/root is a magic link to the root directory: ELOOP.
        #expect(throws: SysError(errno: ELOOP, operation: "test", object: "/proc/self/root/etc/hostname")) {
            try ProcFile.open("self/root/etc/hostname", flags: O_RDONLY, operation: "test")
        }
        #expect(throws: SysError(errno: ENOENT, operation: "test", object: "/proc/4198625/uid_map")) {
            try ProcFile.open("4198625/uid_map", flags: O_WRONLY, operation: "test")
        }
    }
}
