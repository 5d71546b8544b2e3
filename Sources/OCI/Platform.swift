import WharfCore

/// An OS/architecture pair as image indexes and configs name it (GOOS/GOARCH spelling).
public struct Platform: Hashable, Sendable, Codable, CustomStringConvertible {
    public var os: String
    public var architecture: String
    public var variant: String?
    public var osVersion: String?
    public var osFeatures: [String]?

    enum CodingKeys: String, CodingKey {
        case os, architecture, variant
        case osVersion = "os.version"
        case osFeatures = "os.features"
    }

    public init(os: String, architecture: String, variant: String? = nil) {
        self.os = os
        self.architecture = architecture
        self.variant = variant
    }

    /// The host's platform, fixed at compile time.
    public static let current: Platform = {
        #if arch(x86_64)
        return Platform(os: "linux", architecture: "amd64")
        #elseif arch(arm64)
        return Platform(os: "linux", architecture: "arm64", variant: "v8")
        #elseif arch(arm)
        return Platform(os: "linux", architecture: "arm", variant: "v7")
        #elseif arch(i386)
        return Platform(os: "linux", architecture: "386")
        #elseif arch(s390x)
        return Platform(os: "linux", architecture: "s390x")
        #elseif arch(powerpc64le)
        return Platform(os: "linux", architecture: "ppc64le")
        #else
        return Platform(os: "linux", architecture: "unknown")
        #endif
    }()

    /// "linux/arm64/v8" form, as `--platform` takes it.
    public var description: String {
        [os, architecture, variant].compactMap { $0 }.joined(separator: "/")
    }

    /// Parses `os[/arch[/variant]]`; a missing architecture means the host's.
    public init(parsing s: String) throws {
        let parts = s.lowercased().split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count), !parts.contains(where: \.isEmpty) else {
            throw WharfError.invalid("\"\(s)\": unknown operating system or architecture: invalid argument")
        }
        os = parts[0]
        architecture = parts.count > 1 ? Self.normalizeArch(parts[1]) : Platform.current.architecture
        variant = parts.count > 2 ? parts[2] : nil
    }

    static func normalizeArch(_ a: String) -> String {
        switch a {
        case "x86_64", "x86-64": return "amd64"
        case "aarch64": return "arm64"
        case "i386": return "386"
        default: return a
        }
    }

    /// Whether an image built for `self` runs on `host`: same OS and architecture; a
    /// variant only matters when both name one (arm64's "v8" is the default).
    public func matches(_ host: Platform) -> Bool {
        guard os == host.os, architecture == host.architecture else { return false }
        guard let v = variant, let hv = host.variant else { return true }
        return v == hv
    }
}
