/// Where the daemon listens: `unix:///run/wharf/wharf.sock` or `tcp://host:port`.
public enum DockerHost: Sendable, Equatable, CustomStringConvertible {
    case unix(String)
    case tcp(host: String, port: Int)

    public static let defaultSocket = "unix:///run/wharf/wharf.sock"

    /// Parses `unix:///path`, `/path`, `tcp://host:port`, `host:port`.
    public init(parsing s: String) throws {
        if s.hasPrefix("unix://") {
            let p = String(s.dropFirst(7))
            guard !p.isEmpty else { throw ClientError.invalidHost(s) }
            self = .unix(p)
        } else if s.hasPrefix("/") {
            self = .unix(s)
        } else {
            var rest = Substring(s)
            if s.hasPrefix("tcp://") { rest = rest.dropFirst(6) }
            else if s.hasPrefix("http://") { rest = rest.dropFirst(7) }
            else if s.contains("://") { throw ClientError.invalidHost(s) }
            if let slash = rest.firstIndex(of: "/") { rest = rest[..<slash] }
            var host = rest
            var port = 2375
            if let colon = rest.lastIndex(of: ":"), !rest.hasSuffix("]") {
                host = rest[..<colon]
                guard let p = Int(rest[rest.index(after: colon)...]) else { throw ClientError.invalidHost(s) }
                port = p
            }
            if host.hasPrefix("["), host.hasSuffix("]") { host = host.dropFirst().dropLast() }
            self = .tcp(host: host.isEmpty ? "127.0.0.1" : String(host), port: port)
        }
    }

    /// `-H` flag, else `WHARF_HOST`, else `DOCKER_HOST`, else the default socket.
    public static func resolve(flag: String?, environment: [String: String]) throws -> DockerHost {
        for candidate in [flag, environment["WHARF_HOST"], environment["DOCKER_HOST"]] {
            if let c = candidate, !c.isEmpty { return try DockerHost(parsing: c) }
        }
        return try DockerHost(parsing: defaultSocket)
    }

    public var description: String {
        switch self {
        case .unix(let p): return "unix://" + p
        case .tcp(let h, let p): return "tcp://\(h.contains(":") ? "[\(h)]" : h):\(p)"
        }
    }
}
