import Archive
import OCI
import WharfCore

extension ImageStore {
    /// `docker import`: `source` is a root file system as a tar (plain or gzip). It is
    /// streamed once: the bytes as received are kept as the layer blob (so save/push can
    /// send them unchanged), the plain tar is hashed into the diff ID and unpacked into
    /// `layers/<chainID>`. The new config gets `changes` (Dockerfile instructions) applied,
    /// and `reference` (plus `tag`, which replaces its tag) names the image.
    public func importImage(from source: any ByteSource, changes: [String] = [], message: String? = nil,
                            reference: String? = nil, tag: String? = nil,
                            platform: Platform = .current) throws -> ImageRecord {
        // Everything that can be refused is checked before reading the body.
        let ref = try reference.flatMap { try Self.taggableReference($0, tag: tag) }
        var runConfig = ContainerConfig()
        try ImageChanges.apply(changes, to: &runConfig)

        let layer = try unpackLayer(source, keepBlob: true)
        var leftovers = [layer.tempDir]
        defer { for dir in leftovers { try? FS.removeAll(dir) } }

        let now = Timestamp.now()
        let comment = message.flatMap { $0.isEmpty ? nil : $0 } ?? "Imported from -"
        var config = ImageConfig(architecture: platform.architecture, os: platform.os, variant: platform.variant,
                                 created: now.rfc3339Nano, config: runConfig,
                                 rootfs: RootFS(diffIDs: [layer.diffID]),
                                 history: [History(created: now.rfc3339Nano, comment: comment)])
        config.comment = comment
        let configBytes = try Self.encode(config)
        let id = Digest.sha256(configBytes)

        let blob = layer.blob
        let manifest = Manifest(
            config: Descriptor(mediaType: MediaTypes.ociConfig, digest: id, size: Int64(configBytes.count)),
            layers: [Descriptor(mediaType: layer.compression == .gzip ? MediaTypes.ociLayerGzip : MediaTypes.ociLayer,
                                digest: blob, size: layer.blobSize)])
        let manifestBytes = try Self.encode(manifest)
        let manifestDigest = Digest.sha256(manifestBytes)

        return try state.withLock { s in
            // Blobs become visible under the lock, so a concurrent rmi cannot sweep them
            // between their creation and this image's registration.
            try layer.ingest?.publish()
            try content.writeIfMissing(configBytes)
            try content.writeIfMissing(manifestBytes)
            let (_, leftover) = try commitLayer(layer, parent: nil, &s)
            if leftover == nil { leftovers = [] }
            let meta = ImageMeta(addedAt: now, lastTagTime: ref == nil ? nil : now, manifest: manifestDigest,
                                 layerBlobs: [blob])
            if s.images[id] == nil {
                try saveMeta(id, meta)
                s.images[id] = StoredImage(config: config, configBytes: configBytes, meta: meta,
                                           chainIDs: OCI.chainIDs(diffIDs: config.rootfs.diffIDs))
            }
            if let ref {
                s.refs[ref.fullString] = id
                try saveRepositories(s)
            }
            return record(id, s)!
        }
    }

    /// A reference a tag can be created for: no digest, the explicit tag (if any) applied,
    /// "latest" by default (Docker's RepoTagReference + TagNameOnly).
    static func taggableReference(_ repo: String, tag: String?) throws -> Reference {
        var ref = try Reference(parsing: repo)
        if ref.digest != nil {
            throw WharfError.invalid("refusing to create a tag with a digest reference")
        }
        if let tag, !tag.isEmpty {
            ref = try Reference(parsing: ref.name + ":" + tag)
        }
        if ref.familiarName == "sha256" {
            throw WharfError.invalid("refusing to create an ambiguous tag using digest algorithm as name")
        }
        return ref.withDefaultTag()
    }
}
