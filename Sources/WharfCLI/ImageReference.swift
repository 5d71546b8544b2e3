/// Docker's reference normalisation, enough for pull, tag and messages:
/// `busybox` → `docker.io/library/busybox`, tag `latest` by default.
struct ImageReference: Equatable {
    /// The repository as docker's distribution library normalises it.
    var repository: String
    var tag: String?
    var digest: String?

    init(_ s: String) {
        var rest = Substring(s)
        if let at = rest.firstIndex(of: "@") {
            digest = String(rest[rest.index(after: at)...])
            rest = rest[..<at]
        }
        let lastSlash = rest.lastIndex(of: "/")
        if let colon = rest.lastIndex(of: ":"), lastSlash.map({ colon > $0 }) ?? true {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
        }
        var repo = String(rest)
        let first = repo.split(separator: "/", maxSplits: 1).first.map(String.init) ?? repo
        let hasDomain = repo.contains("/") && (first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first)
        if !hasDomain {
            if !repo.contains("/") { repo = "library/" + repo }
            repo = "docker.io/" + repo
        }
        repository = repo
    }

    /// The short form docker prints: `busybox`, `user/x`, `localhost:5000/x`.
    var familiarName: String {
        var r = repository
        if r.hasPrefix("docker.io/") { r.removeFirst("docker.io/".count) }
        if r.hasPrefix("library/") && r.split(separator: "/").count == 2 { r.removeFirst("library/".count) }
        return r
    }

    /// `busybox:latest` (the tag added when there is neither tag nor digest).
    var familiarWithDefaultTag: String {
        if let d = digest { return familiarName + (tag.map { ":" + $0 } ?? "") + "@" + d }
        return familiarName + ":" + (tag ?? "latest")
    }
}
