#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The encoder and decoder every Wharf component uses for API JSON, so output matches Go's
/// `json.Encoder` closely: compact, no escaped slashes, a trailing newline added by callers.
public enum APIJSON {
    public static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.withoutEscapingSlashes, .sortedKeys]
        return Array(try e.encode(value))
    }

    /// `encode` plus the `\n` Go's encoder appends.
    public static func line<T: Encodable>(_ value: T) -> [UInt8] {
        var b = (try? encode(value)) ?? Array("{}".utf8)
        b.append(10)
        return b
    }

    public static func decode<T: Decodable>(_ type: T.Type, from bytes: some Collection<UInt8>) throws -> T {
        try JSONDecoder().decode(type, from: Data(bytes))
    }
}
