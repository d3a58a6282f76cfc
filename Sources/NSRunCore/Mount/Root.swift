import CNSRunSys
#if canImport(Glibc)
import Glibc
#endif

/// pivot_root(2): makes `newRoot` the root of the caller's mount namespace
/// and moves the old root to `putOld` (which must lie under `newRoot`).
///
/// `newRoot` must be a mount point (bind it onto itself first) in a mount
/// namespace whose root is not shared (EINVAL otherwise); EBUSY when it is
/// already the root. Afterwards the caller should chdir("/") and detach the
/// old root (`umount(put_old, MNT_DETACH)`). `pivot_root(".", ".")` from
/// inside the new root stacks the old root on top of the new one, which a
/// following umount(".", MNT_DETACH) removes, with no put_old directory needed.
public func pivotRoot(_ newRoot: String, _ putOld: String) throws(SysError) {
    if nsrun_sys_pivot_root(newRoot, putOld) < 0 { throw SysError.last("pivot_root", newRoot) }
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

/// mount(2) on a target resolved safely: the target is opened as an O_PATH fd
/// by `openMountTarget` (never through a final symlink, inside `target.root`
/// when given), and the mount goes to `/proc/self/fd/N` of that fd — after
/// checking with `ProcFile` that /proc and /proc/self/fd are procfs, so a
/// fake /proc can not redirect it (EXDEV otherwise). Without a root and on a
/// plain path, `mount(source:target:...)` is the direct syscall.
public func mountResolved(source: String?, target: MountTarget, fstype: String?, flags: UInt, data: String?) throws(SysError) {
    let dst = try openMountTarget(target, operation: "mount")
    close(try ProcFile.openDirectory("self/fd", operation: "mount"))
    if Glibc.mount(source, "/proc/self/fd/\(dst.raw)", fstype, flags, data) < 0 {
        throw SysError.last("mount", target.description)
    }
}
