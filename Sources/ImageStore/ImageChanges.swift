import FoundationEssentials
import OCI
import WharfCore

/// Applies Dockerfile instructions to an image config, as `docker import --change` and
/// `docker commit --change` do (moby's BuildFromConfig): only the instructions that change
/// metadata are allowed, with the builder's parsing and variable substitution rules.
enum ImageChanges {
    static let allowed: Set<String> = [
        "cmd", "entrypoint", "healthcheck", "env", "expose", "label", "onbuild", "stopsignal", "user", "volume", "workdir",
    ]

    static func apply(_ changes: [String], to config: inout ContainerConfig) throws {
        let lines = logicalLines(changes.joined(separator: "\n"))
        // Validate all first, as Docker does, so a bad line changes nothing.
        var parsed: [(String, String)] = []
        for line in lines {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            let word = trimmed.prefix(while: { $0 != " " && $0 != "\t" })
            let rest = trimmed.dropFirst(word.count).trimmingWhitespace()
            let instruction = word.lowercased()
            guard allowed.contains(instruction) else {
                throw WharfError.invalid("\(instruction) is not a valid change command")
            }
            parsed.append((instruction, rest))
        }
        for (instruction, rest) in parsed {
            try dispatch(instruction, rest, &config)
        }
    }

    /// Joins backslash continuations, drops blank and comment lines.
    static func logicalLines(_ text: String) -> [String] {
        var out: [String] = []
        var current = ""
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(raw)
            if line.hasSuffix("\r") { line.removeLast() }
            let t = line.trimmingWhitespace()
            if current.isEmpty && (t.isEmpty || t.hasPrefix("#")) { continue }
            if t.hasSuffix("\\") {
                current += String(t.dropLast())
                continue
            }
            current += line
            out.append(current)
            current = ""
        }
        if !current.trimmingWhitespace().isEmpty { out.append(current) }
        return out
    }

    private static func dispatch(_ instruction: String, _ rest: String, _ c: inout ContainerConfig) throws {
        let env = c.env ?? []
        switch instruction {
        case "cmd":
            c.cmd = commandForm(rest)
        case "entrypoint":
            c.entrypoint = commandForm(rest)
        case "env":
            var list = c.env ?? []
            for (k, v) in try nameValues(rest, instruction: "ENV", env: env) {
                guard !k.isEmpty else { throw WharfError.invalid("ENV names can not be blank") }
                list.removeAll { $0 == k || $0.hasPrefix(k + "=") }
                list.append("\(k)=\(v)")
            }
            c.env = list
        case "label":
            var labels = c.labels ?? [:]
            for (k, v) in try nameValues(rest, instruction: "LABEL", env: env) {
                guard !k.isEmpty else { throw WharfError.invalid("LABEL names can not be blank") }
                labels[k] = v
            }
            c.labels = labels
        case "workdir":
            let wd = Shell.expand(rest, env: env)
            guard !wd.isEmpty else { throw WharfError.invalid("WORKDIR requires exactly one argument") }
            c.workingDir = cleanAbsolute(wd.hasPrefix("/") ? wd : (c.workingDir ?? "/") + "/" + wd)
        case "user":
            let user = Shell.expand(rest, env: env)
            guard !user.isEmpty else { throw WharfError.invalid("USER requires exactly one argument") }
            c.user = user
        case "stopsignal":
            let sig = Shell.expand(rest, env: env)
            guard !sig.isEmpty, !sig.contains(" ") else { throw WharfError.invalid("STOPSIGNAL requires exactly one argument") }
            c.stopSignal = sig
        case "expose":
            var ports = c.exposedPorts ?? [:]
            for word in Shell.words(rest) {
                for p in try exposedPorts(Shell.expand(word, env: env)) { ports[p] = EmptyObject() }
            }
            c.exposedPorts = ports
        case "volume":
            var vols = c.volumes ?? [:]
            let list = jsonArray(rest) ?? Shell.words(rest).map { Shell.expand($0, env: env) }
            for v in list {
                let t = v.trimmingWhitespace()
                guard !t.isEmpty else { throw WharfError.invalid("VOLUME specified can not be an empty string") }
                vols[t] = EmptyObject()
            }
            c.volumes = vols
        case "onbuild":
            let first = rest.prefix(while: { $0 != " " && $0 != "\t" }).uppercased()
            if first == "ONBUILD" { throw WharfError.invalid("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed") }
            if first == "FROM" || first == "MAINTAINER" {
                throw WharfError.invalid("\(first) isn't allowed as an ONBUILD trigger")
            }
            guard !rest.isEmpty else { throw WharfError.invalid("ONBUILD requires at least one argument") }
            c.onBuild = (c.onBuild ?? []) + [rest]
        case "healthcheck":
            c.healthcheck = try healthcheck(rest)
        default:
            throw WharfError.invalid("\(instruction) is not a valid change command")
        }
    }

    /// JSON ("exec") form, or shell form run by /bin/sh -c.
    static func commandForm(_ rest: String) -> [String] {
        if let list = jsonArray(rest) { return list }
        return ["/bin/sh", "-c", rest]
    }

    static func jsonArray(_ s: String) -> [String]? {
        let t = s.trimmingWhitespace()
        guard t.hasPrefix("[") else { return nil }
        return try? JSONDecoder().decode([String].self, from: Data(t.utf8))
    }

    /// `k=v k2="v 2"` pairs, or the legacy `k v w` (one pair, value is the rest).
    static func nameValues(_ rest: String, instruction: String, env: [String]) throws -> [(String, String)] {
        let words = Shell.words(rest)
        guard let first = words.first else { throw WharfError.invalid("\(instruction) requires at least one argument") }
        if !first.contains("=") {
            let key = first
            let value = rest.dropFirst(rest.prefix(while: { $0 != " " && $0 != "\t" }).count).trimmingWhitespace()
            guard !value.isEmpty else { throw WharfError.invalid("\(instruction) must have two arguments") }
            return [(key, Shell.expand(value, env: env))]
        }
        var out: [(String, String)] = []
        for w in words {
            guard let eq = w.firstIndex(of: "=") else {
                throw WharfError.invalid("Syntax error - can't find = in \"\(w)\". Must be of the form: name=value")
            }
            let k = Shell.expand(String(w[..<eq]), env: env)
            let v = Shell.expand(String(w[w.index(after: eq)...]), env: env)
            out.append((k, v))
        }
        return out
    }

    /// "80", "80/udp", "8000-8002/tcp" → ["80/tcp"], …
    static func exposedPorts(_ spec: String) throws -> [String] {
        let parts = spec.split(separator: "/", maxSplits: 1).map(String.init)
        guard let portPart = parts.first, !portPart.isEmpty else { throw WharfError.invalid("invalid containerPort: \(spec)") }
        let proto = parts.count > 1 ? parts[1].lowercased() : "tcp"
        guard ["tcp", "udp", "sctp"].contains(proto) else { throw WharfError.invalid("invalid proto: \(proto)") }
        let range = portPart.split(separator: "-", maxSplits: 1).map(String.init)
        guard let lo = Int(range[0]), (0...65535).contains(lo) else { throw WharfError.invalid("invalid containerPort: \(portPart)") }
        var hi = lo
        if range.count == 2 {
            guard let h = Int(range[1]), (lo...65535).contains(h) else { throw WharfError.invalid("invalid containerPort: \(portPart)") }
            hi = h
        }
        return (lo...hi).map { "\($0)/\(proto)" }
    }

    /// HEALTHCHECK [--interval=…] [--timeout=…] [--start-period=…] [--start-interval=…] [--retries=N] CMD … | NONE
    static func healthcheck(_ rest: String) throws -> HealthcheckConfig {
        var s = Substring(rest.trimmingWhitespace())
        var hc = HealthcheckConfig()
        while s.hasPrefix("--") {
            let flag = s.prefix(while: { $0 != " " && $0 != "\t" })
            s = s.dropFirst(flag.count).drop(while: { $0 == " " || $0 == "\t" })
            let kv = flag.dropFirst(2).split(separator: "=", maxSplits: 1).map(String.init)
            guard kv.count == 2 else { throw WharfError.invalid("Unknown flag: \(flag.dropFirst(2))") }
            switch kv[0] {
            case "interval": hc.interval = try goDuration(kv[1])
            case "timeout": hc.timeout = try goDuration(kv[1])
            case "start-period": hc.startPeriod = try goDuration(kv[1])
            case "start-interval": hc.startInterval = try goDuration(kv[1])
            case "retries":
                guard let n = Int(kv[1]), n >= 0 else { throw WharfError.invalid("--retries must be at least 0") }
                hc.retries = n
            default: throw WharfError.invalid("Unknown flag: \(kv[0])")
            }
        }
        let word = s.prefix(while: { $0 != " " && $0 != "\t" }).uppercased()
        let args = String(s.dropFirst(word.count)).trimmingWhitespace()
        switch word {
        case "NONE":
            guard args.isEmpty else { throw WharfError.invalid("HEALTHCHECK NONE takes no arguments") }
            return HealthcheckConfig(test: ["NONE"])
        case "CMD":
            guard !args.isEmpty else { throw WharfError.invalid("Missing command after HEALTHCHECK CMD") }
            hc.test = jsonArray(args).map { ["CMD"] + $0 } ?? ["CMD-SHELL", args]
            return hc
        default:
            throw WharfError.invalid("Unknown type \"\(word)\" in HEALTHCHECK (try CMD)")
        }
    }

    /// Go's time.ParseDuration subset Docker accepts: "1h2m3.5s", "500ms", "10us", "0".
    static func goDuration(_ s: String) throws -> Int64 {
        if s == "0" { return 0 }
        let units: [(String, Double)] = [("ns", 1), ("us", 1e3), ("µs", 1e3), ("ms", 1e6), ("s", 1e9), ("m", 60e9), ("h", 3600e9)]
        var rest = Substring(s)
        var total = 0.0
        guard !rest.isEmpty else { throw WharfError.invalid("time: invalid duration \"\(s)\"") }
        while !rest.isEmpty {
            let num = rest.prefix(while: { $0.isNumber || $0 == "." })
            guard let v = Double(num) else { throw WharfError.invalid("time: invalid duration \"\(s)\"") }
            rest = rest.dropFirst(num.count)
            let unit = rest.prefix(while: { !$0.isNumber && $0 != "." })
            guard let mult = units.first(where: { $0.0 == unit })?.1 else {
                throw WharfError.invalid("time: invalid duration \"\(s)\"")
            }
            total += v * mult
            rest = rest.dropFirst(unit.count)
        }
        return Int64(total)
    }

    /// Lexical clean of an absolute path ("/a/./b/../c/" → "/a/c").
    static func cleanAbsolute(_ p: String) -> String {
        var out: [Substring] = []
        for part in p.split(separator: "/") {
            if part == "." { continue }
            if part == ".." { if !out.isEmpty { out.removeLast() }; continue }
            out.append(part)
        }
        return "/" + out.joined(separator: "/")
    }
}

/// The bits of the Dockerfile shell lexer that changes need: word splitting that respects
/// quotes and backslashes, and `$VAR`/`${VAR}`/`${VAR:-x}`/`${VAR:+x}` expansion with quote
/// removal.
enum Shell {
    /// Splits on unquoted whitespace; quotes and escapes are kept for `expand` to process.
    static func words(_ s: String) -> [String] {
        var out: [String] = []
        var cur = ""
        var inWord = false
        var quote: Character?
        var escaped = false
        for ch in s {
            if escaped { cur.append(ch); escaped = false; continue }
            if ch == "\\" && quote != "'" { cur.append(ch); escaped = true; inWord = true; continue }
            if let q = quote {
                cur.append(ch)
                if ch == q { quote = nil }
                continue
            }
            if ch == "\"" || ch == "'" { quote = ch; cur.append(ch); inWord = true; continue }
            if ch == " " || ch == "\t" || ch == "\n" {
                if inWord { out.append(cur); cur = ""; inWord = false }
                continue
            }
            cur.append(ch)
            inWord = true
        }
        if inWord { out.append(cur) }
        return out
    }

    /// Variable expansion and quote removal of one word.
    static func expand(_ s: String, env: [String]) -> String {
        func lookup(_ name: String) -> String? {
            for e in env.reversed() where e.hasPrefix(name + "=") { return String(e.dropFirst(name.count + 1)) }
            return nil
        }
        let chars = Array(s)
        var out = ""
        var i = 0
        var quote: Character?
        while i < chars.count {
            let ch = chars[i]
            if quote == "'" {
                if ch == "'" { quote = nil } else { out.append(ch) }
                i += 1
                continue
            }
            if ch == "\\" && i + 1 < chars.count {
                let next = chars[i + 1]
                // Inside double quotes a backslash only escapes ", \ and $.
                if quote == "\"" && !["\"", "\\", "$"].contains(next) { out.append(ch) }
                out.append(next)
                i += 2
                continue
            }
            if ch == "\"" {
                quote = quote == nil ? "\"" : nil
                i += 1
                continue
            }
            if ch == "'" && quote == nil {
                quote = "'"
                i += 1
                continue
            }
            if ch == "$" && i + 1 < chars.count {
                if chars[i + 1] == "{" {
                    guard let close = chars[(i + 2)...].firstIndex(of: "}") else { out.append(ch); i += 1; continue }
                    let body = Array(chars[(i + 2)..<close])
                    if let colon = body.firstIndex(of: ":"), colon + 1 < body.count, body[colon + 1] == "-" || body[colon + 1] == "+" {
                        let v = lookup(String(body[..<colon])) ?? ""
                        let word = expand(String(body[(colon + 2)...]), env: env)
                        out += body[colon + 1] == "-" ? (v.isEmpty ? word : v) : (v.isEmpty ? "" : word)
                    } else {
                        out += lookup(String(body)) ?? ""
                    }
                    i = close + 1
                    continue
                }
                var j = i + 1
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") && chars[j].isASCII { j += 1 }
                if j > i + 1 {
                    out += lookup(String(chars[(i + 1)..<j])) ?? ""
                    i = j
                    continue
                }
            }
            out.append(ch)
            i += 1
        }
        return out
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        let isWS: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
        guard let first = firstIndex(where: { !isWS($0) }), let last = lastIndex(where: { !isWS($0) }) else { return "" }
        return String(self[first...last])
    }
}
