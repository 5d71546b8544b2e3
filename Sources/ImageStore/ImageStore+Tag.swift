import OCI
import WharfCore

extension ImageStore {
    /// `docker tag SOURCE REPO[:TAG]`. `repo` may be familiar or fully qualified (the CLI
    /// sends "docker.io/library/x"); an existing tag moves to the new image.
    public func tag(_ source: String, repo: String, tag: String?) throws {
        let ref = try Self.taggableReference(repo, tag: tag)
        try state.withLock { s in
            guard let id = try resolveID(source, s) else {
                throw WharfError.notFound("No such image: \(Self.displayName(source))")
            }
            s.refs[ref.fullString] = id
            if var img = s.images[id] {
                img.meta.lastTagTime = Timestamp.now()
                try saveMeta(id, img.meta)
                s.images[id] = img
            }
            try saveRepositories(s)
        }
    }

    /// Adds a digested reference ("name@sha256:…") for an image, as a pull does.
    public func addDigestReference(_ reference: String, to id: Digest) throws {
        let ref = try Reference(parsing: reference)
        guard ref.digest != nil else { throw WharfError.invalid("reference \(reference) has no digest") }
        var r = ref
        r.tag = nil
        try state.withLock { s in
            guard s.images[id] != nil else { throw WharfError.notFound("No such image: \(id.string)") }
            s.refs[r.fullString] = id
            try saveRepositories(s)
        }
    }
}
