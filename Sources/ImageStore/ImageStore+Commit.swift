import Archive
import OCI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

extension ImageStore {
    /// `docker commit`: the container's writable layer (its overlay upper directory, with
    /// whiteouts turned back into `.wh.` entries) becomes a new layer on top of `base`,
    /// with `config` (the container's) changed by `changes` as the image's config.
    /// A container's writable layer (its overlay upper dir) as a layer in the store, leased
    /// as `applyLayer`'s are: the diff a commit or a build's RUN step makes.
    public func layer(fromUpper upperDir: String, parent: Digest?) throws -> LayerInfo {
        try FS.mkdirAll(root + "/tmp", mode: 0o700)
        let tarPath = root + "/tmp/commit-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).tar"
        defer { unlink(tarPath) }
        let sink = try FileDescriptorSink(path: tarPath, mode: 0o600)
        let tar = TarWriter(sink)
        try tar.appendTree(upperDir, as: "", options: TreeArchiveOptions(overlayWhiteouts: true))
        try tar.finish()
        try sink.sync()
        return try applyLayer(from: try FileDescriptorSource(path: tarPath), parent: parent)
    }

    public func commit(base: ImageRecord, upperDir: String, config: ContainerConfig, changes: [String],
                       author: String?, comment: String?, reference: String?) throws -> ImageRecord {
        var imageConfig = base.config
        var cc = config
        try ImageChanges.apply(changes, to: &cc)
        let layer = try layer(fromUpper: upperDir, parent: base.chainIDs.last)
        let now = Timestamp.now().rfc3339Nano
        imageConfig.config = cc
        imageConfig.created = now
        imageConfig.author = (author ?? "").isEmpty ? nil : author
        imageConfig.rootfs.diffIDs.append(layer.diffID)
        var history = imageConfig.history ?? []
        history.append(History(created: now, author: imageConfig.author, comment: (comment ?? "").isEmpty ? nil : comment))
        imageConfig.history = history
        let blobs = (try manifest(for: base))?.layers ?? []
        guard blobs.count == base.config.rootfs.diffIDs.count else {
            releaseLayer(layer.chainID)
            throw WharfError.internalError("image \(base.id.shortID) has no manifest for its layers")
        }
        return try createImage(config: imageConfig, layerBlobs: blobs + [layer.blob], reference: reference)
    }
}
