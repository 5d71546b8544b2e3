import WharfClient

/// `--filter key=value` flags → the `filters` query value (`{"key":{"value":true}}`, keys sorted).
enum FilterFlags {
    static func encode(_ flags: [String]) throws -> String? {
        guard !flags.isEmpty else { return nil }
        var map: [String: [String]] = [:]
        for f in flags {
            let parts = f.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2 else { throw CLIError.message("bad format of filter (expected name=value)") }
            let key = parts[0].trimming(" ").lowercased()
            let value = parts[1].trimming(" ")
            if !(map[key]?.contains(value) ?? false) { map[key, default: []].append(value) }
        }
        return encode(map)
    }

    static func encode(_ map: [String: [String]]) -> String {
        JSON.object(map.keys.sorted().map { k in
            JSON.Member(k, .object(map[k]!.sorted().map { JSON.Member($0, .bool(true)) }))
        }).compact
    }
}
