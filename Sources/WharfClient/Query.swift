/// URL query strings as Go's `url.Values.Encode()` writes them: keys sorted, values kept
/// in insertion order per key, `+` for space, `%XX` for the rest.
public struct Query: Sendable, Equatable, ExpressibleByDictionaryLiteral {
    public var items: [(String, String)] = []

    public init() {}

    public init(dictionaryLiteral elements: (String, String)...) {
        items = elements
    }

    public mutating func add(_ key: String, _ value: String) { items.append((key, value)) }

    /// `key=1` when `flag` is set.
    public mutating func flag(_ key: String, _ flag: Bool) {
        if flag { items.append((key, "1")) }
    }

    public var isEmpty: Bool { items.isEmpty }

    public var encoded: String {
        let order = items.indices.sorted { (items[$0].0, $0) < (items[$1].0, $1) }
        return order.map { Query.escape(items[$0].0) + "=" + Query.escape(items[$0].1) }.joined(separator: "&")
    }

    public static func == (a: Query, b: Query) -> Bool { a.encoded == b.encoded }

    /// Go's `url.QueryEscape`.
    public static func escape(_ s: String) -> String {
        var out: [UInt8] = []
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"),
                 UInt8(ascii: "."), UInt8(ascii: "~"):
                out.append(b)
            case UInt8(ascii: " "):
                out.append(UInt8(ascii: "+"))
            default:
                out.append(contentsOf: percent(b))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Escapes one path segment as Go's `url.URL.EscapedPath` would (names, image references).
    public static func escapePath(_ s: String) -> String {
        var out: [UInt8] = []
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"):
                out.append(b)
            default:
                if "-_.~/:@!$&'()*+,;=".utf8.contains(b) { out.append(b) } else { out.append(contentsOf: percent(b)) }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func percent(_ b: UInt8) -> [UInt8] {
        let hex = Array("0123456789ABCDEF".utf8)
        return [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 15)]]
    }
}
