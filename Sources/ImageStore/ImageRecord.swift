import OCI
import WharfCore

/// An image as the engine sees it: config, names, and where its layers are.
public struct ImageRecord: Sendable, Hashable {
    /// The digest of the config blob: Docker's image ID.
    public var id: Digest
    public var config: ImageConfig
    /// The config exactly as stored (hash input for `id`; what `docker inspect` derives from).
    public var configBytes: [UInt8]
    /// Familiar "name:tag" strings, sorted.
    public var repoTags: [String]
    /// Familiar "name@sha256:…" strings, sorted.
    public var repoDigests: [String]
    /// Sum of the unpacked layers' sizes.
    public var size: Int64
    /// The image's creation time from its config.
    public var created: Timestamp?
    /// Chain IDs of the layers, bottom to top.
    public var chainIDs: [Digest]
    /// The manifest blob stored with the image, if any.
    public var manifestDigest: Digest?
    /// When a tag was last added to this image (Docker's Metadata.LastTagTime).
    public var lastTagTime: Timestamp?
    /// When this image entered the store.
    public var addedAt: Timestamp
    /// The image a build step made this one from (Docker's Parent); nil otherwise.
    public var parent: Digest?
    /// Whether another image names this one as its parent (a build's intermediate image).
    public var hasChildren: Bool
}

/// One line of `docker rmi`'s answer.
public enum DeleteResponseItem: Sendable, Hashable {
    case untagged(String)
    case deleted(String)
}

/// The per-image record kept beside the config blob: `images/meta/<id hex>.json`.
struct ImageMeta: Codable, Sendable, Hashable {
    var addedAt: Timestamp
    var lastTagTime: Timestamp?
    var manifest: Digest?
    /// Blobs of the layers as stored (compressed or not), bottom to top.
    var layerBlobs: [Digest]
    /// Build step images: the image this one was made from, and the step's cache key.
    var parent: Digest?
    var buildCacheKey: String?

    enum CodingKeys: String, CodingKey {
        case addedAt = "AddedAt"
        case lastTagTime = "LastTagTime"
        case manifest = "Manifest"
        case layerBlobs = "LayerBlobs"
        case parent = "Parent"
        case buildCacheKey = "BuildCacheKey"
    }
}
