#if canImport(Glibc)
import Glibc
#endif

/// How `extract` treats a layer's entries.
public struct ExtractOptions: Sendable {
    /// What to do with AUFS-style whiteouts (`.wh.NAME`, `.wh..wh..opq`).
    public enum Whiteouts: Sendable {
        /// Turn them into overlayfs whiteouts: a 0/0 character device NAME, and the xattr
        /// `trusted.overlay.opaque=y` on opaque directories. For unpacked layers that
        /// serve as overlay lower directories.
        case overlay
        /// Apply them: delete NAME, or the directory's older content. For flattening layers
        /// into one tree.
        case apply
        /// Extract them as ordinary files (a plain `tar x`).
        case keep
    }

    public var whiteouts: Whiteouts
    /// lchown to the archive's uid/gid; on by default when running as root.
    public var preserveOwnership: Bool
    /// Create character and block devices; needs CAP_MKNOD, skipped otherwise.
    public var createDevices: Bool
    /// Set xattrs from PAX `SCHILY.xattr.*` records (failures are ignored).
    public var applyXattrs: Bool

    public init(whiteouts: Whiteouts = .keep) {
        self.whiteouts = whiteouts
        let root = geteuid() == 0
        preserveOwnership = root
        createDevices = root
        applyXattrs = true
    }
}
