/// A JSON value that keeps object members in their order and numbers as written, so
/// what the daemon sent can be shown again as it was (inspect, `{{json .}}`, templates).
public enum JSON: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number's text, exactly as it appeared ("1984172", "-1", "0.5").
    case number(String)
    case string(String)
    case array([JSON])
    case object([Member])

    public struct Member: Sendable, Equatable {
        public var key: String
        public var value: JSON
        public init(_ key: String, _ value: JSON) {
            self.key = key
            self.value = value
        }
    }

    public static func int(_ v: some BinaryInteger) -> JSON { .number(String(v)) }

    public static func strings(_ list: [String]?) -> JSON {
        guard let list else { return .null }
        return .array(list.map { .string($0) })
    }

    public static func stringMap(_ map: [String: String]?) -> JSON {
        guard let map else { return .null }
        return .object(map.keys.sorted().map { Member($0, .string(map[$0]!)) })
    }

    /// Builds an object from key/value pairs, in this order.
    public static func obj(_ pairs: KeyValuePairs<String, JSON>) -> JSON {
        .object(pairs.map { Member($0.key, $0.value) })
    }

    // MARK: access

    public subscript(key: String) -> JSON? {
        guard case .object(let members) = self else { return nil }
        // Go's decoder matches keys case-insensitively when no exact match exists.
        if let m = members.first(where: { $0.key == key }) { return m.value }
        let lower = key.lowercased()
        return members.first(where: { $0.key.lowercased() == lower })?.value
    }

    public subscript(index: Int) -> JSON? {
        guard case .array(let items) = self, index >= 0, index < items.count else { return nil }
        return items[index]
    }

    public var string: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    public var int: Int? {
        switch self {
        case .number(let n):
            if let i = Int(n) { return i }
            if let d = Double(n) { return Int(d) }
            return nil
        default: return nil
        }
    }

    public var int64: Int64? {
        if case .number(let n) = self { return Int64(n) ?? Double(n).map { Int64($0) } }
        return nil
    }

    public var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    public var array: [JSON]? {
        if case .array(let a) = self { return a }
        return nil
    }

    public var members: [Member]? {
        if case .object(let m) = self { return m }
        return nil
    }

    public var isNull: Bool { self == .null }

    /// A list of strings (`null` → []).
    public var stringList: [String] { array?.compactMap(\.string) ?? [] }

    /// A map of strings (`null` → [:]).
    public var stringDict: [String: String] {
        var d: [String: String] = [:]
        for m in members ?? [] { if let s = m.value.string { d[m.key] = s } }
        return d
    }
}
