import NIOCore
import NIOHTTP1
import WharfAPI
import WharfCore

/// A parsed request as handlers see it: no NIO types beyond this file and the transport.
public struct APIRequest: Sendable {
    public var method: String
    /// The path without the `/vX.Y` prefix, percent-decoded per segment by the router.
    public var path: String
    public var version: APIVersion
    public var query: Query
    public var headers: [(String, String)]
    public var body: RequestBody

    public func header(_ name: String) -> String? {
        headers.first { $0.0.lowercased() == name.lowercased() }?.1
    }

    /// True when the client asked for a hijacked stream (`Connection: Upgrade`, `Upgrade: tcp`).
    public var wantsUpgrade: Bool {
        (header("Upgrade")?.lowercased() == "tcp") && (header("Connection")?.lowercased().contains("upgrade") ?? false)
    }
}

public enum RequestBody: Sendable {
    case bytes([UInt8])
    /// Spooled to a temporary file because it was large; the server removes it afterwards.
    case file(String)

    public var bytes: [UInt8] {
        switch self {
        case .bytes(let b): return b
        case .file(let p): return (try? FS.readFile(p)) ?? []
        }
    }

    public var isEmpty: Bool {
        if case .bytes(let b) = self { return b.isEmpty }
        return false
    }
}

/// The query string, decoded as Go's `url.ParseQuery`: `+` is a space, keys repeat.
public struct Query: Sendable {
    public var items: [(String, String)]

    public init(_ raw: Substring?) {
        items = []
        guard let raw, !raw.isEmpty else { return }
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let k = Query.decode(kv[0])
            let v = kv.count > 1 ? Query.decode(kv[1]) : ""
            items.append((k, v))
        }
    }

    public subscript(_ key: String) -> String? { items.first { $0.0 == key }?.1 }

    public func all(_ key: String) -> [String] { items.filter { $0.0 == key }.map { $0.1 } }

    /// moby's `httputils.BoolValue`: anything but "", "0", "no", "false", "none" is true.
    public func bool(_ key: String) -> Bool {
        guard let v = self[key] else { return false }
        return Query.isTrue(v)
    }

    public static func isTrue(_ value: String) -> Bool {
        !["", "0", "no", "false", "none"].contains(value.lowercased())
    }

    public func int(_ key: String) throws -> Int? {
        guard let v = self[key], !v.isEmpty else { return nil }
        guard let i = Int(v) else { throw WharfError.invalid("invalid value for \(key): \(v)") }
        return i
    }

    public static func decode(_ s: Substring) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
            } else if c == UInt8(ascii: "%"), it.count >= 2,
                      let h = hexValue(it[it.startIndex]), let l = hexValue(it[it.startIndex + 1]) {
                out.append(h << 4 | l)
                it = it.dropFirst(2)
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-decoding for path segments, where `+` stays a plus.
    public static func decodePath(_ s: Substring) -> String {
        if !s.contains("%") { return String(s) }
        var out: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let c = it.popFirst() {
            if c == UInt8(ascii: "%"), it.count >= 2,
               let h = hexValue(it[it.startIndex]), let l = hexValue(it[it.startIndex + 1]) {
                out.append(h << 4 | l)
                it = it.dropFirst(2)
            } else {
                out.append(c)
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 65...70: return c - 55
        case 97...102: return c - 87
        default: return nil
        }
    }
}
