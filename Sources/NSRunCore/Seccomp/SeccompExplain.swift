/// `seccomp_explain`: a validated policy as text, one line each. Pure.
///
///     default allow
///     arch x86_64 (calls of other ABIs: kill_process)
///     mkdir 83 errno:EPERM (deny[1])
///     ioctl 16 errno:EPERM if arg1 & 0xffffffff == 0x5412 (rules[1])
///     getpid 39 allow (rules[2]; same as the default: no rule)
///     socketcall - errno:EPERM (deny[2]; not a syscall on x86_64: no rule)
///     clone3 435 errno:ENOSYS (rules[3] asked errno:EACCES; a denied clone3 gets ENOSYS so glibc falls back to clone)
///
/// The first line is the default action, the second the architecture the
/// numbers are for and what happens to a call made through another ABI
/// (int 0x80, x32); then one line per rule in policy order: the name, its
/// number on this architecture, the action, the conditions joined by `&&`,
/// and in parentheses where it came from and any note.
public enum SeccompExplain {
    public static func text(_ policy: SeccompPolicy) -> String {
        var lines = ["default \(policy.defaultAction)",
                     "arch \(SeccompSyscalls.architecture) (calls of other ABIs: \(SeccompFilter.badArchitectureAction))"]
        for r in policy.rules { lines.append(line(r)) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func line(_ r: SeccompRule) -> String {
        var s = "\(r.syscall) \(r.number.map(String.init) ?? "-") \(r.action)"
        if !r.conditions.isEmpty { s += " if " + r.conditions.map(\.description).joined(separator: " && ") }
        var notes: [String] = []
        let fallback = "a denied clone3 gets ENOSYS so glibc falls back to clone"
        switch (r.origin, r.requested) {
        case (let origin?, let asked?): notes.append("\(origin) asked \(asked); \(fallback)")
        case (let origin?, nil): notes.append(origin)
        case (nil, let asked?): notes.append("added: the default \(asked) denies clone3; \(fallback)")
        case (nil, nil): break
        }
        switch r.effect {
        case .filtered: break
        case .sameAsDefault: notes.append("same as the default: no rule")
        case .notOnThisArchitecture: notes.append("not a syscall on \(SeccompSyscalls.architecture): no rule")
        }
        return notes.isEmpty ? s : s + " (" + notes.joined(separator: "; ") + ")"
    }
}
