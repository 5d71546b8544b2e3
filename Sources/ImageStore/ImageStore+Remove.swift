import OCI
import WharfCore

extension ImageStore {
    /// `docker rmi`, with Docker's rules (daemon/images/image_delete.go): by reference it
    /// untags, and deletes the image only when that was its last reference; by ID it
    /// deletes the image with all its references, refusing (409) when the references span
    /// several repositories unless forced. `inUseBy` names a container using an image ID.
    /// An image in use is never deleted (its layers are a container's lower dirs): without
    /// force that is a 409; with force its references are removed and the image stays,
    /// dangling, until the container goes.
    public func remove(_ nameOrID: String, force: Bool, inUseBy: (Digest) -> String?) throws -> [DeleteResponseItem] {
        var trash: [String] = []
        defer { for dir in trash { try? FS.removeAll(dir) } }
        // inUseBy runs without the store's lock held: it takes the container service's lock,
        // which may itself be held around calls into this store. If a concurrent tag moved
        // the name meanwhile, ask again for the new image.
        var id = try resolvedID(nameOrID)
        var removedParent: Digest?
        while true {
            let user = inUseBy(id)
            let outcome: [DeleteResponseItem]? = try state.withLock { s in
                guard let current = try resolveID(nameOrID, s) else {
                    throw WharfError.notFound("No such image: \(Self.displayName(nameOrID))")
                }
                guard current == id else {
                    id = current
                    return nil
                }
                removedParent = s.images[id]?.meta.parent
                return try remove(nameOrID, id: id, user: user, force: force, trash: &trash, &s)
            }
            if var outcome {
                if outcome.contains(.deleted(id.string)) { outcome += removeParents(of: removedParent, inUseBy: inUseBy, trash: &trash) }
                return outcome
            }
        }
    }

    /// A deleted image's parents go too while they are untagged, have no other child and no
    /// container uses them (Docker deletes a build's intermediate images with the result).
    private func removeParents(of first: Digest?, inUseBy: (Digest) -> String?, trash: inout [String]) -> [DeleteResponseItem] {
        var items: [DeleteResponseItem] = []
        var next = first
        while let p = next {
            next = nil
            guard inUseBy(p) == nil else { break }
            let deleted: [DeleteResponseItem]? = state.withLock { s in
                guard let img = s.images[p], references(of: p, s).isEmpty,
                      !s.images.values.contains(where: { $0.meta.parent == p }) else { return nil }
                s.images.removeValue(forKey: p)
                unlinkIgnoringErrors(metaPath(p))
                var out: [DeleteResponseItem] = [.deleted(p.string)]
                let (removedLayers, dirs) = detachUnusedLayers(img.chainIDs, &s)
                trash += dirs
                for chain in removedLayers { out.append(.deleted(chain.string)) }
                removeUnusedBlobs(of: img, s)
                next = img.meta.parent
                return out
            }
            guard let deleted else { break }
            items += deleted
        }
        return items
    }

    private func resolvedID(_ nameOrID: String) throws -> Digest {
        try state.withLock { s in
            guard let id = try resolveID(nameOrID, s) else {
                throw WharfError.notFound("No such image: \(Self.displayName(nameOrID))")
            }
            return id
        }
    }

    /// The removal proper, lock held.
    private func remove(_ nameOrID: String, id: Digest, user: String?, force: Bool, trash: inout [String],
                        _ s: inout State) throws -> [DeleteResponseItem] {
        var items: [DeleteResponseItem] = []
        var refs = references(of: id, s)

        if !Self.isIDPrefix(nameOrID, of: id) {
            // By reference: untag it.
            if !force && Self.isSingleReference(refs), let user {
                throw WharfError.conflict(
                    "conflict: unable to remove repository reference \"\(nameOrID)\" (must force) - container \(String(user.prefix(12))) is using its referenced image \(id.shortID)")
            }
            let ref = try Reference(parsing: nameOrID).withDefaultTag()
            s.refs.removeValue(forKey: ref.fullString)
            items.append(.untagged(ref.familiarString))
            refs = references(of: id, s)
            // The last tag of a repository takes that repository's digests with it.
            if ref.digest == nil && !refs.contains(where: { $0.digest == nil && $0.name == ref.name }) {
                for r in refs where r.digest != nil && r.name == ref.name {
                    s.refs.removeValue(forKey: r.fullString)
                    items.append(.untagged(r.familiarString))
                }
                refs = references(of: id, s)
            }
            if !refs.isEmpty || user != nil {
                try saveRepositories(s)
                return items
            }
        } else {
            if !force {
                if refs.count > 1 && !Self.isSingleReference(refs) {
                    throw WharfError.conflict(
                        "conflict: unable to delete \(id.shortID) (must be forced) - image is referenced in multiple repositories")
                }
                if let user {
                    throw WharfError.conflict(
                        "conflict: unable to delete \(id.shortID) (must be forced) - image is being used by stopped container \(String(user.prefix(12)))")
                }
            }
            for r in refs {
                s.refs.removeValue(forKey: r.fullString)
                items.append(.untagged(r.familiarString))
            }
            if user != nil {
                try saveRepositories(s)
                return items
            }
        }

        // Delete the image, then whatever only it used.
        guard let img = s.images.removeValue(forKey: id) else { return items }
        try saveRepositories(s)
        unlinkIgnoringErrors(metaPath(id))
        items.append(.deleted(id.string))
        let (removedLayers, dirs) = detachUnusedLayers(img.chainIDs, &s)
        trash = dirs
        for chain in removedLayers { items.append(.deleted(chain.string)) }
        removeUnusedBlobs(of: img, s)
        return items
    }

    /// References (tags and digests) pointing at `id`, parsed.
    func references(of id: Digest, _ s: State) -> [Reference] {
        s.refs.compactMap { $0.value == id ? try? Reference(parsing: $0.key) : nil }
            .sorted { $0.fullString < $1.fullString }
    }

    /// Config, manifest and layer blobs of a deleted image that no remaining image uses.
    private func removeUnusedBlobs(of img: StoredImage, _ s: State) {
        var used = Set<Digest>()
        for other in s.images {
            used.insert(other.key)
            if let m = other.value.meta.manifest { used.insert(m) }
            used.formUnion(other.value.meta.layerBlobs)
        }
        var candidates = img.meta.layerBlobs
        if let m = img.meta.manifest { candidates.append(m) }
        candidates.append(Digest.sha256(img.configBytes))
        for d in candidates where !used.contains(d) { content.delete(d) }
    }

    /// Docker's isImageIDPrefix: the string is the ID, or a prefix of it with or without "sha256:".
    static func isIDPrefix(_ s: String, of id: Digest) -> Bool {
        id.string.hasPrefix(s) || id.encoded.hasPrefix(s)
    }

    /// Docker's isSingleReference: at most one tag, and every reference in one repository.
    static func isSingleReference(_ refs: [Reference]) -> Bool {
        if refs.count <= 1 { return refs.count == 1 }
        var names = Set<String>()
        var single: Reference?
        for r in refs {
            if r.digest != nil {
                names.insert(r.name)
            } else if single == nil {
                names.insert(r.name)
                single = r
            } else {
                return false
            }
        }
        let chosen = single ?? refs[0]
        return names.count == 1 && names.contains(chosen.name)
    }
}
