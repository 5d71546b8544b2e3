import ImageStore
import OCI
import WharfAPI
import WharfCore

extension ContainerService {
    /// `POST /commit`: a new image from the container's changes, its config as the image's.
    public func commit(_ ref: String, repo: String?, tag: String?, comment: String?, author: String?,
                       changes: [String], pause: Bool) async throws -> String {
        let c = try lookup(ref)
        let reference: String? = (repo ?? "").isEmpty ? nil : repo! + ((tag ?? "").isEmpty ? "" : ":" + tag!)
        let base = try await blocking { [images] in try images.resolve(c.record.imageID) }
        let shouldPause = pause && c.isRunning && !c.isPaused
        if shouldPause {
            let r = runc(for: c)
            try await blocking { try r.pause(id: c.id) }
        }
        defer {
            if shouldPause {
                let r = runc(for: c)
                Task { try? await blocking { try r.resume(id: c.id) } }
            }
        }
        let config = Self.imageConfig(from: c.record.config)
        let upper = c.dir + "/rw/upper"
        let rec = try await blocking { [images] in
            try images.commit(base: base, upperDir: upper, config: config, changes: changes,
                              author: author, comment: comment, reference: reference)
        }
        emit(c, "commit", ["comment": comment ?? ""])
        return rec.id.string
    }

    /// The container's config as an image config (what `docker commit` keeps).
    static func imageConfig(from c: WharfAPI.ContainerConfig) -> OCI.ContainerConfig {
        var o = OCI.ContainerConfig()
        o.user = (c.User ?? "").isEmpty ? nil : c.User
        o.env = c.Env
        o.cmd = c.Cmd
        o.entrypoint = c.Entrypoint
        o.workingDir = (c.WorkingDir ?? "").isEmpty ? nil : c.WorkingDir
        o.labels = (c.Labels ?? [:]).isEmpty ? nil : c.Labels
        o.stopSignal = c.StopSignal
        o.onBuild = c.OnBuild
        o.shell = c.Shell
        if let p = c.ExposedPorts, !p.isEmpty { o.exposedPorts = p.mapValues { _ in OCI.EmptyObject() } }
        if let v = c.Volumes, !v.isEmpty { o.volumes = v.mapValues { _ in OCI.EmptyObject() } }
        return o
    }

    /// A stopped container's writable layer as a leased layer on top of `parent` (a build's
    /// RUN step keeps the diff, and makes the image config itself).
    public func writableLayer(_ ref: String, parent: Digest?) async throws -> LayerInfo {
        let c = try lookup(ref)
        let upper = c.dir + "/rw/upper"
        return try await blocking { [images] in try images.layer(fromUpper: upper, parent: parent) }
    }
}
