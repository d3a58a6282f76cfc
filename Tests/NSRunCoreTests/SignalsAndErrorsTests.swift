import Testing
import Glibc
@testable import NSRunCore

@Test(arguments: [("TERM", SIGTERM), ("SIGTERM", SIGTERM), ("term", SIGTERM), ("SigKill", SIGKILL),
                  ("HUP", SIGHUP), ("USR1", SIGUSR1), ("CHLD", SIGCHLD), ("SYS", SIGSYS)])
func signalNames(name: String, number: Int32) {
    #expect(Signals.number(named: name) == number)
}

@Test func realtimeAndUnknownSignalNames() {
    let rtmin = Int32(__libc_current_sigrtmin()), rtmax = Int32(__libc_current_sigrtmax())
    #expect(Signals.number(named: "RTMIN") == rtmin)
    #expect(Signals.number(named: "SIGRTMIN+2") == rtmin + 2)
    #expect(Signals.number(named: "RTMAX-1") == rtmax - 1)
    #expect(Signals.number(named: "RTMIN+99") == nil)
    // Found by libFuzzer: these trapped on Int32 overflow.
    #expect(Signals.number(named: "RTMIN+2147483647") == nil)
    #expect(Signals.number(named: "RTMAX--2147483648") == nil)
    #expect(Signals.number(named: "\u{17F}igterm") == nil, "ſ is not s")
    #expect(Signals.number(named: "NOPE") == nil)
    #expect(Signals.number(named: "15") == nil)
    #expect(Signals.number(named: "") == nil)
    #expect(Signals.name(of: SIGTERM) == "SIGTERM")
    #expect(Signals.name(of: 0) == "signal 0")
    #expect(Signals.isValid(0, allowZero: true) && !Signals.isValid(0, allowZero: false))
    #expect(!Signals.isValid(65, allowZero: true) && !Signals.isValid(-1, allowZero: true))
}

@Test func sysErrorMessagesNameOperationAndObject() {
    #expect(SysError(errno: EPERM, operation: "mount", object: "/srv/rootfs/proc").message
            == "mount /srv/rootfs/proc: Operation not permitted")
    #expect(SysError(errno: ENOSYS, operation: "clone3").message == "clone3: Function not implemented")
    errno = ESRCH
    let e = SysError.last("pidfd_send_signal", "pidfd 3")
    #expect(e.errno == ESRCH && e.message == "pidfd_send_signal pidfd 3: No such process")
}

@Test func errnoTableHasTheCommonNames() {
    let table = Dictionary(uniqueKeysWithValues: ErrnoNames.all.map { ($0.name, Int32($0.value)) })
    #expect(table["EPERM"] == EPERM && table["ESRCH"] == ESRCH && table["ENOSYS"] == ENOSYS)
    #expect(table["ECHILD"] == ECHILD && table["EINVAL"] == EINVAL && table["ENOENT"] == ENOENT)
    #expect(table.count == ErrnoNames.all.count, "no duplicate names")
}

@Test func execSearchFollowsExecvp() {
    #expect(execCandidates("/bin/sh", searchPath: "/x") == ["/bin/sh"])
    #expect(execCandidates("./run", searchPath: "/x") == ["./run"])
    #expect(execCandidates("sh", searchPath: "/a:/b") == ["/a/sh", "/b/sh"])
    #expect(execCandidates("sh", searchPath: "/a::/b") == ["/a/sh", "sh", "/b/sh"])
    #expect(execCandidates("sh", searchPath: nil).first == "/usr/local/bin/sh")
    #expect(resolveExecutable("sh") != nil)
    #expect(resolveExecutable("no-such-program-nsrun") == nil)
}

@Test func asciiNamesFoldOnlyASCIILetters() {
    #expect(ASCIINames.matches("SigTerm", "TERM", optionalPrefix: "SIG"))
    #expect(ASCIINames.matches("term", "TERM", optionalPrefix: "SIG"))
    #expect(ASCIINames.matches("CAP_SYS_ADMIN", "sys_admin", optionalPrefix: "cap_"))
    #expect(!ASCIINames.matches("SIG", "TERM", optionalPrefix: "SIG"), "the prefix alone")
    #expect(!ASCIINames.matches("XIGTERM", "TERM", optionalPrefix: "SIG"), "a wrong prefix")
    #expect(!ASCIINames.matches("TERMS", "TERM", optionalPrefix: "SIG"))
    #expect(!ASCIINames.matches("@", "`", optionalPrefix: ""), "only letters fold")
    #expect(!ASCIINames.matches("[", "{", optionalPrefix: ""), "only letters fold")
    #expect(!ASCIINames.matches("\u{17F}IGTERM", "TERM", optionalPrefix: "SIG"), "ſ is not s")
    #expect(!ASCIINames.matches("", "TERM", optionalPrefix: "SIG"))
}
