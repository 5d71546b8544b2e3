import WharfAPI
import WharfCore

/// json-file's `--log-opt`s. Rotation is on by default (20 MB × 5 files), unlike Docker's
/// unlimited default, so a chatty container cannot fill the disk.
struct LogOptions: Equatable {
    var maxSize: Int64
    var maxFile: Int

    static let defaultMaxSize: Int64 = 20_000_000
    static let defaultMaxFile = 5

    init(_ config: LogConfig?) throws {
        let opts = config?.Config ?? [:]
        for key in opts.keys where !["max-size", "max-file", "compress", "labels", "labels-regex", "env", "env-regex", "tag", "mode", "max-buffer-size"].contains(key) {
            throw WharfError.invalid("unknown log opt '\(key)' for json-file log driver")
        }
        if let s = opts["max-size"] {
            if s == "-1" {
                maxSize = -1
            } else {
                guard let v = LogOptions.parseSize(s), v > 0 else {
                    throw WharfError.invalid("invalid value for max-size: \(s)")
                }
                maxSize = v
            }
        } else {
            maxSize = opts["max-file"] == nil ? LogOptions.defaultMaxSize : -1
        }
        if let f = opts["max-file"] {
            guard let n = Int(f), n >= 1 else { throw WharfError.invalid("max-file cannot be less than 1") }
            if n > 1 && maxSize <= 0 { throw WharfError.invalid("max-file cannot be set without max-size") }
            maxFile = n
        } else {
            maxFile = opts["max-size"] == nil ? LogOptions.defaultMaxFile : 1
        }
    }

    /// go-units FromHumanSize: decimal units, "10m" = 10,000,000 bytes.
    static func parseSize(_ s: String) -> Int64? {
        let lower = s.lowercased().trimmingSuffix("b")
        let units: [(String, Double)] = [("k", 1e3), ("m", 1e6), ("g", 1e9), ("t", 1e12), ("p", 1e15)]
        for (u, m) in units where lower.hasSuffix(u) {
            guard let v = Double(lower.dropLast()) else { return nil }
            return Int64(v * m)
        }
        return Double(lower).map { Int64($0) }
    }

    /// The files of a rotated log, oldest first, ending with the live one.
    static func files(_ path: String, maxFile: Int) -> [String] {
        var out: [String] = []
        var n = max(1, maxFile) - 1
        while n >= 1 {
            if FS.exists(path + ".\(n)") { out.append(path + ".\(n)") }
            n -= 1
        }
        return out + [path]
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        hasSuffix(suffix) ? String(dropLast(suffix.count)) : self
    }
}
