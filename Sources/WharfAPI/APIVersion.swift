/// Engine API versions ("1.41"). Compared numerically, as moby's `versions.LessThan` does.
public struct APIVersion: Sendable, Comparable, Hashable, CustomStringConvertible {
    public var major: Int
    public var minor: Int

    public init(_ major: Int, _ minor: Int) {
        self.major = major
        self.minor = minor
    }

    public init?(_ string: some StringProtocol) {
        let parts = string.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]), a >= 0, b >= 0 else { return nil }
        self.init(a, b)
    }

    public static let minimum = APIVersion(1, 24)
    public static let current = APIVersion(1, 50)

    public var description: String { "\(major).\(minor)" }

    public static func < (a: APIVersion, b: APIVersion) -> Bool {
        (a.major, a.minor) < (b.major, b.minor)
    }
}

/// The identity the daemon reports in `/_ping`, `/version` and the `Server` header.
public enum WharfVersion {
    public static let version = "0.1.0"
    public static let gitCommit = "wharf"
    public static let serverHeader = "Docker/\(version) (linux)"
}
