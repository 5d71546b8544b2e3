import Archive
import AsyncHTTPClient
import FoundationEssentials
import ImageStore
import OCI
import Registry
import Synchronization
import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// What a pull or push reports, in Docker's progress JSON.
public typealias ProgressSink = @Sendable (JSONMessage) -> Void

extension ImageService {
    /// `POST /images/create?fromImage=…`: resolves the manifest (errors so far are plain
    /// HTTP errors), calls `begin`, then reports each layer as Docker does while layers are
    /// fetched in parallel (three at a time) and unpacked in order.
    public func pull(image: String, tag: String?, platform: String?, authHeader: String?,
                     begin: @escaping @Sendable () -> Void, progress: @escaping ProgressSink) async throws {
        var refText = image
        if let tag, !tag.isEmpty { refText += (tag.contains(":") ? "@" : ":") + tag }
        let parsed = try Reference(parsing: refText)
        let wanted = try platform.flatMap { $0.isEmpty ? nil : try Platform(parsing: $0) } ?? Platform.current
        if parsed.tag == nil && parsed.digest == nil && (tag ?? "").isEmpty {
            // No tag at all (`docker pull -a`): every tag of the repository, as the API says.
            let client = registryClient(for: parsed, authHeader: authHeader, push: false)
            let tags = try await client.tags()
            guard !tags.isEmpty else { throw WharfError.notFound("no tags found for \(parsed.familiarName)") }
            for t in tags {
                var ref = parsed
                ref.tag = t
                try await pullOne(ref, wanted: wanted, authHeader: authHeader, begin: begin, progress: progress, summary: false)
            }
            progress(JSONMessage(status: "Status: Downloaded newer image for \(parsed.familiarName)"))
            return
        }
        try await pullOne(parsed.withDefaultTag(), wanted: wanted, authHeader: authHeader, begin: begin, progress: progress,
                          summary: true)
    }

    private func pullOne(_ ref: Reference, wanted: Platform, authHeader: String?, begin: @escaping @Sendable () -> Void,
                         progress: @escaping ProgressSink, summary: Bool) async throws {
        let display = ref.familiarString
        // Docker Hub's images come from the configured mirrors first, then from the Hub.
        var client = registryClient(for: ref, authHeader: authHeader, push: false)
        var fromMirror: RegistryClient.FetchedManifest?
        if ref.domain == "docker.io" {
            for mirror in registryMirrors {
                let m = mirrorClient(mirror, ref: ref)
                if let found = try? await m.manifest(ref.digest?.string ?? ref.tag ?? "latest", displayName: display) {
                    client = m
                    fromMirror = found
                    break
                }
            }
        }
        let top: RegistryClient.FetchedManifest
        if let fromMirror {
            top = fromMirror
        } else {
            top = try await client.manifest(ref.digest?.string ?? ref.tag ?? "latest", displayName: display)
        }
        var manifestBytes = top.bytes
        if MediaTypes.isIndex(top.mediaType) {
            let index = try JSONDecoder().decode(OCI.Index.self, from: Data(top.bytes))
            guard let pick = index.manifests.first(where: { ($0.platform ?? Platform.current).matches(wanted) }) else {
                throw WharfError.notFound("no matching manifest for \(wanted) in the manifest list entries")
            }
            manifestBytes = try await client.manifest(pick.digest.string, displayName: display).bytes
        }
        let manifest = try JSONDecoder().decode(Manifest.self, from: Data(manifestBytes))
        let configBytes = try await configBlob(manifest.config, client: client)
        let config = try JSONDecoder().decode(ImageConfig.self, from: Data(configBytes))
        guard config.rootfs.diffIDs.count == manifest.layers.count else {
            throw WharfError.invalid("image \(display) has \(config.rootfs.diffIDs.count) diff IDs but \(manifest.layers.count) layers")
        }
        begin()
        progress(JSONMessage(status: "Pulling from \(ref.path)", id: ref.tag ?? ref.digest?.string))
        let id = Digest.sha256(configBytes)
        let store = self.store
        let upToDate = store.contains(id)
        if !upToDate {
            try await fetchAndApply(manifest: manifest, config: config, client: client, progress: progress)
        }
        let tagRef = ref.tag != nil ? ref.fullString : nil
        // A layer that was already here keeps the blob it came with: the registry's was not
        // fetched, and save and push need a blob this store has.
        let chains = OCI.chainIDs(diffIDs: config.rootfs.diffIDs)
        let blobs = manifest.layers.enumerated().map { i, d in
            store.blobPath(d.digest) != nil ? d : (store.layerBlob(chains[i]) ?? d)
        }
        try await blocking {
            _ = try store.createImage(configBytes: configBytes, layerBlobs: blobs, reference: tagRef)
            try store.addDigestReference("\(ref.name)@\(top.digest.string)", to: id)
        }
        progress(JSONMessage(status: "Digest: \(top.digest.string)"))
        if summary {
            progress(JSONMessage(status: upToDate ? "Status: Image is up to date for \(display)"
                                                  : "Status: Downloaded newer image for \(display)"))
        }
        events.publish(type: "image", action: "pull", id: display, attributes: ["name": display])
    }

    private func fetchAndApply(manifest: Manifest, config: ImageConfig, client: RegistryClient,
                               progress: @escaping ProgressSink) async throws {
        let store = self.store
        let chains = OCI.chainIDs(diffIDs: config.rootfs.diffIDs)
        let present = chains.map { store.hasLayer($0) }
        for (i, layer) in manifest.layers.enumerated() {
            progress(JSONMessage(status: present[i] ? "Already exists" : "Pulling fs layer", id: layer.digest.shortID,
                                 progressDetail: .init()))
        }
        try FS.mkdirAll(tmpDir + "/blobs", mode: 0o700)
        let fetches = blobFetches
        let fetched = manifest.layers.indices.filter { !present[$0] }.map { manifest.layers[$0].digest }
        defer { for d in fetched { fetches.release(d) } }
        var applied: [Digest] = []
        do {
            // Downloads run ahead, three at a time; layers are unpacked in order as theirs end.
            let downloads = DownloadResults()
            let missing = manifest.layers.indices.filter { !present[$0] }
            try await withThrowingTaskGroup(of: Void.self) { group in
                var next = 0
                func launch() {
                    guard next < missing.count else { return }
                    let i = missing[next]
                    next += 1
                    let layer = manifest.layers[i]
                    let chain = chains[i]
                    group.addTask {
                        let short = layer.digest.shortID
                        let last = Mutex<Int64>(0)
                        // Another pull may have brought the layer in since this one looked.
                        if store.hasLayer(chain) {
                            downloads.results.withLock { $0[i] = .success("") }
                            return
                        }
                        do {
                            let path = try await fetches.fetch(layer, into: self.tmpDir + "/blobs") { path, report in
                                try await client.downloadBlob(layer, to: path, progress: report)
                            } progress: { got in
                                let report = last.withLock { l -> Bool in
                                    guard got - l >= 256 * 1024 || got == layer.size else { return false }
                                    l = got
                                    return true
                                }
                                if report {
                                    progress(JSONMessage(status: "Downloading", id: short,
                                                         progressDetail: .init(current: got, total: layer.size),
                                                         progress: Self.progressBar(got, layer.size)))
                                }
                            }
                            progress(JSONMessage(status: "Verifying Checksum", id: short, progressDetail: .init()))
                            progress(JSONMessage(status: "Download complete", id: short, progressDetail: .init()))
                            downloads.results.withLock { $0[i] = .success(path) }
                        } catch {
                            downloads.results.withLock { $0[i] = .failure(error) }
                            throw error
                        }
                    }
                }
                for _ in 0..<3 { launch() }
                var parent: Digest?
                for i in manifest.layers.indices {
                    if present[i] {
                        parent = chains[i]
                        continue
                    }
                    // Wait for this layer's download (others keep going meanwhile).
                    var result: Result<String, any Error>?
                    while result == nil {
                        result = downloads.results.withLock { $0[i] }
                        if result == nil {
                            if try await group.next() != nil { launch() }
                        }
                    }
                    let path = try result!.get()
                    if path.isEmpty {
                        progress(JSONMessage(status: "Already exists", id: manifest.layers[i].digest.shortID, progressDetail: .init()))
                        parent = chains[i]
                        continue
                    }
                    let short = manifest.layers[i].digest.shortID
                    progress(JSONMessage(status: "Extracting", id: short,
                                         progressDetail: .init(current: manifest.layers[i].size, total: manifest.layers[i].size),
                                         progress: Self.progressBar(manifest.layers[i].size, manifest.layers[i].size)))
                    let p = parent
                    let blob = manifest.layers[i]
                    let info = try await blocking { try store.applyLayer(blobFile: path, blob: blob, parent: p) }
                    applied.append(info.chainID)
                    guard info.chainID == chains[i] else {
                        throw WharfError.invalid("layer \(manifest.layers[i].digest.string) does not match the image's diff ID \(config.rootfs.diffIDs[i].string)")
                    }
                    progress(JSONMessage(status: "Pull complete", id: short, progressDetail: .init()))
                    FaultPoint.hit("pull.layer-applied")
                    parent = chains[i]
                }
                try await group.waitForAll()
            }
        } catch {
            for c in applied { store.releaseLayer(c) }
            throw error
        }
        // createImage takes the leases over; until then they keep the layers.
        _ = applied
    }

    /// The image config: from the content store when this daemon has it, else fetched (once,
    /// however many pulls want it at the same time) and checked.
    func configBlob(_ d: Descriptor, client: RegistryClient) async throws -> [UInt8] {
        if let local = store.blobPath(d.digest), let bytes = try? FS.readFile(local), Digest.sha256(bytes) == d.digest {
            return bytes
        }
        try FS.mkdirAll(tmpDir + "/blobs", mode: 0o700)
        defer { blobFetches.release(d.digest) }
        let path = try await blobFetches.fetch(d, into: tmpDir + "/blobs") { path, report in
            try await client.downloadBlob(d, to: path, progress: report)
        } progress: { _ in }
        let bytes = try FS.readFile(path)
        // Kept at once: a pull of the same image a moment later finds it here.
        try? store.addBlob(bytes)
        return bytes
    }

    /// A client of a `registry-mirrors` entry (`http://host:port` or `https://…`) for a Hub image.
    func mirrorClient(_ mirror: String, ref: Reference) -> RegistryClient {
        let plain = mirror.hasPrefix("http://")
        var host = Substring(mirror)
        if let r = host.firstRange(of: "://") { host = host[r.upperBound...] }
        while host.hasSuffix("/") { host = host.dropLast() }
        return RegistryClient(http: RegistryClient.sharedHTTP, host: String(host), repository: ref.path,
                              credentials: nil, insecure: plain)
    }

    func registryClient(for ref: Reference, authHeader: String?, push: Bool) -> RegistryClient {
        let insecure = insecureRegistries.contains { $0 == ref.domain }
        return RegistryClient(http: RegistryClient.sharedHTTP, host: ref.domain, repository: ref.path,
                              credentials: RegistryCredentials(header: authHeader), insecure: insecure, push: push)
    }

    /// Docker's `[=====>     ]  1.2MB/3.4MB`.
    static func progressBar(_ current: Int64, _ total: Int64) -> String {
        guard total > 0 else { return "" }
        let width = 50
        let filled = Int(min(Double(current) / Double(total), 1.0) * Double(width))
        var bar = String(repeating: "=", count: max(0, filled - 1))
        if filled > 0 { bar += filled >= width ? "=" : ">" }
        bar += String(repeating: " ", count: width - bar.count)
        return "[\(bar)] \(humanSize(current))/\(humanSize(total))"
    }

    static func humanSize(_ n: Int64) -> String {
        let units = ["B", "kB", "MB", "GB", "TB"]
        var v = Double(n)
        var i = 0
        while v >= 1000 && i < units.count - 1 { v /= 1000; i += 1 }
        if i == 0 { return "\(n)B" }
        let r = (v * 1000).rounded() / 1000
        return "\(r)\(units[i])"
    }
}

/// Finished downloads of a pull, by layer index.
final class DownloadResults: Sendable {
    let results = Mutex<[Int: Result<String, any Error>]>([:])
}

/// Blob downloads in flight, shared: two pulls that need one blob at once fetch it once.
/// The file goes when the last pull that asked for it is done.
final class BlobFetches: Sendable {
    private struct Entry {
        var task: Task<String, any Error>
        var users: Int
    }
    private let entries = Mutex<[Digest: Entry]>([:])

    func fetch(_ d: Descriptor, into dir: String,
               download: @escaping @Sendable (String, @escaping @Sendable (Int64) -> Void) async throws -> Void,
               progress: @escaping @Sendable (Int64) -> Void) async throws -> String {
        let task = entries.withLock { e -> Task<String, any Error> in
            if var existing = e[d.digest] {
                existing.users += 1
                e[d.digest] = existing
                return existing.task
            }
            let path = dir + "/" + d.digest.encoded
            let t = Task<String, any Error> {
                try await download(path, progress)
                return path
            }
            e[d.digest] = Entry(task: t, users: 1)
            return t
        }
        return try await task.value
    }

    func release(_ d: Digest) {
        let gone = entries.withLock { e -> Task<String, any Error>? in
            guard var entry = e[d] else { return nil }
            entry.users -= 1
            if entry.users > 0 {
                e[d] = entry
                return nil
            }
            e[d] = nil
            return entry.task
        }
        if let gone {
            gone.cancel()
            Task.detached { if let path = try? await gone.value { unlink(path) } }
        }
    }
}
