import OCI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

extension ImageStore {
    /// Mounts the container's root file system on `target`: overlayfs with the image's layers
    /// as lower dirs (top first) and `containerDir/rw/{upper,work}` as the writable layer.
    /// Lower dirs are named through the short `layers/l/` links so a deep image still fits
    /// the page-sized mount data; past that, the new mount API adds them one by one.
    public func mountRootfs(image: ImageRecord, containerDir: String, target: String) throws {
        let rw = containerDir + "/rw"
        let upper = rw + "/upper"
        let work = rw + "/work"
        try FS.mkdirAll(upper)
        try FS.mkdirAll(work)
        try FS.mkdirAll(target)

        var lowers: [String] = []
        try state.withLock { s in
            for chain in image.chainIDs.reversed() {
                guard let meta = s.layers[chain] else {
                    throw WharfError.notFound("layer \(chain.string) of image \(image.id.shortID) is not in the store")
                }
                lowers.append("\(layersDir)/l/\(meta.link)")
            }
        }
        if lowers.isEmpty {
            // overlayfs needs a lower dir; an image without layers gets an empty one.
            let empty = rw + "/empty"
            try FS.mkdirAll(empty)
            lowers.append(empty)
        }
        var options = "lowerdir=\(lowers.joined(separator: ":")),upperdir=\(upper),workdir=\(work)"
        if Self.overlayIndexEnabled {
            // With index=on the upper dir records its lower dirs and refuses another set:
            // switch it off as Docker's overlay2 does.
            options += ",index=off"
        }
        let pageSize = Int(sysconf(Int32(_SC_PAGESIZE)))
        if options.utf8.count < pageSize {
            if mount("overlay", target, "overlay", 0, options) != 0 {
                let e = errno
                throw WharfError.internalError("mount overlay on \(target): \(String(cString: strerror(e)))")
            }
            return
        }
        // Too many layers for one page of mount data: the new mount API takes lower dirs one
        // at a time ("lowerdir+", Linux 6.8+).
        do {
            try Self.mountOverlayIncrementally(lowers: lowers, upper: upper, work: work, target: target)
        } catch let e as WharfError {
            throw WharfError.internalError(
                "cannot mount image \(image.id.shortID): \(lowers.count) layers exceed the overlay mount options limit (\(options.utf8.count) bytes, max \(pageSize - 1)) and \(e.message)")
        }
    }

    /// overlayfs through fsopen/fsconfig/fsmount/move_mount, one `lowerdir+` per layer.
    static func mountOverlayIncrementally(lowers: [String], upper: String, work: String, target: String) throws {
        func fail(_ what: String) -> WharfError {
            WharfError.internalError("\(what): \(String(cString: strerror(errno)))")
        }
        let fs = fsopen("overlay", UInt32(FSOPEN_CLOEXEC))
        if fs < 0 { throw fail("fsopen overlay") }
        defer { close(fs) }
        func set(_ key: String, _ value: String) throws {
            if fsconfig(fs, FSCONFIG_SET_STRING.rawValue, key, value, 0) != 0 { throw fail("fsconfig \(key)=\(value)") }
        }
        for l in lowers { try set("lowerdir+", l) }
        try set("upperdir", upper)
        try set("workdir", work)
        if overlayIndexEnabled { try set("index", "off") }
        if fsconfig(fs, FSCONFIG_CMD_CREATE.rawValue, nil, nil, 0) != 0 { throw fail("fsconfig create") }
        let mnt = fsmount(fs, UInt32(FSMOUNT_CLOEXEC), 0)
        if mnt < 0 { throw fail("fsmount") }
        defer { close(mnt) }
        if move_mount(mnt, "", AT_FDCWD, target, UInt32(MOVE_MOUNT_F_EMPTY_PATH)) != 0 { throw fail("move_mount \(target)") }
    }

    /// Detaches the root file system mounted on `target`; "not mounted" is fine.
    public func unmountRootfs(target: String) throws {
        if umount2(target, Int32(MNT_DETACH)) != 0 {
            let e = errno
            if e == EINVAL || e == ENOENT { return }
            throw WharfError.internalError("unmount \(target): \(String(cString: strerror(e)))")
        }
    }

    /// Whether the overlay module's `index` feature defaults to on.
    static let overlayIndexEnabled: Bool = {
        guard let s = try? FS.readString("/sys/module/overlay/parameters/index") else { return false }
        return s.hasPrefix("Y")
    }()
}
