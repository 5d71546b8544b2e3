#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `--env-file` and `-e` as docker reads them (opts.ParseEnvFile, opts.ValidateEnv).
public enum EnvParsing {
    /// Lines: leading whitespace trimmed, blank lines and `#` comments skipped; `NAME=value`
    /// kept as is; a bare `NAME` takes the value from the environment, or is dropped if unset.
    public static func parseEnvFile(_ content: String, lookup: (String) -> String? = environment) throws -> [String] {
        var out: [String] = []
        var text = Substring(content)
        if text.hasPrefix("\u{FEFF}") { text = text.dropFirst() }
        // Split on bytes: "\r\n" is one Character to Swift.
        for rawBytes in Array(text.utf8).split(separator: 10, omittingEmptySubsequences: false) {
            var bytes = rawBytes[...]
            if bytes.last == 13 { bytes = bytes.dropLast() }
            let line = Substring(String(decoding: bytes, as: UTF8.self)).drop { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "\u{0B}" || $0 == "\u{0C}" }
            if line.isEmpty || line.hasPrefix("#") { continue }
            let parts = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let name = String(parts[0])
            if name.isEmpty {
                throw CLIError.message("invalid environment variable: \(line)")
            }
            if name.contains(where: { $0 == " " || $0 == "\t" }) {
                throw CLIError.message("variable '\(name)' contains whitespaces")
            }
            if parts.count == 2 {
                out.append(String(line))
            } else if let v = lookup(name) {
                out.append(name + "=" + v)
            }
        }
        return out
    }

    /// `-e NAME=value` as is; `-e NAME` takes the value from the environment, else stays bare.
    public static func validateEnv(_ value: String, lookup: (String) -> String? = environment) throws -> String {
        let parts = value.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        if parts[0].isEmpty { throw CLIError.message("invalid environment variable: \(value)") }
        if parts.count == 2 { return value }
        if let v = lookup(value) { return value + "=" + v }
        return value
    }

    public static func environment(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        return String(cString: p)
    }

    /// The whole process environment.
    public static func all() -> [String: String] {
        var d: [String: String] = [:]
        var p = environ
        while let e = p.pointee {
            let s = String(cString: e)
            if let eq = s.firstIndex(of: "=") { d[String(s[..<eq])] = String(s[s.index(after: eq)...]) }
            p += 1
        }
        return d
    }
}
