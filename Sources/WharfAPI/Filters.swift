import WharfCore
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The `filters` query parameter: JSON `{"name":{"web":true}}` (map of sets), or the legacy
/// `{"name":["web"]}` form older clients send.
public struct Filters: Sendable, Equatable {
    public var values: [String: [String]]

    public init(_ values: [String: [String]] = [:]) { self.values = values }

    public init(query: String?) throws {
        guard let query, !query.isEmpty else { self.values = [:]; return }
        let data = Data(query.utf8)
        if let sets = try? JSONDecoder().decode([String: [String: Bool]].self, from: data) {
            values = sets.mapValues { $0.filter { $0.value }.map { $0.key }.sorted() }
        } else if let lists = try? JSONDecoder().decode([String: [String]].self, from: data) {
            values = lists
        } else {
            throw WharfError.invalid("invalid filter '\(query)'")
        }
    }

    public subscript(_ key: String) -> [String] { values[key] ?? [] }

    /// Rejects keys the endpoint does not know, with Docker's message.
    public func validate(allowed: Set<String>) throws {
        for key in values.keys where !allowed.contains(key) {
            throw WharfError.invalid("invalid filter '\(key)'")
        }
    }

    public func encoded() -> String {
        var obj: [String: [String: Bool]] = [:]
        for (k, vs) in values { obj[k] = Dictionary(uniqueKeysWithValues: vs.map { ($0, true) }) }
        let enc = JSONEncoder()
        enc.outputFormatting = .sortedKeys
        return String(decoding: (try? enc.encode(obj)) ?? Data("{}".utf8), as: UTF8.self)
    }
}
