import WharfAPI
import WharfCore

extension ContainerService {
    public func list(_ o: ListContainersOptions) async throws -> [ContainerSummary] {
        try o.filters.validate(allowed: ["id", "name", "label", "status", "ancestor", "exited", "before", "since",
                                         "health", "isolation", "network", "publish", "expose", "volume", "is-task"])
        for s in o.filters["status"] where !["created", "restarting", "running", "removing", "paused", "exited", "dead"].contains(s) {
            throw WharfError.invalid("invalid filter 'status=\(s)'")
        }
        var exitedCodes: [Int32] = []
        for e in o.filters["exited"] {
            guard let n = Int32(e) else { throw WharfError.invalid("invalid filter 'exited=\(e)'") }
            exitedCodes.append(n)
        }
        // Ancestors: every image the filter names, by reference or ID.
        var ancestorIDs: Set<String> = []
        for a in o.filters["ancestor"] {
            if let img = try? await blocking({ [images] in try images.resolve(a) }) { ancestorIDs.insert(img.id.string) }
        }
        let all = o.all || !o.filters["status"].isEmpty || !o.filters["exited"].isEmpty || (o.limit ?? 0) > 0
        var rows: [(Container, ContainerStateRecord, Bool, Bool)] = self.all.map { c in
            let (s, removing, restarting) = c.live.withLock { ($0.state, $0.removing, $0.restarting) }
            return (c, s, removing, restarting)
        }
        rows.sort { $0.0.record.created > $1.0.record.created }
        let now = Timestamp.now()
        var out: [ContainerSummary] = []
        for (c, s, removing, restarting) in rows {
            let status = statusString(s, removing: removing, starting: false, restarting: restarting)
            if !all && s.status != .running { continue }
            if !matches(c, s, status: status, o.filters, exitedCodes: exitedCodes, ancestorIDs: ancestorIDs) { continue }
            let command = ([c.record.path] + c.record.args).joined(separator: " ")
            var row = ContainerSummary(
                Id: c.id, Names: ["/" + c.name], Image: c.record.imageName, ImageID: c.record.imageID,
                Command: command, Created: c.record.created.seconds, Labels: c.record.config.Labels ?? [:],
                State: status, Status: restarting
                    ? "Restarting (\(s.exitCode)) \(HumanTime.since(s.finishedAt, now: now)) ago"
                    : humanStatus(s, removing: removing, now: now),
                NetworkMode: c.hostConfig.NetworkMode ?? "default")
            let mode = c.hostConfig.NetworkMode ?? "default"
            row.NetworkSettings = .init(Networks: [(mode == "default" ? "bridge" : mode): EndpointSettings()])
            row.Mounts = mountPoints(c)
            if o.size {
                let rw = await (try? blocking { DiskUsage.bytes(c.dir + "/rw/upper") }) ?? 0
                row.SizeRw = rw
                row.SizeRootFs = rw
            }
            out.append(row)
            if let l = o.limit, l > 0, out.count >= l { break }
        }
        return out
    }

    private func matches(_ c: Container, _ s: ContainerStateRecord, status: String, _ f: Filters,
                         exitedCodes: [Int32], ancestorIDs: Set<String>) -> Bool {
        if !f["id"].isEmpty && !f["id"].contains(where: { c.id.hasPrefix($0) }) { return false }
        if !f["name"].isEmpty && !f["name"].contains(where: { Self.nameMatches(pattern: $0, name: c.name) }) {
            return false
        }
        if !f["status"].isEmpty && !f["status"].contains(status) { return false }
        if !exitedCodes.isEmpty && !(s.status == .exited && exitedCodes.contains(s.exitCode)) { return false }
        if !LabelFilter.matches(c.record.config.Labels ?? [:], include: f["label"], exclude: []) { return false }
        if !f["ancestor"].isEmpty && !ancestorIDs.contains(c.record.imageID) { return false }
        if !f["volume"].isEmpty {
            // A volume name or a mount destination, as Docker's `volume=` filter takes either.
            let mounts = c.record.mounts ?? []
            guard f["volume"].contains(where: { v in mounts.contains { $0.name == v || $0.destination == v } }) else { return false }
        }
        if !f["health"].isEmpty {
            let h = s.status == .running ? (s.health?.Status ?? "none") : "none"
            if !f["health"].contains(h) { return false }
        }
        return true
    }

    /// Docker matches `name` filters as regular expressions against "/name" (so `^/web$`
    /// is exact and `web` is a substring); a pattern that is not a valid expression is
    /// taken literally.
    static func nameMatches(pattern: String, name: String) -> Bool {
        let full = "/" + name
        if let re = try? Regex(pattern) {
            return full.contains(re)
        }
        return full.contains(pattern)
    }

    /// `docker ps` STATUS: "Up 5 seconds", "Exited (0) 3 minutes ago", "Created".
    func humanStatus(_ s: ContainerStateRecord, removing: Bool, now: Timestamp) -> String {
        if removing { return "Removal In Progress" }
        switch s.status {
        case .created: return "Created"
        case .running:
            var health = ""
            switch s.health?.Status {
            case "starting": health = " (health: starting)"
            case "healthy": health = " (healthy)"
            case "unhealthy": health = " (unhealthy)"
            default: break
            }
            return "Up " + HumanTime.since(s.startedAt, now: now) + (s.paused == true ? " (Paused)" : health)
        case .exited:
            if s.finishedAt.isZero { return "Created" }
            return "Exited (\(s.exitCode)) \(HumanTime.since(s.finishedAt, now: now)) ago"
        case .dead: return "Dead"
        }
    }
}
