import ImageStore
import OCI
import WharfAPI
import WharfCore

extension ImageService {
    /// `GET /images/{name}/history`: the config's history, newest first; entries that made
    /// a layer carry its size; only the newest has the image's ID and tags, as Docker shows.
    public func history(_ name: String) async throws -> [ImageHistoryItem] {
        let store = self.store
        return try await blocking {
            let r = try store.resolve(name)
            let chains = OCI.chainIDs(diffIDs: r.config.rootfs.diffIDs)
            var sizes = chains.map { store.layerSize($0) ?? 0 }
            var entries = r.config.history ?? []
            if entries.isEmpty {
                entries = chains.map { _ in History(created: r.config.created, createdBy: "", comment: "") }
            }
            var rows: [ImageHistoryItem] = []
            for h in entries {
                var size: Int64 = 0
                if h.emptyLayer != true, !sizes.isEmpty { size = sizes.removeFirst() }
                let created = h.created.flatMap { Timestamp(rfc3339: $0) }?.seconds ?? 0
                rows.append(ImageHistoryItem(Id: "<missing>", Created: created, CreatedBy: h.createdBy ?? "", Tags: nil,
                                             Size: size, Comment: h.comment ?? ""))
            }
            rows.reverse()
            // Each row of a locally built image is one of its ancestors (a build makes one
            // image per step): those still here show their ID and tags, as with Docker.
            var ancestor: ImageRecord? = r
            for i in rows.indices {
                guard let a = ancestor else { break }
                rows[i].Id = a.id.string
                rows[i].Tags = a.repoTags.isEmpty ? nil : a.repoTags
                ancestor = a.parent.flatMap { try? store.resolve($0.string) }
            }
            return rows
        }
    }

    /// `POST /images/prune`: dangling images (or, with `dangling=false`, every image no
    /// container uses), older than `until`, matching `label` filters.
    public func prune(filters: Filters) async throws -> ImagePruneResponse {
        try filters.validate(allowed: ["dangling", "until", "label", "label!"])
        let danglingOnly = !(filters["dangling"].contains { ["false", "0"].contains($0.lowercased()) })
        let until = try LabelFilter.until(filters)
        let store = self.store
        let using = containerUsing
        let candidates = try await blocking { store.list() }.filter { r in
            if danglingOnly && !r.repoTags.isEmpty { return false }
            if r.hasChildren { return false }     // a build's intermediate image goes with its child
            if using(r.id.string) != nil { return false }
            if let until, let created = r.created, !(created < until) { return false }
            return LabelFilter.matches(r.config.config?.labels ?? [:], include: filters["label"], exclude: filters["label!"])
        }
        // Layers shared with images that stay free nothing: what goes is the difference.
        let before = Self.layerBytes(store)
        var deleted: [ImageDeleteItem] = []
        for r in candidates {
            guard let items = try? await remove(r.id.string, force: true, noPrune: false) else { continue }
            deleted += items
        }
        let reclaimed = max(0, before - Self.layerBytes(store))
        return ImagePruneResponse(ImagesDeleted: deleted.isEmpty ? nil : deleted, SpaceReclaimed: reclaimed)
    }

    static func layerBytes(_ store: ImageStore) -> Int64 {
        var seen = Set<Digest>()
        var total: Int64 = 0
        for r in store.list() {
            for c in OCI.chainIDs(diffIDs: r.config.rootfs.diffIDs) where seen.insert(c).inserted {
                total += store.layerSize(c) ?? 0
            }
        }
        return total
    }
}
