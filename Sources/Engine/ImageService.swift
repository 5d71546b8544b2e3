import Archive
import ImageStore
import OCI
import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// The image endpoints over the ImageStore: maps store records to the API's shapes.
public final class ImageService: ImageBackend {
    let store: ImageStore
    let events: EventBus
    let containerUsing: @Sendable (String) -> String?
    /// Where pulls keep downloads in flight.
    let tmpDir: String
    let insecureRegistries: [String]
    let registryMirrors: [String]
    let blobFetches = BlobFetches()

    init(store: ImageStore, events: EventBus, tmpDir: String, insecureRegistries: [String] = [],
         registryMirrors: [String] = [], containerUsing: @escaping @Sendable (String) -> String?) {
        self.registryMirrors = registryMirrors
        self.store = store
        self.events = events
        self.tmpDir = tmpDir
        self.insecureRegistries = insecureRegistries
        self.containerUsing = containerUsing
    }

    public func importImage(bodyPath: String, options: ImportOptions) async throws -> String {
        let store = self.store
        let id = try await blocking {
            let fd = open(bodyPath, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw WharfError.internalError(errnoMessage("open", bodyPath, errno)) }
            let src = FileDescriptorSource(fd: fd, closeWhenDone: true)
            let rec = try store.importImage(from: src, changes: options.changes, message: options.message,
                                            reference: options.reference)
            return rec.id.string
        }
        events.publish(type: "image", action: "import", id: id, attributes: ["name": id])
        return id
    }

    public func list(all: Bool, filters: Filters, sharedSize: Bool = false) async throws -> [ImageSummary] {
        try filters.validate(allowed: ["dangling", "label", "reference", "before", "since", "until"])
        let recs = try await blocking { [store] in store.list() }
        // before/since name an image; until is a time (or a duration ago).
        func createdOf(_ key: String) throws -> Timestamp? {
            guard let ref = filters[key].first else { return nil }
            return try store.resolve(ref).created ?? .zero
        }
        let before = try createdOf("before"), since = try createdOf("since"), until = try LabelFilter.until(filters)
        var out: [ImageSummary] = []
        for r in recs {
            let created = r.created ?? .zero
            if let before, !(created < before) { continue }
            if let since, !(since < created) { continue }
            if let until, !(created < until) { continue }
            // A build's intermediate images (untagged parents of others) only show with `all`.
            let intermediate = r.repoTags.isEmpty && r.hasChildren
            if intermediate && !all { continue }
            if !filters["dangling"].isEmpty {
                let wantDangling = filters["dangling"].contains { $0 == "true" || $0 == "1" }
                if wantDangling != (r.repoTags.isEmpty && !r.hasChildren) { continue }
            }
            if !filters["reference"].isEmpty {
                let ok = filters["reference"].contains { pat in
                    r.repoTags.contains { tag in ImageService.referenceMatches(pattern: pat, tag: tag) }
                }
                if !ok { continue }
            }
            if !LabelFilter.matches(r.config.config?.labels ?? [:], include: filters["label"], exclude: []) { continue }
            out.append(summary(r))
        }
        if sharedSize {
            let shared = Self.sharedSizes(recs, store)
            for i in out.indices { out[i].SharedSize = shared[out[i].Id] ?? 0 }
        }
        return out.sorted { $0.Created > $1.Created }
    }

    /// `reference=busybox`, `busybox:*`, `*/app`: path.Match on the familiar name, with and
    /// without the tag, as Docker does.
    static func referenceMatches(pattern: String, tag: String) -> Bool {
        let name = tag.split(separator: ":").dropLast().joined(separator: ":")
        return glob(pattern, tag) || glob(pattern, name)
    }

    static func glob(_ p: String, _ s: String) -> Bool {
        let pc = Array(p), sc = Array(s)
        func m(_ i: Int, _ j: Int) -> Bool {
            if i == pc.count { return j == sc.count }
            if pc[i] == "*" {
                var k = j
                while true {
                    if m(i + 1, k) { return true }
                    if k == sc.count || sc[k] == "/" { return false }
                    k += 1
                }
            }
            guard j < sc.count else { return false }
            if pc[i] == "?" { return sc[j] != "/" && m(i + 1, j + 1) }
            return pc[i] == sc[j] && m(i + 1, j + 1)
        }
        return m(0, 0)
    }

    /// Per image ID: bytes of its layers that other images use too (Docker's SharedSize).
    static func sharedSizes(_ records: [ImageRecord], _ store: ImageStore) -> [String: Int64] {
        var users: [Digest: Int] = [:]
        for r in records { for c in Set(r.chainIDs) { users[c, default: 0] += 1 } }
        var out: [String: Int64] = [:]
        for r in records {
            out[r.id.string] = Set(r.chainIDs).filter { (users[$0] ?? 0) > 1 }.reduce(0) { $0 + (store.layerSize($1) ?? 0) }
        }
        return out
    }

    func summary(_ r: ImageRecord) -> ImageSummary {
        ImageSummary(Id: r.id.string, Created: r.created?.seconds ?? 0,
                     Labels: r.config.config?.labels, RepoDigests: r.repoDigests, RepoTags: r.repoTags, Size: r.size)
    }

    public func inspect(_ name: String) async throws -> ImageInspect {
        let r = try await blocking { [store] in try store.resolve(name) }
        let layers = store.layerDiffPaths(for: r)
        let c = r.config
        var cfg: WharfAPI.ContainerConfig? = nil
        if let ic = c.config {
            var cc = WharfAPI.ContainerConfig()
            cc.User = ic.user ?? ""
            cc.Env = ic.env
            cc.Cmd = ic.cmd
            cc.Entrypoint = ic.entrypoint
            cc.WorkingDir = ic.workingDir ?? ""
            cc.Labels = ic.labels
            cc.StopSignal = ic.stopSignal
            cc.OnBuild = ic.onBuild
            if let p = ic.exposedPorts { cc.ExposedPorts = p.mapValues { _ in WharfAPI.EmptyObject() } }
            if let v = ic.volumes { cc.Volumes = v.mapValues { _ in WharfAPI.EmptyObject() } }
            cfg = cc
        }
        let created = r.created.map { $0.rfc3339Nano } ?? Timestamp.zero.rfc3339Nano
        let comment = c.history?.last?.comment ?? ""
        return ImageInspect(
            Id: r.id.string, RepoTags: r.repoTags, RepoDigests: r.repoDigests, Comment: comment, Created: created,
            Author: c.author ?? "", Config: cfg, Architecture: c.architecture, Variant: c.variant, Os: c.os, Size: r.size,
            GraphDriver: GraphDriverData(Name: "overlay2", Data: [
                "LowerDir": layers.dropFirst().joined(separator: ":"), "UpperDir": layers.first ?? "",
                "MergedDir": "", "WorkDir": "",
            ]),
            Layers: c.rootfs.diffIDs.map { $0.string })
    }

    public func tag(_ name: String, repo: String, tag: String?) async throws {
        try await blocking { [store] in try store.tag(name, repo: repo, tag: (tag ?? "").isEmpty ? nil : tag) }
        if let rec = try? store.resolve(name) {
            events.publish(type: "image", action: "tag", id: rec.id.string,
                           attributes: ["name": repo + ":" + ((tag ?? "").isEmpty ? "latest" : tag!)])
        }
    }

    public func remove(_ name: String, force: Bool, noPrune: Bool) async throws -> [ImageDeleteItem] {
        let using = containerUsing
        let items = try await blocking { [store] in
            try store.remove(name, force: force) { digest in using(digest.string) }
        }
        for item in items {
            switch item {
            case .untagged(let t): events.publish(type: "image", action: "untag", id: t, attributes: ["name": t])
            case .deleted(let d): events.publish(type: "image", action: "delete", id: d, attributes: ["name": d])
            }
        }
        return items.map {
            switch $0 {
            case .untagged(let t): return ImageDeleteItem(Untagged: t)
            case .deleted(let d): return ImageDeleteItem(Deleted: d)
            }
        }
    }
}

