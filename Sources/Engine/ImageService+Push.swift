import FoundationEssentials
import ImageStore
import OCI
import Registry
import Synchronization
import WharfAPI
import WharfCore

extension ImageService {
    /// `POST /images/{name}/push`: the image's layer blobs (skipped when the registry has
    /// them, mounted from another repository of the same registry when it can), its config,
    /// then the manifest; Docker's progress lines, the digest line and the `aux` result.
    public func push(name: String, tag: String?, authHeader: String?,
                     begin: @escaping @Sendable () -> Void, progress: @escaping ProgressSink) async throws {
        var refText = name
        if let tag, !tag.isEmpty { refText += ":" + tag }
        let parsed = try Reference(parsing: refText)
        if parsed.tag == nil && parsed.digest == nil && (tag ?? "").isEmpty {
            // `docker push -a`: every local tag of the repository.
            let tags = store.list().flatMap(\.repoTags).compactMap { try? Reference(parsing: $0) }
                .filter { $0.name == parsed.name }.compactMap(\.tag).sorted()
            guard !tags.isEmpty else {
                throw WharfError.notFound("An image does not exist locally with the tag: \(parsed.familiarName)")
            }
            for t in tags {
                var ref = parsed
                ref.tag = t
                try await pushOne(ref, authHeader: authHeader, begin: begin, progress: progress)
            }
            return
        }
        try await pushOne(parsed.withDefaultTag(), authHeader: authHeader, begin: begin, progress: progress)
    }

    private func pushOne(_ ref: Reference, authHeader: String?, begin: @escaping @Sendable () -> Void,
                         progress: @escaping ProgressSink) async throws {
        let store = self.store
        guard let image = store.image(forReference: ref.fullString) else {
            throw WharfError.notFound("An image does not exist locally with the tag: \(ref.nameOnly.familiarString)")
        }
        guard var manifest = try store.manifest(for: image) else {
            throw WharfError.internalError("image \(image.id.string) has no manifest to push")
        }
        // A layer whose manifest blob this store never fetched goes up as the blob it has;
        // the manifest then names that one (and is encoded anew).
        var substituted = false
        for (i, l) in manifest.layers.enumerated() where store.blobPath(l.digest) == nil {
            if let own = store.layerBlob(image.chainIDs[i]) {
                manifest.layers[i] = own
                substituted = true
            }
        }
        let client = registryClient(for: ref, authHeader: authHeader, push: true)
        begin()
        progress(JSONMessage(status: "The push refers to repository [\(ref.nameOnly.familiarString)]"))
        // Other repositories of the same registry this daemon knows blobs from: mount sources.
        let siblings = Set(store.list().flatMap { $0.repoTags + $0.repoDigests }.compactMap { s -> String? in
            guard let r = try? Reference(parsing: s), r.domain == ref.domain, r.path != ref.path else { return nil }
            return r.path
        }).sorted()
        let layers = manifest.layers.reversed()
        for l in layers {
            progress(JSONMessage(status: "Preparing", id: l.digest.shortID, progressDetail: .init()))
        }
        for l in layers {
            let short = l.digest.shortID
            if try await client.blobExists(l.digest) {
                progress(JSONMessage(status: "Layer already exists", id: short, progressDetail: .init()))
                continue
            }
            var mounted: String?
            for s in siblings.prefix(3) where mounted == nil {
                if (try? await client.mountBlob(l.digest, from: s)) == true { mounted = s }
            }
            if let mounted {
                progress(JSONMessage(status: "Mounted from \(mounted)", id: short, progressDetail: .init()))
                continue
            }
            guard let path = store.blobPath(l.digest) else {
                throw WharfError.notFound("blob \(l.digest.string) of image \(image.id.string) is not in the content store")
            }
            let last = Mutex<Int64>(0)
            try await client.uploadBlob(l, from: path) { sent in
                guard last.withLock({ l in defer { l = sent }; return sent > l }) else { return }
                progress(JSONMessage(status: "Pushing", id: short, progressDetail: .init(current: sent, total: l.size),
                                     progress: Self.progressBar(sent, l.size)))
            }
            progress(JSONMessage(status: "Pushed", id: short, progressDetail: .init()))
        }
        if try await !client.blobExists(manifest.config.digest) {
            let configPath = try store.blobPath(manifest.config.digest) ?? writeTemp(image.configBytes)
            try await client.uploadBlob(manifest.config, from: configPath) { _ in }
        }
        let manifestBytes = try JSONEncoder.sortedWithoutEscapingSlashes(manifest)
        let stored = image.manifestDigest.flatMap { store.blobPath($0) }.flatMap { try? FS.readFile($0) }
        let bytes = substituted ? manifestBytes : (stored ?? manifestBytes)
        let digest = Digest.sha256(bytes)
        let tagName = ref.tag ?? "latest"
        try await client.putManifest(bytes, mediaType: manifest.mediaType ?? MediaTypes.ociManifest, tag: tagName)
        try await blocking { try store.addDigestReference("\(ref.name)@\(digest.string)", to: image.id) }
        progress(JSONMessage(status: "\(tagName): digest: \(digest.string) size: \(bytes.count)"))
        var aux = JSONMessage()
        aux.progressDetail = .init()
        aux.aux = .object(["Tag": .string(tagName), "Digest": .string(digest.string), "Size": .number(Double(bytes.count))])
        progress(aux)
        events.publish(type: "image", action: "push", id: ref.familiarString, attributes: ["name": ref.familiarString])
    }

    private func writeTemp(_ bytes: [UInt8]) throws -> String {
        let path = tmpDir + "/push-config-" + ContainerID.generate().prefix(16)
        try AtomicFile.write(bytes, to: path, mode: 0o600, durable: false)
        return path
    }
}

extension JSONEncoder {
    static func sortedWithoutEscapingSlashes<T: Encodable>(_ v: T) throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try e.encode(v))
    }
}
