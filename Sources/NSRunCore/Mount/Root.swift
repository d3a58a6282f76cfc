import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// pivot_root(2): makes `newRoot` the root of the caller's mount namespace
/// and moves the old root to `putOld` (which must lie under `newRoot`).
///
/// `newRoot` must be a mount point (bind it onto itself first) in a mount
/// namespace whose root is not shared (EINVAL otherwise); EBUSY when it is
/// on the current root's mount (the root itself, or a plain directory of
/// it), and that EBUSY carries a hint. Afterwards the caller should
/// chdir("/") and detach the old root (`umount(put_old, MNT_DETACH)`).
/// `pivot_root(".", ".")` from inside the new root stacks the old root on
/// top of the new one, which a following umount(".", MNT_DETACH) removes,
/// with no put_old directory needed.
public func pivotRoot(_ newRoot: String, _ putOld: String) throws(SysError) {
    if nsrun_sys_pivot_root(newRoot, putOld) < 0 { throw SysError.last("pivot_root", newRoot).hinted(.pivotRoot) }
}

/// chroot(2).
public func changeRoot(_ path: String) throws(SysError) {
    if chroot(path) < 0 { throw SysError.last("chroot", path) }
}

/// chdir(2).
public func changeDirectory(_ path: String) throws(SysError) {
    if chdir(path) < 0 { throw SysError.last("chdir", path) }
}

/// mkdir(2) with `mode`; with `parents`, as `mkdir -p`: missing components
/// are created and an existing directory is not an error (an existing
/// non-directory is: ENOTDIR / EEXIST). The path is taken as the kernel reads
/// it ("//a///b" is "/a/b").
public func makeDirectory(_ path: String, mode: mode_t, parents: Bool) throws(SysError) {
    if !parents {
        if mkdir(path, mode) < 0 { throw SysError.last("mkdir", path) }
        return
    }
    var prefix = path.hasPrefix("/") ? "/" : ""
    for component in path.split(separator: "/", omittingEmptySubsequences: true) {
        prefix += component
        if mkdir(prefix, mode) < 0 {
            let e = errno
            var st = stat()
            guard e == EEXIST, stat(prefix, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else {
                throw SysError(errno: e == EEXIST ? ENOTDIR : e, operation: "mkdir", object: prefix)
            }
        }
        prefix += "/"
    }
}

/// symlink(2): creates `path` pointing at `target` (not resolved now).
public func makeSymlink(target: String, path: String) throws(SysError) {
    if symlink(target, path) < 0 { throw SysError.last("symlink", path) }
}

/// mount(2)'s operations on a target resolved safely, without a path: the
/// target is opened as an O_PATH fd by `openMountTarget` (never through a
/// final symlink, inside `target.root` when given) and every operation acts
/// on that fd with the new mount API, so nothing is resolved a second time:
///
/// | flags | done as |
/// |---|---|
/// | MS_PRIVATE/SLAVE/SHARED/UNBINDABLE [\| MS_REC] | mount_setattr propagation |
/// | MS_REMOUNT \| MS_BIND [+ RDONLY, NOSUID, ...] | mount_setattr: exactly those attributes |
/// | MS_BIND [\| MS_REC] [+ RDONLY, ...] | `bind` (attributes applied, unlike mount(2)) |
/// | MS_MOVE | move_mount from `source` onto the fd |
/// | none of these, `fstype` given | fsopen, `data` as fsconfig options, fsmount, move_mount |
///
/// A remount without MS_BIND (a superblock reconfiguration) is refused with a
/// UsageError-style EINVAL: do it by path with plain `mount`.
public func mountResolved(source: String?, target: MountTarget, fstype: String?, flags: UInt, data: String?) throws(SysError) {
    let ms = MountBits(flags)
    let op = "mount", object = target.description
    if ms.propagation != 0 {
        let dst = try openMountTarget(target, operation: op)
        let at = UInt32(AT_EMPTY_PATH) | UInt32(ms.recursive ? LinuxABI.AT_RECURSIVE : 0)
        if nsrun_sys_mount_setattr(dst.raw, "", at, 0, 0, UInt64(ms.propagation)) < 0 { throw SysError.last(op, object) }
        return
    }
    if ms.remount {
        guard ms.bind else {
            throw SysError(errno: EINVAL, operation: op, object: "\(object) (a remount without MS_BIND is not done through {root=}; remount by path)")
        }
        let dst = try openMountTarget(target, operation: op)
        // Exactly the attributes asked for: the others, and the atime mode, are cleared.
        let clear = (LinuxABI.MOUNT_ATTR_RDONLY | LinuxABI.MOUNT_ATTR_NOSUID | LinuxABI.MOUNT_ATTR_NODEV
            | LinuxABI.MOUNT_ATTR_NOEXEC | LinuxABI.MOUNT_ATTR__ATIME | LinuxABI.MOUNT_ATTR_NODIRATIME) & ~ms.attributes
        if nsrun_sys_mount_setattr(dst.raw, "", UInt32(AT_EMPTY_PATH), ms.attributes, clear | LinuxABI.MOUNT_ATTR__ATIME, 0) < 0 {
            throw SysError.last(op, object)
        }
        return
    }
    if ms.move {
        guard let source else { throw SysError(errno: EINVAL, operation: op, object: "\(object) (MS_MOVE needs a source)") }
        let dst = try openMountTarget(target, operation: op)
        if nsrun_sys_move_mount(AT_FDCWD, source, dst.raw, "", LinuxABI.MOVE_MOUNT_T_EMPTY_PATH) < 0 {
            throw SysError.last(op, "\(source) onto \(object)").hinted(.mountAttach)
        }
        return
    }
    if ms.bind {
        guard let source else { throw SysError(errno: EINVAL, operation: op, object: "\(object) (MS_BIND needs a source)") }
        var options = BindOptions()
        options.recursive = ms.recursive
        options.readOnly = ms.attributes & LinuxABI.MOUNT_ATTR_RDONLY != 0
        options.nosuid = ms.attributes & LinuxABI.MOUNT_ATTR_NOSUID != 0
        options.nodev = ms.attributes & LinuxABI.MOUNT_ATTR_NODEV != 0
        options.noexec = ms.attributes & LinuxABI.MOUNT_ATTR_NOEXEC != 0
        try bind(source: source, target: target, options: options)
        return
    }
    guard let fstype else { throw SysError(errno: EINVAL, operation: op, object: "\(object) (a new mount needs a filesystem type)") }
    let dst = try openMountTarget(target, operation: op)
    let fs = try newFilesystem(fstype, source: source, options: data.map(MountOptionNames.splitData) ?? [],
                               attributes: ms.attributes, operation: op, object: object)
    try attach(fs.raw, onto: dst.raw, operation: op, object: object)
}

/// mount(2) flag bits, read for the new mount API.
struct MountBits {
    let bind, move, remount, recursive: Bool
    let propagation: UInt
    let attributes: UInt64

    init(_ flags: UInt) {
        bind = flags & 4096 != 0
        move = flags & 8192 != 0
        remount = flags & 32 != 0
        recursive = flags & 16384 != 0
        propagation = flags & ((1 << 17) | (1 << 18) | (1 << 19) | (1 << 20))
        var a: UInt64 = 0
        if flags & 1 != 0 { a |= LinuxABI.MOUNT_ATTR_RDONLY }
        if flags & 2 != 0 { a |= LinuxABI.MOUNT_ATTR_NOSUID }
        if flags & 4 != 0 { a |= LinuxABI.MOUNT_ATTR_NODEV }
        if flags & 8 != 0 { a |= LinuxABI.MOUNT_ATTR_NOEXEC }
        if flags & 1024 != 0 { a |= LinuxABI.MOUNT_ATTR_NOATIME }
        if flags & 2048 != 0 { a |= LinuxABI.MOUNT_ATTR_NODIRATIME }
        if flags & (1 << 24) != 0 { a |= LinuxABI.MOUNT_ATTR_STRICTATIME }
        attributes = a
    }
}
