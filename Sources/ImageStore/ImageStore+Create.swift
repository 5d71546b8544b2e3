import Archive
import FoundationEssentials
import OCI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// A layer in the store, as `applyLayer` reports it.
public struct LayerInfo: Sendable, Hashable {
    public var chainID: Digest
    public var diffID: Digest
    public var parent: Digest?
    /// Bytes of regular-file content.
    public var size: Int64
    /// The layer blob as stored in `content/` (the bytes as received), for manifests.
    public var blob: Descriptor
}

extension ImageStore {
    /// Unpacks a layer tar (plain or gzip) on top of the layer `parent` (a chain ID, nil for a
    /// base layer) and registers it; an identical stack already present is reused. The layer
    /// is leased until `createImage` uses it or `releaseLayer` gives it up, so a concurrent
    /// `rmi` cannot take it away in between. For build, commit, load and pull.
    public func applyLayer(from source: any ByteSource, parent: Digest?) throws -> LayerInfo {
        if let parent {
            guard state.withLock({ $0.layers[parent] != nil }) else {
                throw WharfError.notFound("parent layer \(parent.string) is not in the store")
            }
        }
        let layer = try unpackLayer(source, keepBlob: true)
        var leftover: String? = layer.tempDir
        defer { if let leftover { try? FS.removeAll(leftover) } }
        return try state.withLock { s in
            guard parent == nil || s.layers[parent!] != nil else {
                throw WharfError.notFound("parent layer \(parent!.string) is not in the store")
            }
            try layer.ingest?.publish()
            let (meta, rest) = try commitLayer(layer, parent: parent, &s)
            leftover = rest
            // The lease covers the parents too: detachUnusedLayers keeps a leased layer's stack.
            s.leases[meta.chainID, default: 0] += 1
            let mediaType = layer.compression == .gzip ? MediaTypes.ociLayerGzip : MediaTypes.ociLayer
            return LayerInfo(chainID: meta.chainID, diffID: meta.diffID, parent: meta.parent, size: meta.size,
                             blob: Descriptor(mediaType: mediaType, digest: layer.blob, size: layer.blobSize))
        }
    }

    /// As `applyLayer(from:parent:)` for a blob already verified on disk (a pull's download):
    /// unpacked from the file, then hard-linked into the content store under the lock, so
    /// the bytes are neither copied nor hashed a second time.
    /// `blob` nil: the file is hashed as it is read (a loaded archive's layer, whose name is
    /// not trusted), and its descriptor made from what was read.
    public func applyLayer(blobFile: String, blob given: Descriptor?, parent: Digest?) throws -> LayerInfo {
        if let parent {
            guard state.withLock({ $0.layers[parent] != nil }) else {
                throw WharfError.notFound("parent layer \(parent.string) is not in the store")
            }
        }
        let fd = open(blobFile, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WharfError.internalError(errnoMessage("open", blobFile, errno)) }
        let layer = try unpackLayer(FileDescriptorSource(fd: fd, closeWhenDone: true), keepBlob: false, hashBlob: given == nil)
        let mediaType = layer.compression == .gzip ? MediaTypes.ociLayerGzip
            : (layer.compression == .zstd ? MediaTypes.ociLayerZstd : MediaTypes.ociLayer)
        let blob = given ?? Descriptor(mediaType: mediaType, digest: layer.blob, size: layer.blobSize)
        var leftover: String? = layer.tempDir
        defer { if let leftover { try? FS.removeAll(leftover) } }
        return try state.withLock { s in
            guard parent == nil || s.layers[parent!] != nil else {
                throw WharfError.notFound("parent layer \(parent!.string) is not in the store")
            }
            if link(blobFile, content.path(blob.digest)) != 0 && errno != EEXIST {
                throw WharfError.internalError(errnoMessage("link", content.path(blob.digest), errno))
            }
            let (meta, rest) = try commitLayer(layer, parent: parent, &s)
            leftover = rest
            s.leases[meta.chainID, default: 0] += 1
            return LayerInfo(chainID: meta.chainID, diffID: meta.diffID, parent: meta.parent, size: meta.size, blob: blob)
        }
    }

    /// A small verified blob (a config) into the content store; unreferenced, it goes at the
    /// next start.
    public func addBlob(_ bytes: [UInt8]) throws {
        _ = try content.writeIfMissing(bytes)
    }

    /// Gives up the lease `applyLayer` took (an aborted build); unused layers then go.
    public func releaseLayer(_ chainID: Digest) {
        let dirs: [String] = state.withLock { s in
            guard let n = s.leases[chainID] else { return [] }
            s.leases[chainID] = n > 1 ? n - 1 : nil
            var stack: [Digest] = []
            var c: Digest? = chainID
            while let cur = c {
                stack.append(cur)
                c = s.layers[cur]?.parent
            }
            return detachUnusedLayers(stack.reversed(), &s).dirs
        }
        for d in dirs { try? FS.removeAll(d) }
    }

    /// Registers an image from its config; every layer of `config.rootfs.diff_ids` must be in
    /// the store already (see `applyLayer`), and their leases pass to the image.
    /// `layerBlobs` describe the layers in the manifest (a pull passes the registry's).
    /// `parent` and `cacheKey`: a build step's image, found again by `cachedChild`.
    public func createImage(config: ImageConfig, layerBlobs: [Descriptor], reference: String? = nil,
                            parent: Digest? = nil, cacheKey: String? = nil) throws -> ImageRecord {
        let ref = try reference.flatMap { try Self.taggableReference($0, tag: nil) }
        guard layerBlobs.count == config.rootfs.diffIDs.count else {
            throw WharfError.invalid("image has \(config.rootfs.diffIDs.count) layers but \(layerBlobs.count) layer blobs")
        }
        let configBytes = try Self.encode(config)
        return try createImage(configBytes: configBytes, config: config, layerBlobs: layerBlobs, ref: ref,
                               parent: parent, cacheKey: cacheKey)
    }

    /// The image a build step with `key` made from `parent` before, if it is still here
    /// with all its layers (Docker's classic build cache: children of the parent image).
    public func cachedChild(parent: Digest, key: String) -> ImageRecord? {
        state.withLock { s in
            guard let (id, img) = s.images.first(where: { $0.value.meta.parent == parent && $0.value.meta.buildCacheKey == key }),
                  img.chainIDs.allSatisfy({ s.layers[$0] != nil }) else { return nil }
            return record(id, s)
        }
    }

    /// Forgets every build cache key (`POST /build/prune`); returns the images that had one.
    public func dropBuildCache() throws -> [Digest] {
        try state.withLock { s in
            var dropped: [Digest] = []
            for (id, var img) in s.images where img.meta.buildCacheKey != nil {
                img.meta.buildCacheKey = nil
                try saveMeta(id, img.meta)
                s.images[id] = img
                dropped.append(id)
            }
            return dropped.sorted()
        }
    }

    /// As `createImage(config:…)`, keeping `configBytes` exactly (a pulled or loaded config,
    /// whose digest is the image ID).
    public func createImage(configBytes: [UInt8], layerBlobs: [Descriptor], reference: String? = nil) throws -> ImageRecord {
        let ref = try reference.flatMap { try Self.taggableReference($0, tag: nil) }
        let config: ImageConfig
        do {
            config = try JSONDecoder().decode(ImageConfig.self, from: Data(configBytes))
        } catch {
            throw WharfError.invalid("invalid image config: \(error)")
        }
        return try createImage(configBytes: configBytes, config: config, layerBlobs: layerBlobs, ref: ref)
    }

    private func createImage(configBytes: [UInt8], config: ImageConfig, layerBlobs: [Descriptor], ref: Reference?,
                             parent: Digest? = nil, cacheKey: String? = nil) throws -> ImageRecord {
        let id = Digest.sha256(configBytes)
        let chains = OCI.chainIDs(diffIDs: config.rootfs.diffIDs)
        let manifest = Manifest(
            config: Descriptor(mediaType: MediaTypes.ociConfig, digest: id, size: Int64(configBytes.count)),
            layers: layerBlobs)
        let manifestBytes = try Self.encode(manifest)
        let now = Timestamp.now()
        return try state.withLock { s in
            for c in chains where s.layers[c] == nil {
                throw WharfError.notFound("layer \(c.string) of the new image is not in the store")
            }
            try content.writeIfMissing(configBytes)
            let manifestDigest = try content.writeIfMissing(manifestBytes)
            if s.images[id] == nil {
                let meta = ImageMeta(addedAt: now, lastTagTime: ref == nil ? nil : now, manifest: manifestDigest,
                                     layerBlobs: layerBlobs.map(\.digest), parent: parent, buildCacheKey: cacheKey)
                try saveMeta(id, meta)
                s.images[id] = StoredImage(config: config, configBytes: configBytes, meta: meta, chainIDs: chains)
            }
            // The image now holds its layers; the leases (if any) are done.
            for c in chains {
                if let n = s.leases[c] { s.leases[c] = n > 1 ? n - 1 : nil }
            }
            if let ref {
                s.refs[ref.fullString] = id
                try saveRepositories(s)
            }
            return record(id, s)!
        }
    }
}

extension ImageStore {
    /// The manifest stored with the image (its layer descriptors), nil if it has none.
    public func manifest(for image: ImageRecord) throws -> Manifest? {
        guard let d = image.manifestDigest else { return nil }
        do {
            return try JSONDecoder().decode(Manifest.self, from: Data(try content.read(d)))
        } catch let e as WharfError where e.code == .notFound {
            return nil
        }
    }

    /// Path of a blob in the content store (for save and push), nil when absent.
    public func blobPath(_ digest: Digest) -> String? {
        let p = content.path(digest)
        return FS.exists(p) ? p : nil
    }
}
