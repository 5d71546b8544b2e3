import Runtime
import WharfAPI
import WharfCore

extension ContainerService {
    /// runc for the daemon's own calls (pause, resume, ps), with wharf's runc root.
    func runc(for c: Container) -> Runc {
        let path = c.hostConfig.Runtime.flatMap { config.runtimes[$0] } ?? config.runtimes[config.runtime] ?? config.runtime
        return Runc(path: path, root: config.runtimeRoot)
    }

    public func pause(_ ref: String) async throws {
        let c = try lookup(ref)
        try c.live.withLock { l in
            guard l.state.status == .running else { throw WharfError.conflict("Container \(c.id) is not running") }
            if l.state.paused == true { throw WharfError.conflict("Container \(c.id) is already paused") }
        }
        let r = runc(for: c)
        try await blocking { try r.pause(id: c.id) }
        c.live.withLock { $0.state.paused = true }
        c.persistInBackground()
        emit(c, "pause")
    }

    public func unpause(_ ref: String) async throws {
        let c = try lookup(ref)
        try c.live.withLock { l in
            guard l.state.status == .running, l.state.paused == true else {
                throw WharfError.conflict("Container \(c.id) is not paused")
            }
        }
        try await thaw(c)
    }

    /// Resumes a frozen container (a signal to it is only delivered once it is thawed).
    func thaw(_ c: Container) async throws {
        guard c.isPaused else { return }
        let r = runc(for: c)
        try await blocking { try r.resume(id: c.id) }
        c.live.withLock { $0.state.paused = false }
        c.persistInBackground()
        emit(c, "unpause")
    }

    public func rename(_ ref: String, to newName: String) async throws {
        let c = try lookup(ref)
        let name = try ContainerNames.validate(newName)
        try index.withLock { idx in
            if let other = idx.names[name] {
                if other == c.id { return }
                throw WharfError.conflict("Error when allocating new name: Conflict. The container name \"/\(name)\" is already in use by container \"\(other)\". You have to remove (or rename) that container to be able to reuse that name.")
            }
            let old = c.name
            idx.names[old] = nil
            idx.names[name] = c.id
            c.live.withLock { $0.name = name }
        }
        let oldName = c.record.name
        var record = c.record
        record.name = name
        defer { emit(c, "rename", ["oldName": "/" + oldName]) }
        let updated = record
        try await blocking { try AtomicFile.write(APIJSON.encode(updated), to: c.dir + "/config.json", mode: 0o600) }
    }

    /// `docker top`: the container's processes as the host's `ps` shows them, limited to the
    /// pids runc lists for the container (what moby does).
    public func top(_ ref: String, psArgs: String?) async throws -> ContainerTopResponse {
        let c = try lookup(ref)
        guard c.isRunning else { throw WharfError.conflict("Container \(c.id) is not running") }
        let args = (psArgs ?? "").isEmpty ? ["-ef"] : (psArgs ?? "").split(separator: " ").map(String.init)
        let r = runc(for: c)
        let (pids, output) = try await blocking { () -> ([Int32], String) in
            let pids = try r.ps(id: c.id)
            let out = try Spawn.run("ps", ["ps"] + args)
            guard out.exitCode == 0 else {
                throw WharfError.internalError("Error running ps: exit status \(out.exitCode): \(out.stderrText)")
            }
            return (pids, String(decoding: out.stdout, as: UTF8.self))
        }
        return try ContainerTopResponse.parse(psOutput: output, pids: Set(pids))
    }

    /// `docker container prune`: every container that is not running, filtered by
    /// `until` and `label`.
    public func prune(filters: Filters) async throws -> ContainerPruneResponse {
        try filters.validate(allowed: ["until", "label", "label!"])
        let until = try LabelFilter.until(filters)
        var deleted: [String] = []
        var reclaimed: Int64 = 0
        for c in all where !c.isRunning && !c.live.withLock({ $0.starting || $0.removing }) {
            if let until, !(c.record.created < until) { continue }
            let labels = c.record.config.Labels ?? [:]
            if !LabelFilter.matches(labels, include: filters["label"], exclude: filters["label!"]) { continue }
            let size = await (try? blocking { DiskUsage.bytes(c.dir + "/rw/upper") }) ?? 0
            do {
                try await remove(c.id, force: false, removeVolumes: false)
                deleted.append(c.id)
                reclaimed += size
            } catch {
                logger.warning("prune: \(c.id): \(WharfError.from(error).message)")
            }
        }
        return ContainerPruneResponse(ContainersDeleted: deleted.isEmpty ? nil : deleted, SpaceReclaimed: reclaimed)
    }
}

/// `label=k`, `label=k=v`, and their `label!=` negations.
enum LabelFilter {
    /// A prune's `until` filter: a timestamp or a duration ago ("24h"), as Docker takes it.
    static func until(_ filters: Filters) throws -> Timestamp? {
        guard let u = filters["until"].first else { return nil }
        guard let t = Timestamp(dockerQuery: u) ?? HumanTime.parseAgo(u) else {
            throw WharfError.invalid("invalid filter 'until=\(u)'")
        }
        return t
    }

    static func matches(_ labels: [String: String], include: [String], exclude: [String]) -> Bool {
        func has(_ spec: String) -> Bool {
            let kv = spec.split(separator: "=", maxSplits: 1).map(String.init)
            return kv.count == 2 ? labels[kv[0]] == kv[1] : labels[kv[0]] != nil
        }
        return include.allSatisfy(has) && !exclude.contains(where: has)
    }
}
