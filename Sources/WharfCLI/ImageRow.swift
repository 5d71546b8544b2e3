import WharfClient

/// `images` rows as docker's `imageContext` presents them.
enum ImageRow {
    static let headers: [String: String] = [
        "ID": "IMAGE ID", "Repository": "REPOSITORY", "Tag": "TAG", "Digest": "DIGEST",
        "CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "Size": "SIZE", "Containers": "CONTAINERS",
        "VirtualSize": "SIZE", "SharedSize": "SHARED SIZE", "UniqueSize": "UNIQUE SIZE",
    ]

    static func defaultTable(digests: Bool) -> String {
        digests
            ? "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
            : "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}"
    }

    /// One row per repository:tag (and per digest with `--digests`); `<none>` when untagged.
    static func make(_ image: JSON, truncate: Bool, digests: Bool, now: Double) -> [JSON] {
        let tags = (image["RepoTags"]?.stringList ?? []).filter { $0 != "<none>:<none>" }
        let repoDigests = (image["RepoDigests"]?.stringList ?? []).filter { $0 != "<none>@<none>" }
        var pairs: [(repo: String, tag: String, digest: String)] = []
        var digestsByRepo: [String: [String]] = [:]
        var digestRepoOrder: [String] = []
        for d in repoDigests {
            guard let at = d.lastIndex(of: "@") else { continue }
            let repo = String(d[..<at])
            if digestsByRepo[repo] == nil { digestRepoOrder.append(repo) }
            digestsByRepo[repo, default: []].append(String(d[d.index(after: at)...]))
        }
        var seenRepos = Set<String>()
        for t in tags {
            var repo = t
            var tag = "<none>"
            if let colon = t.lastIndex(of: ":"), !t[t.index(after: colon)...].contains("/") {
                repo = String(t[..<colon])
                tag = String(t[t.index(after: colon)...])
            }
            seenRepos.insert(repo)
            let ds = digests ? (digestsByRepo[repo] ?? []) : []
            if ds.isEmpty {
                pairs.append((repo, tag, "<none>"))
            } else {
                for d in ds { pairs.append((repo, tag, d)) }
            }
        }
        for repo in digestRepoOrder where !seenRepos.contains(repo) {
            if digests {
                for d in digestsByRepo[repo]! { pairs.append((repo, "<none>", d)) }
            } else {
                pairs.append((repo, "<none>", ""))
            }
        }
        if pairs.isEmpty { pairs.append(("<none>", "<none>", "<none>")) }
        let id = image["Id"]?.string ?? ""
        let created = image["Created"]?.int64 ?? 0
        let size = image["Size"]?.int64 ?? 0
        let shared = image["SharedSize"]?.int64 ?? -1
        let containers = image["Containers"]?.int ?? -1
        return pairs.map { p in
            .obj([
                "Containers": .string(containers < 0 ? "N/A" : String(containers)),
                "CreatedAt": .string(Clock.goTimeString(created)),
                "CreatedSince": .string(HumanUnits.ago(created, now: now)),
                "Digest": .string(p.digest),
                "ID": .string(truncate ? ListFormat.truncateID(id) : id),
                "Repository": .string(p.repo),
                "SharedSize": .string(shared < 0 ? "N/A" : HumanUnits.size(shared)),
                "Size": .string(HumanUnits.size(Double(size), precision: 3)),
                "Tag": .string(p.tag),
                "UniqueSize": .string(shared < 0 ? "N/A" : HumanUnits.size(size - shared)),
                "VirtualSize": .string(HumanUnits.size(image["VirtualSize"]?.int64 ?? size)),
            ])
        }
    }
}
