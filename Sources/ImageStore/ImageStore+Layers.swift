import Archive
import FoundationEssentials
import OCI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// A layer unpacked into a temporary directory, not yet in the index.
struct UnpackedLayer {
    var tempDir: String
    var diffID: Digest
    var size: Int64
    /// The blob as received (nil when not kept; publish it under the lock), its digest,
    /// size and compression.
    var ingest: IngestFile?
    var blob: Digest
    var blobSize: Int64
    var compression: Compression
}

extension ImageStore {
    /// Streams `source` once: keeps the bytes as received in an ingest file (when `keepBlob`),
    /// hashes them, decompresses, hashes the plain tar (the diff ID) and unpacks it with
    /// overlay whiteouts into `layers/tmp-…/diff`.
    func unpackLayer(_ source: any ByteSource, keepBlob: Bool, hashBlob: Bool = false) throws -> UnpackedLayer {
        let temp = "\(layersDir)/tmp-\(randomHex(12))"
        var ok = false
        defer { if !ok { try? FS.removeAll(temp) } }
        try FS.mkdirAll(temp)

        let ingest = keepBlob ? try content.newIngest() : nil
        var blobSize: Int64 = 0
        var blobHasher: SHA256Hasher? = hashBlob ? SHA256Hasher() : nil
        let raw = ObservingSource(source) { buf in
            blobSize += Int64(buf.count)
            try ingest?.write(buf)
            blobHasher?.update(buf)
        }
        let (compression, plain) = try decompressingSource(raw)
        var diffHasher = SHA256Hasher()
        let hashed = ObservingSource(plain) { diffHasher.update($0) }
        let size = try extract(TarReader(hashed), into: temp + "/diff", options: ExtractOptions(whiteouts: .overlay))
        // The diff ID covers the whole tar stream, including padding after the end marker,
        // and the blob digest every byte received.
        try hashed.drain()
        try raw.drain()
        let diffID = diffHasher.finalizeDigest()
        let blob = try ingest?.finish() ?? blobHasher?.finalizeDigest() ?? diffID
        ok = true
        return UnpackedLayer(tempDir: temp, diffID: diffID, size: size, ingest: ingest, blob: blob,
                             blobSize: blobSize, compression: compression)
    }

    /// Moves an unpacked layer into place as `chainID`, or reuses the existing one (then the
    /// temporary copy is returned for the caller to delete outside the lock). Lock held.
    func commitLayer(_ u: UnpackedLayer, parent: Digest?, _ s: inout State) throws -> (LayerMeta, String?) {
        let chain = OCI.chainID(parent: parent, diffID: u.diffID)
        if let existing = s.layers[chain], FS.exists(layerDir(chain) + "/diff") {
            return (existing, u.tempDir)
        }
        let link = String(randomHex(13).uppercased())
        let mediaType = u.compression == .gzip ? MediaTypes.ociLayerGzip
            : (u.compression == .zstd ? MediaTypes.ociLayerZstd : MediaTypes.ociLayer)
        let meta = LayerMeta(chainID: chain, diffID: u.diffID, parent: parent, size: u.size, link: link,
                             blob: Descriptor(mediaType: mediaType, digest: u.blob, size: u.blobSize))
        try AtomicFile.write(try Self.encode(meta), to: u.tempDir + "/meta.json")
        let dest = layerDir(chain)
        if FS.exists(dest) { try FS.removeAll(dest) }  // a stale directory without index entry
        if rename(u.tempDir, dest) != 0 {
            throw WharfError.internalError(errnoMessage("rename", dest, errno))
        }
        let linkPath = "\(layersDir)/l/\(link)"
        unlink(linkPath)
        if symlink("../\(chain.encoded)/diff", linkPath) != 0 {
            throw WharfError.internalError(errnoMessage("symlink", linkPath, errno))
        }
        s.layers[chain] = meta
        return (meta, nil)
    }

    /// Takes unreferenced layers out of the index and renames them aside (lock held); the
    /// returned directories are deleted by the caller after releasing the lock.
    func detachUnusedLayers(_ candidates: [Digest], _ s: inout State) -> (removed: [Digest], dirs: [String]) {
        var used = Set<Digest>()
        for img in s.images.values { used.formUnion(img.chainIDs) }
        for leased in s.leases.keys {
            var c: Digest? = leased
            while let cur = c, used.insert(cur).inserted { c = s.layers[cur]?.parent }
        }
        var removed: [Digest] = []
        var dirs: [String] = []
        for chain in candidates.reversed() where !used.contains(chain) {
            guard let meta = s.layers.removeValue(forKey: chain) else { continue }
            unlink("\(layersDir)/l/\(meta.link)")
            let trash = "\(layersDir)/trash-\(randomHex(12))"
            if rename(layerDir(chain), trash) == 0 { dirs.append(trash) }
            removed.append(chain)
        }
        return (removed, dirs)
    }
}
