/// Parses Go template source into `GoTemplate` nodes.
struct TemplateParser {
    let src: [Character]
    var pos = 0

    init(source: String) { src = Array(source) }

    typealias Node = GoTemplate.Node
    typealias Term = GoTemplate.Term

    func error(_ m: String) -> GoTemplate.TemplateError { GoTemplate.TemplateError(description: "template: " + m) }

    enum Stop { case end, elseBranch, elseIf(GoTemplate.Pipeline) }

    /// Parses nodes until `{{end}}` or `{{else}}` (returned as the stop) or the end of input.
    mutating func parseList() throws -> ([Node], Stop?) {
        var nodes: [Node] = []
        while pos < src.count {
            // Text up to the next "{{".
            var text = ""
            while pos < src.count, !(src[pos] == "{" && pos + 1 < src.count && src[pos + 1] == "{") {
                text.append(src[pos])
                pos += 1
            }
            guard pos < src.count else { if !text.isEmpty { nodes.append(.text(text)) }; break }
            pos += 2
            if pos + 1 < src.count, src[pos] == "-", src[pos + 1] == " " || src[pos + 1] == "\t" || src[pos + 1] == "\n" {
                pos += 1
                while let l = text.last, l.isWhitespace { text.removeLast() }
            }
            if !text.isEmpty { nodes.append(.text(text)) }
            // Action body up to "}}", respecting quotes.
            var body = ""
            var quote: Character?
            while pos < src.count {
                let c = src[pos]
                if let q = quote {
                    body.append(c)
                    if c == "\\" && q == "\"" && pos + 1 < src.count { body.append(src[pos + 1]); pos += 2; continue }
                    if c == q { quote = nil }
                    pos += 1
                    continue
                }
                if c == "\"" || c == "`" { quote = c; body.append(c); pos += 1; continue }
                if c == "}" && pos + 1 < src.count && src[pos + 1] == "}" { break }
                body.append(c)
                pos += 1
            }
            guard pos < src.count else { throw error("unclosed action") }
            pos += 2
            if body.hasSuffix(" -") || body.hasSuffix("\t-") || body.hasSuffix("\n-") {
                body.removeLast()
                while pos < src.count, src[pos].isWhitespace { pos += 1 }
            }
            let tokens = try TemplateParser.tokenize(body)
            guard let first = tokens.first else { throw error("missing value for command") }
            if first.hasPrefix("/*") { continue }
            switch first {
            case "end": return (nodes, .end)
            case "else":
                if tokens.count > 1 && tokens[1] == "if" {
                    return (nodes, .elseIf(try TemplateParser.pipeline(Array(tokens.dropFirst(2)))))
                }
                return (nodes, .elseBranch)
            case "if", "range", "with":
                let p = try TemplateParser.pipeline(Array(tokens.dropFirst()))
                let (a, b) = try parseBranches()
                nodes.append(first == "if" ? .ifNode(p, a, b) : first == "range" ? .rangeNode(p, a, b) : .withNode(p, a, b))
            default:
                nodes.append(.action(try TemplateParser.pipeline(tokens)))
            }
        }
        return (nodes, nil)
    }

    /// The then- and else-lists of an if/range/with, through its `{{end}}`.
    mutating func parseBranches() throws -> ([Node], [Node]) {
        let (a, stop) = try parseList()
        switch stop {
        case .end?: return (a, [])
        case .elseBranch?:
            let (b, stop2) = try parseList()
            guard case .end? = stop2 else { throw error("missing {{end}}") }
            return (a, b)
        case .elseIf(let p)?:
            let (ia, ib) = try parseBranches()
            return (a, [.ifNode(p, ia, ib)])
        case nil: throw error("missing {{end}}")
        }
    }

    static func tokenize(_ s: String) throws -> [String] {
        var tokens: [String] = []
        var cur = ""
        var chars = Array(s)[...]
        func flush() { if !cur.isEmpty { tokens.append(cur); cur = "" } }
        while let c = chars.popFirst() {
            switch c {
            case " ", "\t", "\n", "\r": flush()
            case "|", "(", ")": flush(); tokens.append(String(c))
            case "\"":
                flush()
                var lit = "\""
                while let d = chars.popFirst() {
                    lit.append(d)
                    if d == "\\", let e = chars.popFirst() { lit.append(e); continue }
                    if d == "\"" { break }
                }
                tokens.append(lit)
            case "`":
                flush()
                var lit = "`"
                while let d = chars.popFirst() { lit.append(d); if d == "`" { break } }
                tokens.append(lit)
            default: cur.append(c)
            }
        }
        flush()
        return tokens
    }

    static func pipeline(_ tokens: [String]) throws -> GoTemplate.Pipeline {
        var i = 0
        return try pipeline(tokens, &i)
    }

    static func pipeline(_ tokens: [String], _ i: inout Int) throws -> GoTemplate.Pipeline {
        var commands: [[Term]] = []
        var cmd: [Term] = []
        while i < tokens.count {
            let t = tokens[i]
            i += 1
            switch t {
            case "|":
                guard !cmd.isEmpty else { throw GoTemplate.TemplateError(description: "template: missing command") }
                commands.append(cmd)
                cmd = []
            case "(":
                cmd.append(.sub(try pipeline(tokens, &i)))
            case ")":
                if !cmd.isEmpty { commands.append(cmd) }
                return GoTemplate.Pipeline(commands: commands)
            default:
                cmd.append(try term(t))
            }
        }
        if !cmd.isEmpty { commands.append(cmd) }
        guard !commands.isEmpty else { throw GoTemplate.TemplateError(description: "template: missing value for command") }
        return GoTemplate.Pipeline(commands: commands)
    }

    static func term(_ t: String) throws -> Term {
        if t == "." { return .field(base: .dot, path: []) }
        if t == "$" { return .field(base: .root, path: []) }
        if t.hasPrefix("$.") { return .field(base: .root, path: t.dropFirst(2).split(separator: ".").map(String.init)) }
        if t.hasPrefix(".") { return .field(base: .dot, path: t.dropFirst().split(separator: ".").map(String.init)) }
        if t.hasPrefix("\"") { return .string(unquote(t)) }
        if t.hasPrefix("`") { return .string(String(t.dropFirst().dropLast())) }
        if t == "true" || t == "false" { return .bool(t == "true") }
        if t == "nil" { return .null }
        if let f = t.first, f.isNumber || f == "-" { return .number(t) }
        return .ident(t)
    }

    static func unquote(_ t: String) -> String {
        var out = ""
        var chars = Array(t.dropFirst().dropLast())[...]
        while let c = chars.popFirst() {
            guard c == "\\", let e = chars.popFirst() else { out.append(c); continue }
            switch e {
            case "n": out.append("\n")
            case "t": out.append("\t")
            case "r": out.append("\r")
            default: out.append(e)
            }
        }
        return out
    }
}
