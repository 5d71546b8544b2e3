import WharfCore

/// An image reference, normalised as Docker does (distribution/reference's
/// ParseNormalizedNamed): `busybox` is `docker.io/library/busybox`, a first component
/// counts as a registry only if it has a `.` or `:` or is `localhost`, and error messages
/// keep Docker's wording because clients print them verbatim.
public struct Reference: Hashable, Sendable, CustomStringConvertible {
    public static let defaultDomain = "docker.io"
    public static let officialRepoPrefix = "library/"
    public static let defaultTag = "latest"

    /// Registry host[:port], e.g. "docker.io", "localhost:5000".
    public let domain: String
    /// Repository path inside the registry, e.g. "library/busybox".
    public let path: String
    public var tag: String?
    public var digest: Digest?

    public init(domain: String, path: String, tag: String? = nil, digest: Digest? = nil) {
        self.domain = domain
        self.path = path
        self.tag = tag
        self.digest = digest
    }

    /// Parses and normalises; adds no default tag (see `withDefaultTag`).
    public init(parsing s: String) throws {
        if s.utf8.count == 64 && isLowerHex(s) {
            throw WharfError.invalid("invalid repository name (\(s)), cannot specify 64-byte hexadecimal strings")
        }
        // Split off "@digest" first: names and tags never contain "@".
        var rest = Substring(s)
        var digest: Digest?
        if let at = rest.firstIndex(of: "@") {
            let d = rest[rest.index(after: at)...]
            rest = rest[..<at]
            guard Self.isValidDigestSyntax(d) else { throw Self.formatError }
            do { digest = try Digest(parsing: String(d)) } catch { throw Self.formatError }
        }
        // A tag is a ":" after the last "/" (a ":" before it belongs to a registry port).
        var tag: String?
        let lastSlash = rest.lastIndex(of: "/")
        let tagSearchStart = lastSlash.map { rest.index(after: $0) } ?? rest.startIndex
        if let colon = rest[tagSearchStart...].firstIndex(of: ":") {
            let t = rest[rest.index(after: colon)...]
            guard Self.isValidTag(t) else { throw Self.formatError }
            tag = String(t)
            rest = rest[..<colon]
        }
        guard !rest.isEmpty else { throw Self.formatError }

        var domain: String
        var remainder: Substring
        if let slash = rest.firstIndex(of: "/") {
            let first = rest[..<slash]
            if first.contains(".") || first.contains(":") || first == "localhost" || first.lowercased() != first {
                domain = String(first)
                remainder = rest[rest.index(after: slash)...]
            } else {
                domain = Self.defaultDomain
                remainder = rest
            }
        } else {
            domain = Self.defaultDomain
            remainder = rest
        }
        if domain == "index.docker.io" { domain = Self.defaultDomain }
        var path = String(remainder)
        if domain == Self.defaultDomain && !path.contains("/") { path = Self.officialRepoPrefix + path }
        if path.lowercased() != path {
            throw WharfError.invalid("invalid reference format: repository name (\(path)) must be lowercase")
        }
        guard Self.isValidDomain(domain),
              !path.isEmpty,
              path.split(separator: "/", omittingEmptySubsequences: false).allSatisfy(Self.isValidPathComponent)
        else { throw Self.formatError }
        if domain.utf8.count + 1 + path.utf8.count > 255 {
            throw WharfError.invalid("invalid reference format: repository name must not be more than 255 characters")
        }
        self.init(domain: domain, path: path, tag: tag, digest: digest)
    }

    static let formatError = WharfError.invalid("invalid reference format")

    /// Adds "latest" when there is neither tag nor digest (Docker's TagNameOnly).
    public func withDefaultTag() -> Reference {
        var r = self
        if r.tag == nil && r.digest == nil { r.tag = Self.defaultTag }
        return r
    }

    /// The reference with only its name (no tag, no digest).
    public var nameOnly: Reference { Reference(domain: domain, path: path) }

    /// "docker.io/library/busybox".
    public var name: String { "\(domain)/\(path)" }

    /// "busybox", "user/app", "localhost:5000/a/b": what `docker images` shows.
    public var familiarName: String {
        guard domain == Self.defaultDomain else { return name }
        if path.hasPrefix(Self.officialRepoPrefix) {
            let short = path.dropFirst(Self.officialRepoPrefix.count)
            if !short.contains("/") { return String(short) }
        }
        return path
    }

    private var suffix: String {
        var s = ""
        if let tag { s += ":" + tag }
        if let digest { s += "@" + digest.string }
        return s
    }

    /// "busybox:latest".
    public var familiarString: String { familiarName + suffix }
    /// "docker.io/library/busybox:latest".
    public var fullString: String { name + suffix }
    public var description: String { fullString }

    // MARK: grammar pieces (distribution/reference/regexp.go)

    private static func isAlnumLower(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7a) || (c >= 0x30 && c <= 0x39) }
    private static func isAlnum(_ c: UInt8) -> Bool { isAlnumLower(c) || (c >= 0x41 && c <= 0x5a) }

    /// alnum+ (separator alnum+)*, separator = "." | "_" | "__" | "-"+
    static func isValidPathComponent(_ s: Substring) -> Bool {
        let b = Array(s.utf8)
        guard let first = b.first, let last = b.last, isAlnumLower(first), isAlnumLower(last) else { return false }
        var i = 0
        while i < b.count {
            if isAlnumLower(b[i]) { i += 1; continue }
            // a separator run: must be ".", "_", "__" or "-"+
            var j = i
            while j < b.count && !isAlnumLower(b[j]) { j += 1 }
            let sep = b[i..<j]
            let ok = sep.elementsEqual([0x2e]) || sep.elementsEqual([0x5f]) || sep.elementsEqual([0x5f, 0x5f])
                || sep.allSatisfy { $0 == 0x2d }
            if !ok { return false }
            i = j
        }
        return true
    }

    /// host[:port], host = dns labels joined by "." or "[ipv6]".
    static func isValidDomain(_ s: String) -> Bool {
        var host = Substring(s)
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return false }
            let inner = host[host.index(after: host.startIndex)..<close]
            guard !inner.isEmpty, inner.utf8.allSatisfy({ isAlnum($0) || $0 == 0x3a || $0 == 0x2e }) else { return false }
            host = host[host.index(after: close)...]
            if host.isEmpty { return true }
            guard host.first == ":" else { return false }
            let port = host.dropFirst()
            return !port.isEmpty && port.utf8.allSatisfy { $0 >= 0x30 && $0 <= 0x39 }
        }
        if let colon = host.firstIndex(of: ":") {
            let port = host[host.index(after: colon)...]
            guard !port.isEmpty, port.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return false }
            host = host[..<colon]
        }
        guard !host.isEmpty else { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            let b = Array(label.utf8)
            guard let f = b.first, let l = b.last, isAlnum(f), isAlnum(l) else { return false }
            return b.allSatisfy { isAlnum($0) || $0 == 0x2d }
        }
    }

    /// [\w][\w.-]{0,127}
    static func isValidTag(_ s: Substring) -> Bool {
        let b = Array(s.utf8)
        guard let f = b.first, b.count <= 128, isAlnum(f) || f == 0x5f else { return false }
        return b.allSatisfy { isAlnum($0) || $0 == 0x5f || $0 == 0x2e || $0 == 0x2d }
    }

    /// algorithm ":" hex{32,}; the algorithm itself is checked by Digest.
    static func isValidDigestSyntax(_ s: Substring) -> Bool {
        guard let colon = s.firstIndex(of: ":") else { return false }
        let alg = s[..<colon], hex = s[s.index(after: colon)...]
        return !alg.isEmpty && hex.utf8.count >= 32
            && hex.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) || ($0 >= 0x41 && $0 <= 0x46) }
    }
}
