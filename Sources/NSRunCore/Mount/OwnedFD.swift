#if canImport(Glibc)
import Glibc
#endif

/// A file descriptor closed when its owner goes away, so every early return
/// of a multi-step setup releases what it opened.
public struct OwnedFD: ~Copyable {
    public let raw: Int32
    public init(_ raw: Int32) { self.raw = raw }
    deinit { close(raw) }
}

/// Linux ABI constants the Glibc module does not export.
enum LinuxABI {
    static let RESOLVE_NO_MAGICLINKS: UInt64 = 0x02
    static let RESOLVE_IN_ROOT: UInt64 = 0x10
    static let AT_RECURSIVE: Int32 = 0x8000
    static let OPEN_TREE_CLONE: UInt32 = 1
    static let FSOPEN_CLOEXEC: UInt32 = 1
    static let FSMOUNT_CLOEXEC: UInt32 = 1
    static let FSCONFIG_SET_FLAG: UInt32 = 0
    static let FSCONFIG_SET_STRING: UInt32 = 1
    static let FSCONFIG_CMD_CREATE: UInt32 = 6
    static let MOVE_MOUNT_F_EMPTY_PATH: UInt32 = 0x04
    static let MOVE_MOUNT_T_EMPTY_PATH: UInt32 = 0x40
    static let MOUNT_ATTR_RDONLY: UInt64 = 0x01
    static let MOUNT_ATTR_NOSUID: UInt64 = 0x02
    static let MOUNT_ATTR_NODEV: UInt64 = 0x04
    static let MOUNT_ATTR_NOEXEC: UInt64 = 0x08
    static let MOUNT_ATTR__ATIME: UInt64 = 0x70
    static let MOUNT_ATTR_NOATIME: UInt64 = 0x10
    static let MOUNT_ATTR_STRICTATIME: UInt64 = 0x20
    static let MOUNT_ATTR_NODIRATIME: UInt64 = 0x80
}
