import WharfCore

/// A content digest, `algorithm:encoded`, as the OCI image spec defines it. Only sha256 is
/// produced here; sha512 is accepted when parsing because registries may send it.
public struct Digest: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let algorithm: String
    public let encoded: String

    /// Skips validation: for values this module computed itself.
    init(uncheckedAlgorithm algorithm: String, encoded: String) {
        self.algorithm = algorithm
        self.encoded = encoded
    }

    public init(parsing string: String) throws {
        guard let colon = string.firstIndex(of: ":") else {
            throw WharfError.invalid("invalid digest format: \(string)")
        }
        try self.init(algorithm: String(string[..<colon]), encoded: String(string[string.index(after: colon)...]))
    }

    public init(algorithm: String, encoded: String) throws {
        let expected: Int
        switch algorithm {
        case "sha256": expected = 64
        case "sha512": expected = 128
        default: throw WharfError.invalid("unsupported digest algorithm: \(algorithm)")
        }
        guard encoded.utf8.count == expected, isLowerHex(encoded) else {
            throw WharfError.invalid("invalid checksum digest format: \(algorithm):\(encoded)")
        }
        self.algorithm = algorithm
        self.encoded = encoded
    }

    public var string: String { "\(algorithm):\(encoded)" }
    public var description: String { string }

    /// The 12-character short form Docker prints (`docker images`, error messages).
    public var shortID: String { String(encoded.prefix(12)) }

    public static func sha256(_ bytes: some Collection<UInt8>) -> Digest {
        var hasher = SHA256Hasher()
        hasher.update(bytes)
        return hasher.finalizeDigest()
    }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.string < rhs.string }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let s = try container.decode(String.self)
        do {
            try self.init(parsing: s)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid digest \(s)")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}

/// True when every character is 0-9 or a-f (and there is at least one).
public func isLowerHex(_ s: some StringProtocol) -> Bool {
    !s.isEmpty && s.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
}

/// Whether `s` could be (a prefix of) an image ID as users type it: 1 to 64 lowercase hex
/// characters, optionally after `sha256:`.
public func looksLikeImageIDPrefix(_ s: String) -> Bool {
    var body = Substring(s)
    if body.hasPrefix("sha256:") { body = body.dropFirst(7) }
    return body.utf8.count <= 64 && isLowerHex(body)
}
