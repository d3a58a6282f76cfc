import Testing
import Glibc
@testable import NSRunCore

/// The supervision concern's pure logic (signal sets, timeouts, durations,
/// wait statuses, rusage units), and poll/read_signals on pipes the test
/// opens itself. Nothing here changes the signal mask or clones: the test
/// runner is multi-threaded.

@Test func signalSetBitsAndOrder() throws {
    let set = try SignalSet(validating: [SIGTERM, SIGUSR1, SIGHUP, SIGUSR1, 64])
    #expect(set.bits == UInt64(1) << 14 | UInt64(1) << 9 | 1 | UInt64(1) << 63)
    #expect(set.signals == [SIGHUP, SIGUSR1, SIGTERM, 64])
    #expect(set.contains(SIGUSR1) && !set.contains(SIGUSR2))
    #expect(!set.contains(0) && !set.contains(65), "out of range is never a member")
    #expect(set.description == "SIGHUP,SIGUSR1,SIGTERM,SIG64")
    #expect(SignalSet().description == "(none)")
    #expect(try SignalSet(validating: []).bits == 0)
    #expect(SignalSet(bits: 1 << 33).signals == [34], "bits as the kernel reads them")
}

@Test func signalSetRefusals() {
    #expect(SignalSet.refusal(of: SIGKILL) == "SIGKILL cannot be blocked or caught")
    #expect(SignalSet.refusal(of: SIGSTOP) == "SIGSTOP cannot be blocked or caught")
    #expect(SignalSet.refusal(of: 0) == "signal 0 out of range 1..64")
    #expect(SignalSet.refusal(of: 65) == "signal 65 out of range 1..64")
    #expect(SignalSet.refusal(of: -3) == "signal -3 out of range 1..64")
    for reserved: Int32 in [32, 33] {
        #expect(SignalSet.refusal(of: reserved)?.hasPrefix("signal \(reserved) is reserved by the C library") == true)
    }
    for ok: Int32 in [1, SIGINT, SIGTERM, SIGCHLD, 34, 64] { #expect(SignalSet.refusal(of: ok) == nil, "\(ok)") }
    #expect(throws: UsageError("SIGKILL cannot be blocked or caught")) {
        try SignalSet(validating: [SIGTERM, SIGKILL])
    }
}

@Test func signalMaskChangeNames() {
    #expect(SignalMaskChange(rawValue: "block") == .block)
    #expect(SignalMaskChange(rawValue: "unblock") == .unblock)
    #expect(SignalMaskChange(rawValue: "set") == .set)
    #expect(SignalMaskChange(rawValue: "setmask") == nil)
    #expect(SignalMaskChange(rawValue: "BLOCK") == nil)
    #expect(Set(SignalMaskChange.allCases.map(\.code)).count == 3)
}

@Test func pollTimeoutFromSeconds() {
    #expect(PollTimeout.from(seconds: nil) == .forever)
    #expect(PollTimeout.from(seconds: -1) == .forever)
    #expect(PollTimeout.from(seconds: -.infinity) == .forever)
    #expect(PollTimeout.from(seconds: .infinity) == .forever)
    #expect(PollTimeout.from(seconds: .nan) == nil)
    #expect(PollTimeout.from(seconds: 0) == .seconds(0))
    #expect(PollTimeout.from(seconds: 0.2) == .seconds(0.2))
}

@Test func pollMillisecondsRoundUpAndClamp() {
    #expect(PollTimeout.milliseconds(remaining: 0.2) == 200)
    #expect(PollTimeout.milliseconds(remaining: 0.0001) == 1, "never 0 before the deadline")
    #expect(PollTimeout.milliseconds(remaining: 1.0005) == 1001)
    #expect(PollTimeout.milliseconds(remaining: 0) == 0)
    #expect(PollTimeout.milliseconds(remaining: -5) == 0)
    #expect(PollTimeout.milliseconds(remaining: .nan) == 0)
    #expect(PollTimeout.milliseconds(remaining: 1e300) == Int32.max)
    #expect(PollTimeout.milliseconds(remaining: .infinity) == Int32.max)
}

@Test func sleepDurations() {
    #expect(Durations.refusal(sleep: 0) == nil)
    #expect(Durations.refusal(sleep: 0.5) == nil)
    #expect(Durations.refusal(sleep: Durations.maximum) == nil)
    #expect(Durations.refusal(sleep: -0.001) == "duration must not be negative")
    #expect(Durations.refusal(sleep: .nan) == "duration is NaN")
    #expect(Durations.refusal(sleep: .infinity) == "duration out of range 0..2147483647 seconds")
    #expect(Durations.refusal(sleep: 1e300) != nil)
    let a = Durations.timespecFor(seconds: 1.25)
    #expect(a.tv_sec == 1 && a.tv_nsec == 250_000_000)
    let b = Durations.timespecFor(seconds: 0.9999999999)
    #expect(b.tv_sec == 1 && b.tv_nsec == 0, "rounding up to a whole second carries")
    let c = Durations.timespecFor(seconds: 2)
    #expect(c.tv_sec == 2 && c.tv_nsec == 0)
}

@Test func waitTargets() {
    #expect(WaitTarget(-1) == .any)
    #expect(WaitTarget(1) == .pid(1))
    #expect(WaitTarget(Int64(Int32.max)) == .pid(Int32.max))
    #expect(WaitTarget(0) == nil, "a process group: refused")
    #expect(WaitTarget(-2) == nil)
    #expect(WaitTarget(Int64(Int32.max) + 1) == nil)
}

@Test func waitStatusFromChildCode() {
    #expect(WaitStatus(childCode: Int32(CLD_EXITED), status: 42) == .exited(42))
    #expect(WaitStatus(childCode: Int32(CLD_KILLED), status: SIGKILL) == .signaled(SIGKILL, coreDumped: false))
    #expect(WaitStatus(childCode: Int32(CLD_DUMPED), status: SIGSEGV) == .signaled(SIGSEGV, coreDumped: true))
}

@Test func rusageUnits() throws {
    let u = ResourceUsage(userMicroseconds: 1_500_000, systemMicroseconds: 250, maxRSSKiB: 2048)
    #expect(u.userSeconds == 1.5)
    #expect(u.systemSeconds == 0.00025)
    #expect(RusageTarget(rawValue: "self") == .process)
    #expect(RusageTarget(rawValue: "children") == .children)
    #expect(RusageTarget(rawValue: "thread") == nil)
    let me = try resourceUsage(.process)
    #expect(me.maxRSSKiB > 0)
}

@Test func monotonicClockAdvances() {
    let a = monotonicSeconds()
    sleepFor(seconds: 0.01)
    let b = monotonicSeconds()
    #expect(b - a >= 0.01)
}

/// poll(2) on pipes: readiness, order, end of file, timeout, EBADF.
@Test func pollOnPipes() throws {
    let (r1, w1) = try makePipe()
    let (r2, w2) = try makePipe()
    defer { for fd in [r1, r2, w2] { close(fd) } }
    #expect(try pollReadable([r1, r2], timeout: .seconds(0)) == [])
    let start = monotonicSeconds()
    #expect(try pollReadable([r1], timeout: .seconds(0.05)) == [])
    #expect(monotonicSeconds() - start >= 0.05, "never before the deadline")
    _ = try [UInt8]("x".utf8).withUnsafeBytes { try writeFD(w2, $0) }
    #expect(try pollReadable([r1, r2, r2], timeout: .forever) == [r2], "ready once, as given")
    close(w1)
    #expect(try pollReadable([r2, r1], timeout: .seconds(1)) == [r2, r1], "end of file is ready")
    // An fd number no open(2) hands out (the lowest free one is taken), so
    // the tests running beside this one cannot make it valid.
    let closed: Int32 = 999_999
    #expect(throws: SysError(errno: EBADF, operation: "poll", object: "fd \(closed)")) {
        try pollReadable([r2, closed], timeout: .seconds(0))
    }
}

/// read_signals never waits, and refuses what is not a signalfd.
@Test func readSignalsOnPipes() throws {
    let (r, w) = try makePipe()
    defer { close(r); close(w) }
    #expect(try readSignals(r) == [], "nothing pending: no wait, even on a blocking fd")
    _ = try [UInt8]("not a record".utf8).withUnsafeBytes { try writeFD(w, $0) }
    #expect(throws: SysError(errno: EINVAL, operation: "read_signals", object: "fd \(r)")) { try readSignals(r) }
    #expect(throws: SysError(errno: EBADF, operation: "read_signals", object: "fd 999999")) { try readSignals(999_999) }
}
