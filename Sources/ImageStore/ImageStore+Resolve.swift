import OCI
import WharfCore

extension ImageStore {
    /// Finds an image as Docker's GetImage does: a full ID ("sha256:<64 hex>" or 64 hex),
    /// then a reference (familiar or full; "latest" when untagged), then a unique ID
    /// prefix. Unknown → 404 "No such image: busybox:latest"; a malformed reference → 400.
    public func resolve(_ nameOrID: String) throws -> ImageRecord {
        try state.withLock { s in
            guard let id = try resolveID(nameOrID, s) else {
                throw WharfError.notFound("No such image: \(Self.displayName(nameOrID))")
            }
            return record(id, s)!
        }
    }

    /// The ID `nameOrID` names, nil when none. Lock held.
    func resolveID(_ nameOrID: String, _ s: State) throws -> Digest? {
        if nameOrID.utf8.count == 64 && isLowerHex(nameOrID) {
            let id = try Digest(algorithm: "sha256", encoded: nameOrID)
            return s.images[id] != nil ? id : nil
        }
        if let id = try? Digest(parsing: nameOrID) {
            return s.images[id] != nil ? id : nil
        }
        let ref = try Reference(parsing: nameOrID).withDefaultTag()
        if let id = s.refs[ref.fullString], s.images[id] != nil { return id }
        // An ID prefix; ambiguity is "not found", as in Docker.
        if looksLikeImageIDPrefix(nameOrID) {
            let prefix = nameOrID.hasPrefix("sha256:") ? String(nameOrID.dropFirst(7)) : nameOrID
            var match: Digest?
            for id in s.images.keys where id.encoded.hasPrefix(prefix) {
                if match != nil { return nil }
                match = id
            }
            return match
        }
        return nil
    }

    /// How Docker names a missing image: the normalised reference with its tag, or the
    /// string as given when it is an ID.
    static func displayName(_ nameOrID: String) -> String {
        if (try? Digest(parsing: nameOrID)) != nil { return nameOrID }
        if nameOrID.utf8.count == 64 && isLowerHex(nameOrID) { return "sha256:" + nameOrID }
        if let ref = try? Reference(parsing: nameOrID) { return ref.withDefaultTag().familiarString }
        return nameOrID
    }

    /// Whether an image with this ID exists.
    public func contains(_ id: Digest) -> Bool {
        state.withLock { $0.images[id] != nil }
    }

    /// The image named by a full reference, without ID or prefix matching (for pull and
    /// build caches that must not confuse a tag with an ID).
    public func image(forReference reference: String) -> ImageRecord? {
        guard let ref = try? Reference(parsing: reference).withDefaultTag() else { return nil }
        return state.withLock { s in s.refs[ref.fullString].flatMap { record($0, s) } }
    }
}
