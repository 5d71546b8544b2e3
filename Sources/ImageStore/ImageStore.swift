import Archive
import FoundationEssentials
import OCI
import Synchronization
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// Images on disk under the data root, with an in-memory index rebuilt at `init`:
///
///     content/blobs/sha256/<hex>          configs, manifests, layer blobs as received
///     content/ingest/                     blobs being written
///     layers/<chainID hex>/{diff,meta.json}  unpacked layers (overlay lower dirs)
///     layers/l/<short>                    -> ../<chainID hex>/diff
///     images/repositories.json            references -> image IDs (Docker's format)
///     images/meta/<id hex>.json           per-image record (ImageMeta)
///
/// All methods block; the engine calls them off the cooperative pool. Slow work
/// (extraction, deletion) runs outside the lock; the lock covers only index updates and the
/// small state files that mirror them, so the index and the disk move together.
public final class ImageStore: Sendable {
    public let root: String
    let content: ContentStore
    let layersDir: String
    let imagesDir: String
    let state: Mutex<State>

    struct StoredImage: Sendable {
        var config: ImageConfig
        var configBytes: [UInt8]
        var meta: ImageMeta
        var chainIDs: [Digest]
    }

    struct State: Sendable {
        var images: [Digest: StoredImage] = [:]
        /// Full reference string ("docker.io/library/busybox:latest" or "…@sha256:…") → ID.
        var refs: [String: Digest] = [:]
        var layers: [Digest: LayerMeta] = [:]
        /// Layers applied for an image not yet created (build, commit, pull): kept even
        /// though no image uses them yet. In memory only: a restart drops unfinished work.
        var leases: [Digest: Int] = [:]
    }

    public init(root: String) throws {
        self.root = root
        content = try ContentStore(root: root + "/content")
        layersDir = root + "/layers"
        imagesDir = root + "/images"
        try FS.mkdirAll(layersDir + "/l")
        try FS.mkdirAll(imagesDir + "/meta")
        content.cleanIngest()
        state = Mutex(State())
        let loaded = try loadState()
        state.withLock { $0 = loaded }
        collectGarbage()
    }

    var repositoriesPath: String { imagesDir + "/repositories.json" }
    func metaPath(_ id: Digest) -> String { "\(imagesDir)/meta/\(id.encoded).json" }
    func layerDir(_ chainID: Digest) -> String { "\(layersDir)/\(chainID.encoded)" }

    // MARK: - loading

    private func loadState() throws -> State {
        var s = State()
        // Layers; leftovers of interrupted imports and deletions are swept.
        for name in FS.listDirectory(layersDir) {
            let dir = layersDir + "/" + name
            if name == "l" { continue }
            if name.hasPrefix("tmp-") || name.hasPrefix("trash-") {
                try? FS.removeAll(dir)
                continue
            }
            guard let bytes = try? FS.readFile(dir + "/meta.json"),
                  let meta = try? JSONDecoder().decode(LayerMeta.self, from: Data(bytes)) else { continue }
            s.layers[meta.chainID] = meta
        }
        // Images: a meta record plus its config blob.
        for name in FS.listDirectory(imagesDir + "/meta") where name.hasSuffix(".json") {
            let hex = String(name.dropLast(5))
            guard let id = try? Digest(algorithm: "sha256", encoded: hex),
                  let metaBytes = try? FS.readFile(imagesDir + "/meta/" + name),
                  let meta = try? JSONDecoder().decode(ImageMeta.self, from: Data(metaBytes)),
                  let configBytes = try? content.read(id),
                  let config = try? JSONDecoder().decode(ImageConfig.self, from: Data(configBytes))
            else { continue }
            s.images[id] = StoredImage(config: config, configBytes: configBytes, meta: meta,
                                       chainIDs: OCI.chainIDs(diffIDs: config.rootfs.diffIDs))
        }
        // References, in Docker's repositories.json shape.
        if let bytes = try? FS.readFile(repositoriesPath) {
            let file = try JSONDecoder().decode(RepositoriesFile.self, from: Data(bytes))
            for (_, refs) in file.repositories {
                for (refString, id) in refs {
                    guard s.images[id] != nil, let ref = try? Reference(parsing: refString) else { continue }
                    s.refs[ref.fullString] = id
                }
            }
        }
        return s
    }

    // MARK: - persistence (called with the lock held)

    func saveRepositories(_ s: State) throws {
        var file = RepositoriesFile(repositories: [:])
        for (refString, id) in s.refs {
            guard let ref = try? Reference(parsing: refString) else { continue }
            file.repositories[ref.familiarName, default: [:]][ref.familiarString] = id
        }
        try AtomicFile.write(try Self.encode(file), to: repositoriesPath)
    }

    func saveMeta(_ id: Digest, _ meta: ImageMeta) throws {
        try AtomicFile.write(try Self.encode(meta), to: metaPath(id))
    }

    static func encode(_ value: some Encodable) throws -> [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try enc.encode(value))
    }

    // MARK: - records

    func record(_ id: Digest, _ s: State) -> ImageRecord? {
        guard let img = s.images[id] else { return nil }
        var tags: [String] = []
        var digests: [String] = []
        for (refString, rid) in s.refs where rid == id {
            guard let ref = try? Reference(parsing: refString) else { continue }
            if ref.digest != nil { digests.append(ref.familiarString) } else { tags.append(ref.familiarString) }
        }
        let size = img.chainIDs.reduce(Int64(0)) { $0 + (s.layers[$1]?.size ?? 0) }
        return ImageRecord(id: id, config: img.config, configBytes: img.configBytes, repoTags: tags.sorted(),
                           repoDigests: digests.sorted(), size: size, created: img.config.createdTime,
                           chainIDs: img.chainIDs, manifestDigest: img.meta.manifest,
                           lastTagTime: img.meta.lastTagTime, addedAt: img.meta.addedAt, parent: img.meta.parent,
                           hasChildren: s.images.values.contains { $0.meta.parent == id })
    }

    /// Every image, newest first.
    public func list() -> [ImageRecord] {
        state.withLock { s in
            s.images.keys.compactMap { record($0, s) }
        }.sorted { ($0.created ?? $0.addedAt, $0.id) > ($1.created ?? $1.addedAt, $1.id) }
    }

    /// Absolute paths of the image's layer directories, top layer first (overlay lowerdir order).
    public func layerDiffPaths(for image: ImageRecord) -> [String] {
        image.chainIDs.reversed().map { layerDir($0) + "/diff" }
    }

    /// Unpacked size of one layer, nil if it is not in the store.
    /// The blob this store holds for a layer (the one it was unpacked from), if it still has
    /// it: what save and push use when an image's manifest names a blob fetched elsewhere.
    public func layerBlob(_ chainID: Digest) -> Descriptor? {
        guard let b = state.withLock({ $0.layers[chainID]?.blob }), content.exists(b.digest) else { return nil }
        return b
    }

    public func hasLayer(_ chainID: Digest) -> Bool {
        state.withLock { $0.layers[chainID] != nil }
    }

    public func layerSize(_ chainID: Digest) -> Int64? {
        state.withLock { $0.layers[chainID]?.size }
    }
}

/// images/repositories.json: {"Repositories": {"busybox": {"busybox:latest": "sha256:…"}}}
struct RepositoriesFile: Codable {
    var repositories: [String: [String: Digest]]
    enum CodingKeys: String, CodingKey { case repositories = "Repositories" }
}
