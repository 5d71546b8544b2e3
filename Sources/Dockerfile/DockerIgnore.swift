/// `.dockerignore` with Docker's rules (moby/patternmatcher and its ignorefile reader).
/// A path is excluded when the last pattern that matches it, or one of its parent
/// directories, is not an exception ("!pattern"); so excluding a directory excludes all
/// of it unless a later exception re-includes something.
public struct DockerIgnore: Sendable {
    /// The patterns as the matcher uses them, exceptions still marked "!".
    public let patterns: [String]
    private let compiled: [IgnorePattern]

    /// Patterns as a build client passes them (each trimmed and cleaned; a leading "/"
    /// is dropped as the file reader does).
    public init(patterns: [String]) {
        let normalized = patterns.compactMap(Self.normalize)
        self.patterns = normalized
        compiled = normalized.compactMap { IgnorePattern($0) }
    }

    /// Reads a .dockerignore file: one pattern a line, lines starting with "#" are
    /// comments (only in the first column, as in Docker), blank lines are skipped.
    public static func parse(_ text: String) -> DockerIgnore {
        var lines = NodeReader.physicalLines(text).map(NodeReader.trimNewline)
        lines.removeAll { $0.unicodeScalars.first == "#" }
        return DockerIgnore(patterns: lines)
    }

    /// The ignorefile reader's clean-up of one line; nil when nothing is left.
    private static func normalize(_ line: String) -> String? {
        var p = trimGoSpace(line)
        if p.isEmpty { return nil }
        let invert = p.unicodeScalars.first == "!"
        if invert { p = trimGoSpace(String(scalars: p.unicodeScalars.dropFirst())) }
        if !p.isEmpty {
            p = cleanPath(p)
            if p.unicodeScalars.count > 1 && p.unicodeScalars.first == "/" {
                p = String(scalars: p.unicodeScalars.dropFirst())
            }
        }
        return invert ? "!" + p : p
    }

    /// Whether `path` (relative to the context root, "/"-separated) is left out of the
    /// build context. The root itself never is.
    public func excludes(_ path: String) -> Bool {
        var file = cleanPath(path)
        if file.unicodeScalars.first == "/" { file = String(scalars: file.unicodeScalars.dropFirst()) }
        if file == "." || file.isEmpty { return false }
        let parts = file.unicodeScalars.split(separator: "/").map { String(scalars: $0) }
        var parents: [String] = []
        var prefix = ""
        for part in parts.dropLast() {
            prefix = prefix.isEmpty ? part : prefix + "/" + part
            parents.append(prefix)
        }
        var matched = false
        for pattern in compiled {
            // An exclusion pattern only matters once something matched, and the other
            // way round: patterns later in the file win.
            if pattern.exclusion != matched { continue }
            let hit = pattern.matches(file) || parents.contains { pattern.matches($0) }
            if hit { matched = !pattern.exclusion }
        }
        return matched
    }

    /// Whether an exception could re-include something under `dir`, so that a walker
    /// must still descend into an excluded directory. May answer true needlessly,
    /// never false wrongly.
    public func mayIncludeUnder(_ dir: String) -> Bool {
        let d = cleanPath(dir)
        let parts = d == "." ? [] : d.unicodeScalars.split(separator: "/").map { String(scalars: $0) }
        return compiled.contains { $0.exclusion && $0.couldMatchWithin(parts) }
    }
}
