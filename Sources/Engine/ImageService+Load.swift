import Archive
import FoundationEssentials
import ImageStore
import OCI
import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

extension ImageService {
    /// `POST /images/load`: a `docker save` archive (Docker's `manifest.json`, with or
    /// without the OCI layout) or a plain OCI image layout, gzip or not. Returns Docker's
    /// `Loaded image: …` lines.
    public func load(tarPath: String, quiet: Bool, progress: @escaping ProgressSink) async throws -> [String] {
        let store = self.store
        let work = tmpDir + "/load-" + ContainerID.generate().prefix(16)
        try FS.mkdirAll(work, mode: 0o700)
        defer { try? FS.removeAll(work) }
        let root = work + "/archive"
        let lines = try await blocking { () -> [String] in
            let fd = open(tarPath, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw WharfError.internalError(errnoMessage("open", tarPath, errno)) }
            do {
                let (_, plain) = try decompressingSource(FileDescriptorSource(fd: fd, closeWhenDone: true))
                _ = try extract(TarReader(plain), into: root)
            } catch let e as WharfError {
                throw WharfError.invalid("invalid archive: \(e.message)")
            }
            var out: [String] = []
            for image in try Self.imagesInArchive(root) {
                out += try Self.loadOne(image, root: root, store: store, progress: quiet ? nil : progress)
            }
            if out.isEmpty { throw WharfError.invalid("no images found in the archive") }
            return out
        }
        for line in lines { events.publish(type: "image", action: "load", id: line, attributes: ["name": line]) }
        return lines
    }

    struct ArchivedImage {
        var config: String
        var layers: [String]
        var tags: [String]
    }

    /// The images an extracted archive holds: from `manifest.json` when present, else by
    /// walking `index.json` (nested indexes too, this host's platform).
    static func imagesInArchive(_ root: String) throws -> [ArchivedImage] {
        struct DockerEntry: Decodable { var Config: String; var RepoTags: [String]?; var Layers: [String] }
        if let bytes = try? FS.readFile(root + "/manifest.json") {
            let entries = try JSONDecoder().decode([DockerEntry].self, from: Data(bytes))
            return entries.map { ArchivedImage(config: $0.Config, layers: $0.Layers, tags: $0.RepoTags ?? []) }
        }
        guard let bytes = try? FS.readFile(root + "/index.json") else {
            throw WharfError.invalid("invalid archive: neither manifest.json nor index.json found")
        }
        func blob(_ d: Digest) -> String { "blobs/\(d.algorithm)/\(d.encoded)" }
        var out: [ArchivedImage] = []
        func visit(_ d: Descriptor, name: String?) throws {
            let data = try FS.readFile(root + "/" + blob(d.digest))
            guard Digest.sha256(data) == d.digest else { throw WharfError.invalid("invalid archive: digest mismatch for \(d.digest.string)") }
            if MediaTypes.isIndex(d.mediaType) {
                let idx = try JSONDecoder().decode(OCI.Index.self, from: Data(data))
                let pick = idx.manifests.filter { ($0.platform ?? Platform.current).matches(Platform.current) }
                for m in pick.prefix(1) { try visit(m, name: name) }
                return
            }
            let m = try JSONDecoder().decode(Manifest.self, from: Data(data))
            var tags: [String] = []
            if let n = name, let ref = try? Reference(parsing: n), ref.tag != nil { tags = [ref.familiarString] }
            out.append(ArchivedImage(config: blob(m.config.digest), layers: m.layers.map { blob($0.digest) }, tags: tags))
        }
        let index = try JSONDecoder().decode(OCI.Index.self, from: Data(bytes))
        for d in index.manifests {
            var name = d.annotations?["io.containerd.image.name"]
            if name == nil, let r = d.annotations?["org.opencontainers.image.ref.name"], (try? Reference(parsing: r)) != nil,
               r.contains(":") || r.contains("/") {
                name = r
            }
            try visit(d, name: name)
        }
        return out
    }

    /// Applies one image's layers in order, registers it and its tags.
    static func loadOne(_ image: ArchivedImage, root: String, store: ImageStore, progress: ProgressSink?) throws -> [String] {
        func inside(_ rel: String) throws -> String { try resolvePathInRoot(root, rel, followLast: true) }
        let configBytes = try FS.readFile(try inside(image.config))
        let config: ImageConfig
        do { config = try JSONDecoder().decode(ImageConfig.self, from: Data(configBytes)) } catch {
            throw WharfError.invalid("invalid image config in \(image.config): \(error)")
        }
        guard config.rootfs.diffIDs.count == image.layers.count else {
            throw WharfError.invalid("invalid archive: \(image.config) has \(config.rootfs.diffIDs.count) diff IDs for \(image.layers.count) layers")
        }
        var parent: Digest?
        var blobs: [Descriptor] = []
        var leased: [Digest] = []
        do {
            for (i, layer) in image.layers.enumerated() {
                let path = try inside(layer)
                guard FS.exists(path) else { throw WharfError.invalid("invalid archive: \(layer): no such file or directory") }
                let info = try store.applyLayer(blobFile: path, blob: nil, parent: parent)
                leased.append(info.chainID)
                guard info.diffID == config.rootfs.diffIDs[i] else {
                    throw WharfError.invalid("invalid archive: layer \(layer) does not match diff ID \(config.rootfs.diffIDs[i].string)")
                }
                blobs.append(info.blob)
                parent = info.chainID
                FaultPoint.hit("load.layer-applied")
                // Docker's "Loading layer" line, once the layer is in (quiet=0 only).
                progress?(JSONMessage(status: "Loading layer", id: info.diffID.shortID,
                                      progressDetail: .init(current: info.blob.size, total: info.blob.size),
                                      progress: Self.progressBar(info.blob.size, info.blob.size)))
            }
            let first = image.tags.first
            let r = try store.createImage(configBytes: configBytes, layerBlobs: blobs, reference: first)
            leased = []
            for t in image.tags.dropFirst() {
                let ref = try Reference(parsing: t).withDefaultTag()
                try store.tag(r.id.string, repo: ref.nameOnly.fullString, tag: ref.tag)
            }
            return image.tags.isEmpty ? ["Loaded image ID: \(r.id.string)"] : image.tags.map { "Loaded image: \($0)" }
        } catch {
            for c in leased { store.releaseLayer(c) }
            throw error
        }
    }
}
