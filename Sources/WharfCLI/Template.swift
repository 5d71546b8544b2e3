import WharfClient

/// The part of Go's `text/template` that docker's `--format` strings use, over JSON data:
/// `{{.A.B}}`, `{{json .X}}`, `{{index .M "k"}}`, `{{join .L ","}}`, `{{lower}}`/`{{upper}}`/
/// `{{title}}`, `{{split}}`, `{{len}}`, `{{printf}}`, pipes, `{{if}}`/`{{else}}`/`{{range}}`/
/// `{{with}}`/`{{end}}`, `eq`/`ne`/`not`/`and`/`or`, and the `{{- -}}` trim markers.
public struct GoTemplate {
    indirect enum Node {
        case text(String)
        case action(Pipeline)
        case ifNode(Pipeline, [Node], [Node])
        case rangeNode(Pipeline, [Node], [Node])
        case withNode(Pipeline, [Node], [Node])
    }

    struct Pipeline { var commands: [[Term]] }

    indirect enum Term {
        case field(base: Base, path: [String])
        case string(String)
        case number(String)
        case bool(Bool)
        case null
        case ident(String)
        case sub(Pipeline)
    }

    enum Base { case dot, root }

    public struct TemplateError: Error, CustomStringConvertible {
        public var description: String
    }

    let nodes: [Node]
    /// `json` of a whole object escapes `<>&` (docker's list contexts marshal themselves with
    /// `json.Marshal`); elsewhere docker's `json` function leaves HTML characters alone.
    public var escapeHTMLInObjects = false

    public init(_ source: String) throws {
        var parser = TemplateParser(source: source)
        let (nodes, stop) = try parser.parseList()
        if stop != nil { throw TemplateError(description: "template: unexpected {{end}} or {{else}}") }
        self.nodes = nodes
    }

    public func execute(_ data: JSON) throws -> String {
        var out = ""
        try run(nodes, dot: data, root: data, into: &out)
        return out
    }

    private func run(_ nodes: [Node], dot: JSON, root: JSON, into out: inout String) throws {
        for n in nodes {
            switch n {
            case .text(let t): out += t
            case .action(let p):
                if let v = try eval(p, dot: dot, root: root) { out += GoTemplate.printValue(v) } else { out += "<no value>" }
            case .ifNode(let p, let a, let b):
                let v = try eval(p, dot: dot, root: root)
                try run(GoTemplate.truthy(v) ? a : b, dot: dot, root: root, into: &out)
            case .withNode(let p, let a, let b):
                let v = try eval(p, dot: dot, root: root)
                if GoTemplate.truthy(v), let v { try run(a, dot: v, root: root, into: &out) } else { try run(b, dot: dot, root: root, into: &out) }
            case .rangeNode(let p, let a, let b):
                let v = try eval(p, dot: dot, root: root)
                var items: [JSON] = []
                if case .array(let arr)? = v { items = arr }
                if case .object(let ms)? = v { items = ms.sorted { $0.key < $1.key }.map(\.value) }
                if items.isEmpty { try run(b, dot: dot, root: root, into: &out) }
                for item in items { try run(a, dot: item, root: root, into: &out) }
            }
        }
    }

    private func eval(_ p: Pipeline, dot: JSON, root: JSON) throws -> JSON? {
        var prev: JSON?? = .none
        for cmd in p.commands {
            prev = .some(try evalCommand(cmd, dot: dot, root: root, piped: prev))
        }
        return prev ?? nil
    }

    private func evalTerm(_ t: Term, dot: JSON, root: JSON) throws -> JSON? {
        switch t {
        case .field(let base, let path):
            var v: JSON? = base == .dot ? dot : root
            for key in path {
                guard let cur = v else { return nil }
                switch cur {
                case .object:
                    guard let next = cur[key] else {
                        throw TemplateError(description: "template: :1: executing \"\" at <.\(path.joined(separator: "."))>: map has no entry for key \"\(key)\"")
                    }
                    v = next
                case .null: return nil
                default: throw TemplateError(description: "template: can't evaluate field \(key) in type \(GoTemplate.typeName(cur))")
                }
            }
            return v
        case .string(let s): return .string(s)
        case .number(let n): return .number(n)
        case .bool(let b): return .bool(b)
        case .null: return .null
        case .sub(let p): return try eval(p, dot: dot, root: root)
        case .ident(let name):
            return try call(name, [], dot: dot)
        }
    }

    private func evalCommand(_ cmd: [Term], dot: JSON, root: JSON, piped: JSON??) throws -> JSON? {
        guard let first = cmd.first else { return nil }
        if case .ident(let name) = first {
            var args = try cmd.dropFirst().map { try evalTerm($0, dot: dot, root: root) }
            if let p = piped { args.append(p) }
            return try call(name, args, dot: dot)
        }
        if cmd.count > 1 || piped != nil { throw TemplateError(description: "template: can't give argument to non-function") }
        return try evalTerm(first, dot: dot, root: root)
    }

    private func str(_ v: JSON?) -> String { v.map(GoTemplate.printValue) ?? "<no value>" }

    private func call(_ name: String, _ args: [JSON?], dot: JSON) throws -> JSON? {
        func need(_ n: Int) throws {
            if args.count != n { throw TemplateError(description: "template: wrong number of args for \(name): want \(n) got \(args.count)") }
        }
        switch name {
        case "json":
            try need(1)
            var out: [UInt8] = []
            let value = GoTemplate.goMapOrder(args[0] ?? .null)
            value.write(into: &out)
            let text = String(decoding: out, as: UTF8.self)
            if escapeHTMLInObjects, case .object = value { return .string(text) }
            return .string(GoTemplate.unescapeHTML(text))
        case "join":
            try need(2)
            let items = args[0]?.array ?? []
            return .string(items.map(GoTemplate.printValue).joined(separator: str(args[1])))
        case "split":
            try need(2)
            let sep = str(args[1])
            let s = str(args[0])
            if sep.isEmpty { return .array(s.map { .string(String($0)) }) }
            return .array(s.split(separator: sep, omittingEmptySubsequences: false).map { .string(String($0)) })
        case "lower": try need(1); return .string(str(args[0]).lowercased())
        case "upper": try need(1); return .string(str(args[0]).uppercased())
        case "title":
            try need(1)
            return .string(str(args[0]).split(separator: " ", omittingEmptySubsequences: false)
                .map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " "))
        case "pad":
            try need(3)
            let l = Int(str(args[1])) ?? 0, r = Int(str(args[2])) ?? 0
            return .string(String(repeating: " ", count: l) + str(args[0]) + String(repeating: " ", count: r))
        case "truncate":
            try need(2)
            let n = Int(str(args[1])) ?? 0
            return .string(String(str(args[0]).prefix(n)))
        case "len":
            try need(1)
            switch args[0] {
            case .array(let a)?: return .int(a.count)
            case .object(let m)?: return .int(m.count)
            case .string(let s)?: return .int(s.utf8.count)
            default: throw TemplateError(description: "template: len of unsupported type")
            }
        case "index":
            guard var v = args.first ?? nil else { return nil }
            for k in args.dropFirst() {
                switch (v, k) {
                case (.object, .string(let key)?): guard let n = v[key] else { return nil }; v = n
                case (.array(let a), .number(let n)?):
                    guard let i = Int(n), i >= 0, i < a.count else { throw TemplateError(description: "template: index out of range: \(n)") }
                    v = a[i]
                default: return nil
                }
            }
            return v
        case "print": return .string(args.map(str).joined())
        case "println": return .string(args.map(str).joined(separator: " ") + "\n")
        case "printf":
            guard let f = args.first else { throw TemplateError(description: "template: printf needs a format") }
            return .string(GoTemplate.sprintf(str(f), Array(args.dropFirst())))
        case "eq":
            guard let a = args.first else { return .bool(false) }
            return .bool(args.dropFirst().contains { GoTemplate.same(a, $0) })
        case "ne":
            try need(2)
            return .bool(!GoTemplate.same(args[0], args[1]))
        case "not": try need(1); return .bool(!GoTemplate.truthy(args[0]))
        case "and":
            for a in args where !GoTemplate.truthy(a) { return a }
            return args.last ?? nil
        case "or":
            for a in args where GoTemplate.truthy(a) { return a }
            return args.last ?? nil
        default:
            throw TemplateError(description: "template: function \"\(name)\" not defined")
        }
    }

    /// Go encodes maps with sorted keys and structs in field order; objects whose keys all
    /// start with a capital letter are taken for structs (docker's API types), others for maps.
    static func goMapOrder(_ v: JSON) -> JSON {
        switch v {
        case .array(let a): return .array(a.map(goMapOrder))
        case .object(let m):
            let isStruct = !m.isEmpty && m.allSatisfy { $0.key.first?.isUppercase ?? false }
            let members = m.map { JSON.Member($0.key, goMapOrder($0.value)) }
            return .object(isStruct ? members : members.sorted { $0.key < $1.key })
        default: return v
        }
    }

    static func same(_ a: JSON?, _ b: JSON?) -> Bool {
        if let a, let b, case .number(let x) = a, case .number(let y) = b { return Double(x) == Double(y) }
        return (a.map(printValue) ?? "<no value>") == (b.map(printValue) ?? "<no value>")
    }

    static func truthy(_ v: JSON?) -> Bool {
        switch v {
        case nil, .null?: return false
        case .bool(let b)?: return b
        case .number(let n)?: return (Double(n) ?? 0) != 0
        case .string(let s)?: return !s.isEmpty
        case .array(let a)?: return !a.isEmpty
        case .object(let m)?: return !m.isEmpty
        }
    }

    static func typeName(_ v: JSON) -> String {
        switch v {
        case .string: return "string"
        case .number: return "float64"
        case .bool: return "bool"
        case .array: return "[]interface {}"
        default: return "interface {}"
        }
    }

    /// Go's `%v` of a decoded value: `[a b]` for lists, `map[k:v]` for objects.
    public static func printValue(_ v: JSON) -> String {
        switch v {
        case .null: return "[]"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s): return s
        case .array(let a): return "[" + a.map(printValue).joined(separator: " ") + "]"
        case .object(let m):
            return "map[" + m.sorted { $0.key < $1.key }.map { "\($0.key):\(printValue($0.value))" }.joined(separator: " ") + "]"
        }
    }

    /// Docker's `json` template function encodes with HTML escaping off.
    static func unescapeHTML(_ s: String) -> String {
        guard s.contains("\\u00") else { return s }
        return s.replacingAll("\\u003c", "<").replacingAll("\\u003e", ">").replacingAll("\\u0026", "&")
    }

    static func sprintf(_ format: String, _ args: [JSON?]) -> String {
        var out = ""
        var it = format.makeIterator()
        var argi = 0
        while let c = it.next() {
            guard c == "%" else { out.append(c); continue }
            guard let verb = it.next() else { out.append("%"); break }
            if verb == "%" { out.append("%"); continue }
            let a: JSON? = argi < args.count ? args[argi] : nil
            argi += 1
            switch verb {
            case "q": out += "\"" + (a.map(printValue) ?? "") + "\""
            default: out += a.map(printValue) ?? "%!\(verb)(MISSING)"
            }
        }
        return out
    }
}

extension String {
    func replacingAll(_ target: String, _ with: String) -> String {
        guard !target.isEmpty else { return self }
        var out = ""
        var rest = Substring(self)
        while let r = rest.range(of: target) {
            out += rest[..<r.lowerBound]
            out += with
            rest = rest[r.upperBound...]
        }
        out += rest
        return out
    }
}

extension Substring {
    func range(of target: String) -> Range<Substring.Index>? {
        let t = Array(target.utf8)
        let u = self.utf8
        var i = u.startIndex
        while i != u.endIndex {
            var j = i
            var k = 0
            while k < t.count, j != u.endIndex, u[j] == t[k] {
                j = u.index(after: j)
                k += 1
            }
            if k == t.count { return i..<j }
            i = u.index(after: i)
        }
        return nil
    }
}
