import OCI

/// An unpacked layer: `layers/<chainID hex>/{diff/,meta.json}`.
struct LayerMeta: Codable, Sendable, Hashable {
    var chainID: Digest
    var diffID: Digest
    var parent: Digest?
    /// Bytes of regular-file content in the layer (Docker's layer size).
    var size: Int64
    /// Short name under `layers/l/`, a symlink to `../<chainID hex>/diff`, which keeps overlay
    /// mount options under the page-size limit (Docker's overlay2 does the same).
    var link: String
    /// The blob the layer was unpacked from, as received (nil in metadata from before).
    var blob: Descriptor?

    enum CodingKeys: String, CodingKey {
        case chainID = "ChainID"
        case diffID = "DiffID"
        case parent = "Parent"
        case size = "Size"
        case link = "Link"
        case blob = "Blob"
    }
}
