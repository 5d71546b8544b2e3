/// Go's path.Clean for "/"-separated paths: the shortest equivalent path, "." for empty.
func cleanPath(_ path: String) -> String {
    let r = Array(path.unicodeScalars)
    if r.isEmpty { return "." }
    let rooted = r[0] == "/"
    var out: [String] = []
    for part in r.split(separator: "/", omittingEmptySubsequences: true).map({ String(scalars: $0) }) {
        if part == "." { continue }
        if part == ".." {
            if let last = out.last, last != ".." {
                out.removeLast()
            } else if !rooted {
                out.append(part)
            }
            continue
        }
        out.append(part)
    }
    let joined = out.joined(separator: "/")
    if rooted { return "/" + joined }
    return joined.isEmpty ? "." : joined
}
