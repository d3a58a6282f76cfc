#if canImport(Glibc)
import Glibc
#endif

/// Every cgroup this process created and has not removed yet, so that none
/// outlives nsrun:
/// - a handle that is closed (`<close>`) or collected is disposed of
///   (`dispose`), which removes it;
/// - the host does not close the Lua state at exit (as lua(1) with
///   os.exit), and `os.exit(n)` skips it too, so `register` installs an atexit(3) handler
///   (once) that removes what is left, newest first (children before their
///   parents).
///
/// Only the creator removes: a clone child has a copy of this registry and
/// of every cgroup object, and never removes them (a `clone` child ends with
/// `_exit`, which runs no atexit handler; a `raw_clone` child that calls
/// `os.exit` runs it, but finds no cgroup it created). A SIGKILLed nsrun
/// runs no code: its `CgroupJanitor` removes what it left.
///
/// The host is single-threaded (DESIGN.md 2.1), hence the unchecked state.
public enum CgroupRegistry {
    nonisolated(unsafe) static var cgroups: [Cgroup] = []
    nonisolated(unsafe) static var nextSerial = 1
    nonisolated(unsafe) static var atexitInstalled = false

    /// Records a new cgroup (and installs the atexit handler the first time).
    static func register(_ cg: Cgroup) {
        cg.serial = nextSerial
        nextSerial += 1
        cgroups.append(cg)
        CgroupJanitor.announce(cg)
        if !atexitInstalled {
            atexitInstalled = true
            atexit { CgroupRegistry.removeLeftovers() }
        }
    }

    static func unregister(_ cg: Cgroup) {
        cgroups.removeAll { $0 === cg }
    }

    /// The live cgroup whose directory is `path`, if any.
    static func live(at path: String) -> Cgroup? {
        var p = Substring(path)
        while p.count > 1, p.last == "/" { p = p.dropLast() }
        return cgroups.first { !$0.isRemoved && $0.path == p }
    }

    /// The live cgroups below `cg`'s directory, deepest (then newest) first.
    static func descendants(of cg: Cgroup) -> [Cgroup] {
        cgroups.filter { !$0.isRemoved && $0.path.hasPrefix(cg.path + "/") }
            .sorted { ($0.path.split(separator: "/").count, $0.serial) > ($1.path.split(separator: "/").count, $1.serial) }
    }

    /// The paths of the live cgroups this process created, oldest first.
    public static var livePaths: [String] {
        let me = rawGetpid()
        return cgroups.filter { !$0.isRemoved && $0.creator == me }.map(\.path)
    }

    /// What a dropped handle does: the creator removes the cgroup (killing
    /// what is left in it, see `Cgroup.remove`); any other process only
    /// closes its fds. Returns the error when removal failed (the cgroup
    /// stays registered, and the atexit handler tries again); a directory
    /// that is already gone is not an error here.
    public static func dispose(_ cg: Cgroup) -> SysError? {
        if cg.isRemoved { return nil }
        guard cg.creator == rawGetpid() else {
            cg.abandon()
            return nil
        }
        do throws(SysError) {
            try cg.remove()
        } catch {
            return error.errno == ENOENT ? nil : error
        }
        return nil
    }

    /// The atexit handler: disposes of every cgroup left, newest first,
    /// reporting failures on stderr ("nsrun: cgroup PATH left behind: ...").
    public static func removeLeftovers() {
        for cg in cgroups.reversed() where !cg.isRemoved {
            if let e = dispose(cg) {
                writeStderr("nsrun: cgroup \(cg.path) left behind: \(e.message)\n")
            }
        }
    }
}
