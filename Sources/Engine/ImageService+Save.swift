import Archive
import FoundationEssentials
import ImageStore
import OCI
import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// `docker save` and `docker load` in the format Docker 25+ writes: an OCI image layout
/// (`oci-layout`, `index.json`, `blobs/sha256/…`) that also carries Docker's
/// `manifest.json` and `repositories`, layers as uncompressed tars named by diff ID.
extension ImageService {
    /// `GET /images/get?names=…`: resolves every name first (a missing one is a 404), then
    /// streams the archive into the sink `begin` returns.
    public func save(names: [String], begin: @escaping @Sendable () -> any StreamSink) async throws {
        let store = self.store
        struct Item { var record: ImageRecord; var tag: Reference? }
        let items = try await blocking { () -> [Item] in
            try names.map { name in
                let r = try store.resolve(name)
                var tag: Reference?
                if let ref = try? Reference(parsing: name), ref.digest == nil, !looksLikeImageIDPrefix(name) {
                    tag = ref.withDefaultTag()
                }
                return Item(record: r, tag: tag)
            }
        }
        let work = tmpDir + "/save-" + ContainerID.generate().prefix(16)
        try FS.mkdirAll(work, mode: 0o700)
        defer { try? FS.removeAll(work) }
        let sink = begin()
        try await blocking {
            let tar = TarWriter(StreamByteSink(sink: sink))
            let now = Timestamp(seconds: 0, nanoseconds: 0)
            func dir(_ p: String) throws { try tar.add(TarEntry(path: p, kind: .directory, mode: 0o755, modified: now)) }
            func file(_ p: String, _ bytes: [UInt8]) throws {
                try tar.add(TarEntry(path: p, kind: .file, mode: 0o644, modified: now), contents: bytes)
            }
            try dir("blobs/")
            try dir("blobs/sha256/")
            var written = Set<String>()
            var dockerManifest: [[String: JSONValue]] = []
            var indexEntries: [Descriptor] = []
            var repositories: [String: [String: String]] = [:]
            var indexSizes: [Digest: Int64] = [:]
            for item in items {
                let r = item.record
                let diffIDs = r.config.rootfs.diffIDs
                let blobs = (try store.manifest(for: r))?.layers ?? []
                guard blobs.count == diffIDs.count else {
                    throw WharfError.internalError("image \(r.id.string) has no layer blobs to save")
                }
                var layers: [Descriptor] = []
                for (blob, diffID) in zip(blobs, diffIDs) {
                    let name = "blobs/sha256/" + diffID.encoded
                    let plain = work + "/" + diffID.encoded
                    if !written.contains(name) {
                        // The stored blob may be compressed; the archive holds the plain tar.
                        let chain = OCI.chainIDs(diffIDs: Array(diffIDs.prefix(layers.count + 1))).last!
                        guard let path = store.blobPath(blob.digest) ?? store.layerBlob(chain).flatMap({ store.blobPath($0.digest) }) else {
                            throw WharfError.notFound("layer blob \(blob.digest.string) of \(r.id.string) is missing")
                        }
                        let size = try Self.decompress(path, to: plain)
                        let fd = open(plain, O_RDONLY | O_CLOEXEC)
                        guard fd >= 0 else { throw WharfError.internalError(errnoMessage("open", plain, errno)) }
                        try tar.add(TarEntry(path: name, kind: .file, size: size, mode: 0o644, modified: now),
                                    from: FileDescriptorSource(fd: fd, closeWhenDone: true))
                        unlink(plain)
                        written.insert(name)
                        layers.append(Descriptor(mediaType: MediaTypes.ociLayer, digest: diffID, size: size))
                    } else {
                        layers.append(Descriptor(mediaType: MediaTypes.ociLayer, digest: diffID, size: -1))
                    }
                }
                // A layer saved earlier in this archive: its size is what was written then.
                for i in layers.indices where layers[i].size < 0 {
                    layers[i].size = indexSizes[layers[i].digest] ?? 0
                }
                for l in layers { indexSizes[l.digest] = l.size }
                let configName = "blobs/sha256/" + r.id.encoded
                if written.insert(configName).inserted { try file(configName, r.configBytes) }
                let manifest = Manifest(config: Descriptor(mediaType: MediaTypes.ociConfig, digest: r.id,
                                                           size: Int64(r.configBytes.count)), layers: layers)
                let manifestBytes = try JSONEncoder.sortedWithoutEscapingSlashes(manifest)
                let manifestDigest = Digest.sha256(manifestBytes)
                if written.insert("blobs/sha256/" + manifestDigest.encoded).inserted {
                    try file("blobs/sha256/" + manifestDigest.encoded, manifestBytes)
                }
                var desc = Descriptor(mediaType: MediaTypes.ociManifest, digest: manifestDigest, size: Int64(manifestBytes.count))
                var repoTags: [JSONValue] = []
                if let t = item.tag {
                    desc.annotations = ["io.containerd.image.name": t.fullString,
                                        "org.opencontainers.image.ref.name": t.tag ?? "latest"]
                    repoTags = [.string(t.familiarString)]
                    repositories[t.nameOnly.familiarString, default: [:]][t.tag ?? "latest"] = diffIDs.last?.encoded ?? ""
                }
                indexEntries.append(desc)
                dockerManifest.append([
                    "Config": .string(configName),
                    "RepoTags": repoTags.isEmpty ? .null : .array(repoTags),
                    "Layers": .array(layers.map { .string("blobs/sha256/" + $0.digest.encoded) }),
                ])
            }
            let index = OCI.Index(manifests: indexEntries)
            try file("index.json", try JSONEncoder.sortedWithoutEscapingSlashes(index))
            try file("manifest.json", try JSONEncoder.sortedWithoutEscapingSlashes(dockerManifest))
            try file("oci-layout", Array(#"{"imageLayoutVersion":"1.0.0"}"#.utf8))
            if !repositories.isEmpty {
                try file("repositories", try JSONEncoder.sortedWithoutEscapingSlashes(repositories))
            }
            try tar.finish()
            sink.flush()
        }
        // Only a complete archive ends cleanly; on an error the transport drops the
        // connection, so the client cannot take a truncated tar for a whole one.
        sink.finish()
    }

    /// Writes the plain tar of a (possibly compressed) blob; returns its size.
    static func decompress(_ path: String, to out: String) throws -> Int64 {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WharfError.internalError(errnoMessage("open", path, errno)) }
        let (_, plain) = try decompressingSource(FileDescriptorSource(fd: fd, closeWhenDone: true))
        let ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard ofd >= 0 else { throw WharfError.internalError(errnoMessage("open", out, errno)) }
        let sink = FileDescriptorSink(fd: ofd, closeWhenDone: true)
        return try plain.copy(to: sink)
    }
}
