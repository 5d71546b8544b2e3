import Synchronization
import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// Local volumes (Docker's `local` driver): `<data-root>/volumes/<name>/_data`, with the
/// metadata beside it in `meta.json`. Volumes with `type`/`device`/`o` options are mounted
/// when a container first uses them and unmounted when the last one stops.
public final class VolumeService: VolumeBackend {
    struct Record: Codable, Sendable {
        var name: String
        var createdAt: String
        var labels: [String: String]?
        var options: [String: String]?
    }

    struct State {
        var volumes: [String: Record] = [:]
        /// Containers holding an options volume mounted.
        var mounts: [String: Int] = [:]
    }

    let root: String
    let events: EventBus
    private let state = Mutex(State())
    /// Which containers reference a volume (set by the engine: containers own that knowledge).
    let users = Mutex<@Sendable (String) -> [String]>({ _ in [] })

    static let anonymousLabel = "com.docker.volume.anonymous"
    static let validOptions: Set<String> = ["type", "device", "o", "size"]

    init(root: String, events: EventBus) throws {
        self.root = root
        self.events = events
        try FS.mkdirAll(root, mode: 0o701)
        var loaded: [String: Record] = [:]
        for name in FS.listDirectory(root) where Self.isValidName(name) {
            guard let bytes = try? FS.readFile(dir(name) + "/meta.json"),
                  let r = try? APIJSON.decode(Record.self, from: bytes) else { continue }
            loaded[name] = r
        }
        state.withLock { $0.volumes = loaded }
    }

    func dir(_ name: String) -> String { root + "/" + name }
    func dataPath(_ name: String) -> String { root + "/" + name + "/_data" }

    /// moby's `RestrictedNameChars` for local volumes: a name can never be a path.
    static func isValidName(_ name: String) -> Bool {
        guard name.utf8.count >= 2, let first = name.utf8.first else { return false }
        func alnum(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) }
        return alnum(first) && name.utf8.dropFirst().allSatisfy { alnum($0) || $0 == 95 || $0 == 46 || $0 == 45 }
    }

    static func invalidName(_ name: String) -> WharfError {
        if name.utf8.count == 1 {
            return WharfError.invalid("create \(name): volume name is too short, names should be at least two alphanumeric characters")
        }
        return WharfError.invalid("create \(name): \"\(name)\" includes invalid characters for a local volume name, only \"[a-zA-Z0-9][a-zA-Z0-9_.-]\" are allowed. If you intended to pass a host directory, use absolute path")
    }

    func volume(_ r: Record) -> Volume {
        Volume(CreatedAt: r.createdAt, Driver: "local", Labels: r.labels, Mountpoint: dataPath(r.name), Name: r.name,
               Options: r.options, Scope: "local")
    }

    // MARK: - API

    /// `POST /volumes/create`. An existing name gives the existing volume back; no name
    /// makes an anonymous one.
    public func create(_ req: VolumeCreateRequest) async throws -> Volume {
        try await blocking { try self.create(name: req.Name, driver: req.Driver, options: req.DriverOpts, labels: req.Labels) }
    }

    func create(name: String?, driver: String?, options: [String: String]?, labels: [String: String]?) throws -> Volume {
        let driverName = (driver ?? "").isEmpty ? "local" : driver!
        var labels = labels
        let volumeName: String
        if let n = name, !n.isEmpty {
            guard Self.isValidName(n) else { throw Self.invalidName(n) }
            volumeName = n
        } else {
            volumeName = ContainerID.generate()
            labels = (labels ?? [:]).merging([Self.anonymousLabel: ""]) { a, _ in a }
        }
        guard driverName == "local" else {
            throw WharfError.notFound("create \(volumeName): error looking up volume plugin \(driverName): plugin \"\(driverName)\" not found")
        }
        let opts = (options ?? [:]).isEmpty ? nil : options
        for key in (opts ?? [:]).keys.sorted() where !Self.validOptions.contains(key) {
            throw WharfError.invalid("create \(volumeName): invalid option key: \"\(key)\"")
        }
        if let o = opts, o["type"] != nil || o["o"] != nil, (o["device"] ?? "").isEmpty {
            throw WharfError.invalid("create \(volumeName): missing required option: \"device\"")
        }
        if let existing = state.withLock({ $0.volumes[volumeName] }) { return volume(existing) }
        let now = Timestamp.now()
        let r = Record(name: volumeName, createdAt: Timestamp(seconds: now.seconds, nanoseconds: 0).rfc3339Nano,
                       labels: labels, options: opts)
        try FS.mkdirAll(dataPath(volumeName), mode: 0o755)
        try AtomicFile.write(APIJSON.encode(r), to: dir(volumeName) + "/meta.json", mode: 0o600)
        let made = state.withLock { s -> Record in
            if let raced = s.volumes[volumeName] { return raced }
            s.volumes[volumeName] = r
            return r
        }
        events.publish(type: "volume", action: "create", id: volumeName, attributes: ["driver": "local"])
        return volume(made)
    }

    public func inspect(_ name: String) throws -> Volume {
        guard let r = state.withLock({ $0.volumes[name] }) else {
            throw WharfError.notFound("get \(name): no such volume")
        }
        return volume(r)
    }

    func exists(_ name: String) -> Bool { state.withLock { $0.volumes[name] != nil } }

    func state(_ name: String) -> Record? { state.withLock { $0.volumes[name] } }

    func withMountCount(_ name: String, _ body: (inout Int) throws -> Void) throws {
        try state.withLock { s in
            var n = s.mounts[name] ?? 0
            try body(&n)
            s.mounts[name] = n == 0 ? nil : n
        }
    }

    func isAnonymous(_ name: String) -> Bool {
        state.withLock { $0.volumes[name]?.labels?[Self.anonymousLabel] != nil }
    }

    public func list(filters: Filters) throws -> VolumeListResponse {
        try filters.validate(allowed: ["dangling", "name", "label", "label!", "driver"])
        let all = state.withLock { Array($0.volumes.values) }
        let used = users.withLock { $0 }
        var out: [Volume] = []
        for r in all.sorted(by: { $0.name < $1.name }) {
            if !filters["name"].isEmpty, !filters["name"].contains(where: { r.name.contains($0) }) { continue }
            if !filters["driver"].isEmpty, !filters["driver"].contains("local") { continue }
            if !LabelFilter.matches(r.labels ?? [:], include: filters["label"], exclude: filters["label!"]) { continue }
            if let d = filters["dangling"].first {
                let want = ["1", "true"].contains(d.lowercased())
                guard ["0", "1", "true", "false"].contains(d.lowercased()) else {
                    throw WharfError.invalid("invalid filter 'dangling=\(d)'")
                }
                if used(r.name).isEmpty != want { continue }
            }
            out.append(volume(r))
        }
        return VolumeListResponse(Volumes: out, Warnings: nil)
    }

    /// `DELETE /volumes/{name}`: refused while a container (running or not) references it.
    public func remove(_ name: String, force: Bool) async throws {
        try await blocking { try self.removeNow(name, force: force) }
    }

    func removeNow(_ name: String, force: Bool) throws {
        guard state.withLock({ $0.volumes[name] }) != nil else {
            if force { return }
            throw WharfError.notFound("get \(name): no such volume")
        }
        let ids = users.withLock { $0 }(name)
        if !ids.isEmpty {
            throw WharfError.conflict("remove \(name): volume is in use - [\(ids.joined(separator: ", "))]")
        }
        try delete(name)
    }

    /// Drops a volume nobody uses: out of the index first, so no container can pick it up
    /// while its files are being deleted.
    func delete(_ name: String) throws {
        guard state.withLock({ $0.volumes.removeValue(forKey: name) }) != nil else { return }
        if state.withLock({ $0.mounts.removeValue(forKey: name) }) != nil {
            _ = umount2(dataPath(name), Int32(MNT_DETACH))
        }
        let graveyard = root + "/.removing-" + name
        if rename(dir(name), graveyard) != 0 && errno != ENOENT {
            throw WharfError.internalError(errnoMessage("rename", dir(name), errno))
        }
        try? FS.removeAll(graveyard)
        events.publish(type: "volume", action: "destroy", id: name, attributes: ["driver": "local"])
    }

    /// `POST /volumes/prune`: unused anonymous volumes, or every unused one with `all=true`.
    public func prune(filters: Filters) async throws -> VolumePruneResponse {
        try await blocking { try self.pruneNow(filters: filters) }
    }

    func pruneNow(filters: Filters) throws -> VolumePruneResponse {
        try filters.validate(allowed: ["label", "label!", "all"])
        let all = filters["all"].contains { ["1", "true"].contains($0.lowercased()) }
        let candidates = state.withLock { Array($0.volumes.values) }
        let used = users.withLock { $0 }
        var deleted: [String] = []
        var reclaimed: Int64 = 0
        for r in candidates.sorted(by: { $0.name < $1.name }) {
            if !all && r.labels?[Self.anonymousLabel] == nil { continue }
            if !LabelFilter.matches(r.labels ?? [:], include: filters["label"], exclude: filters["label!"]) { continue }
            guard used(r.name).isEmpty else { continue }
            let size = r.options == nil ? DiskUsage.bytes(dataPath(r.name)) : 0
            do {
                try delete(r.name)
                deleted.append(r.name)
                reclaimed += size
            } catch {}
        }
        return VolumePruneResponse(VolumesDeleted: deleted.isEmpty ? nil : deleted, SpaceReclaimed: reclaimed)
    }

    /// Volumes with their size and how many containers use them (`system df`).
    public func usage() -> [Volume] {
        let all = state.withLock { Array($0.volumes.values) }
        let used = users.withLock { $0 }
        return all.sorted { $0.name < $1.name }.map { r in
            var v = volume(r)
            v.UsageData = VolumeUsage(Size: r.options == nil ? DiskUsage.bytes(dataPath(r.name)) : -1,
                                      RefCount: Int64(used(r.name).count))
            return v
        }
    }
}
