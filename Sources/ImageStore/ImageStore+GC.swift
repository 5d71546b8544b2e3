import OCI
import WharfCore

extension ImageStore {
    /// Deletes layers and blobs no image references: what a pull, load or build left when
    /// the daemon died before it made the image (its leases died with the process). Run at
    /// start, before anything can lease. Returns what was removed (layers, blobs).
    @discardableResult
    func collectGarbage() -> (layers: Int, blobs: Int) {
        let (dirs, blobs) = state.withLock { s -> ([String], [Digest]) in
            let detached = detachUnusedLayers(Array(s.layers.keys), &s)
            var used = Set<Digest>()
            for (id, img) in s.images {
                used.insert(id)
                if let m = img.meta.manifest { used.insert(m) }
                used.formUnion(img.meta.layerBlobs)
            }
            let unused = FS.listDirectory(content.blobsDir).compactMap { try? Digest(algorithm: "sha256", encoded: $0) }
                .filter { !used.contains($0) }
            return (detached.dirs, unused)
        }
        for d in dirs { try? FS.removeAll(d) }
        for b in blobs { content.delete(b) }
        return (dirs.count, blobs.count)
    }
}
