/// One .dockerignore pattern, matched as moby/patternmatcher matches it: `*` and `?`
/// stay within a path component, `[...]` is a character class, `**` spans components,
/// a backslash makes the next character literal. Patterns without wildcards compare
/// exactly; `**/x` and `x/**` are suffix and prefix tests, as in patternmatcher.
struct IgnorePattern: Sendable {
    enum Kind: Sendable { case exact, prefix, suffix, glob }

    fileprivate enum Token: Sendable {
        case literal(Unicode.Scalar)
        /// `*`: any run of characters but "/".
        case star
        /// `?`: one character but "/".
        case one
        /// `**` followed by more: any run of whole components, possibly none (`(.*/)?`).
        case dirs
        /// `**` at the end: anything (`.*`).
        case rest
        case set(CharSet)
    }

    fileprivate struct CharSet: Sendable {
        var negated = false
        var ranges: [ClosedRange<UInt32>] = []
        func contains(_ c: Unicode.Scalar) -> Bool {
            ranges.contains { $0.contains(c.value) } != negated
        }
    }

    /// The cleaned pattern, without its "!".
    let text: String
    let exclusion: Bool
    let kind: Kind
    /// False for a malformed pattern (Docker refuses the build; here it never matches).
    let valid: Bool
    fileprivate let tokens: [Token]
    private let scalars: [Unicode.Scalar]

    /// `pattern` as the matcher receives it: trimmed and cleaned here again, "!" first
    /// for an exception. Nil for a blank pattern.
    init?(_ pattern: String) {
        var p = trimGoSpace(pattern)
        if p.isEmpty { return nil }
        p = cleanPath(p)
        var excl = false
        if p.unicodeScalars.first == "!" {
            excl = true
            p = String(scalars: p.unicodeScalars.dropFirst())
        }
        exclusion = excl
        text = p
        scalars = Array(p.unicodeScalars)
        if let (kind, tokens) = Self.compile(scalars) {
            self.kind = kind
            self.tokens = tokens
            valid = !scalars.isEmpty
        } else {
            kind = .exact
            tokens = []
            valid = false
        }
    }

    private static func compile(_ p: [Unicode.Scalar]) -> (Kind, [Token])? {
        var kind = Kind.exact
        var tokens: [Token] = []
        var i = 0
        var step = 0
        while i < p.count {
            let c = p[i]
            i += 1
            defer { step += 1 }
            switch c {
            case "*":
                if i < p.count && p[i] == "*" {
                    i += 1
                    if i < p.count && p[i] == "/" { i += 1 } // "**/" is "**"
                    if i == p.count {
                        // Like .gitignore, a trailing "**" takes everything.
                        if kind == .exact {
                            kind = .prefix
                        } else {
                            tokens.append(.rest)
                            kind = .glob
                        }
                    } else {
                        tokens.append(.dirs)
                        kind = .glob
                    }
                    if step == 0 { kind = .suffix }
                } else {
                    tokens.append(.star)
                    kind = .glob
                }
            case "?":
                tokens.append(.one)
                kind = .glob
            case "\\":
                guard i < p.count else { return nil }
                tokens.append(.literal(p[i]))
                i += 1
                kind = .glob
            case "[":
                guard let (set, next) = charSet(p, from: i) else { return nil }
                tokens.append(.set(set))
                i = next
                kind = .glob
            case "]":
                return nil
            default:
                tokens.append(.literal(c))
            }
        }
        return (kind, tokens)
    }

    /// A bracket expression starting after its "[" (filepath.Match syntax: `^` negates,
    /// `a-z` ranges, backslash escapes). Returns the set and the index after its "]".
    private static func charSet(_ p: [Unicode.Scalar], from start: Int) -> (CharSet, Int)? {
        var set = CharSet()
        var i = start
        if i < p.count && p[i] == "^" {
            set.negated = true
            i += 1
        }
        func char() -> Unicode.Scalar? {
            guard i < p.count else { return nil }
            var c = p[i]
            if c == "-" || c == "]" { return nil }
            if c == "\\" {
                i += 1
                guard i < p.count else { return nil }
                c = p[i]
            }
            i += 1
            return c
        }
        while true {
            guard i < p.count else { return nil }
            if p[i] == "]" && !set.ranges.isEmpty { return (set, i + 1) }
            guard let lo = char() else { return nil }
            var hi = lo
            if i < p.count && p[i] == "-" {
                i += 1
                guard let h = char() else { return nil }
                hi = h
            }
            guard lo.value <= hi.value else { return nil }
            set.ranges.append(lo.value...hi.value)
        }
    }

    /// Whether the pattern matches `path` itself (no parent-directory logic).
    func matches(_ path: String) -> Bool {
        guard valid else { return false }
        let s = Array(path.unicodeScalars)
        switch kind {
        case .exact:
            return s == scalars
        case .prefix:
            return s.starts(with: scalars.dropLast(2))
        case .suffix:
            let suffix = scalars.dropFirst(2)
            if s.count >= suffix.count && s.suffix(suffix.count).elementsEqual(suffix) { return true }
            // "**/foo" also matches "foo" at the top.
            return suffix.first == "/" && s.elementsEqual(suffix.dropFirst())
        case .glob:
            return Self.match(tokens[...], s)
        }
    }

    /// Whether the tokens match the whole of `s`.
    fileprivate static func match(_ tokens: ArraySlice<Token>, _ s: [Unicode.Scalar]) -> Bool {
        let toks = Array(tokens)
        // failed[t][i]: tokens t… can't match s[i…]; keeps `*`/`**` backtracking linear.
        var failed = Set<Int>()
        let width = s.count + 1
        func go(_ t: Int, _ i: Int) -> Bool {
            if t == toks.count { return i == s.count }
            if failed.contains(t * width + i) { return false }
            var ok = false
            switch toks[t] {
            case .literal(let c):
                ok = i < s.count && s[i] == c && go(t + 1, i + 1)
            case .one:
                ok = i < s.count && s[i] != "/" && go(t + 1, i + 1)
            case .set(let set):
                ok = i < s.count && set.contains(s[i]) && go(t + 1, i + 1)
            case .star:
                var j = i
                while true {
                    if go(t + 1, j) { ok = true; break }
                    if j == s.count || s[j] == "/" { break }
                    j += 1
                }
            case .rest:
                // Go's "." doesn't match a newline.
                ok = !s[i...].contains("\n")
            case .dirs:
                // Either nothing, or anything up to and including some "/".
                if go(t + 1, i) {
                    ok = true
                } else {
                    var j = i
                    while j < s.count && s[j] != "\n" {
                        if s[j] == "/" && go(t + 1, j + 1) { ok = true; break }
                        j += 1
                    }
                }
            }
            if !ok { failed.insert(t * width + i) }
            return ok
        }
        return go(0, 0)
    }

    /// Whether this pattern could match `dir`, one of its ancestors, or something
    /// inside it, judged component by component. Errs towards yes.
    func couldMatchWithin(_ dir: [String]) -> Bool {
        guard valid else { return false }
        let parts = text.unicodeScalars.split(separator: "/", omittingEmptySubsequences: false).map { Array($0) }
        for (k, part) in parts.enumerated() {
            // Past the end of `dir` the pattern goes deeper inside it (or, shorter, it
            // matched an ancestor or `dir` itself: everything inside is re-included).
            if k >= dir.count { return true }
            // "**" can stand for any number of components: give up judging.
            if zip(part, part.dropFirst()).contains(where: { $0 == "*" && $1 == "*" }) { return true }
            let comp = Array(dir[k].unicodeScalars)
            if kind == .glob {
                guard let (_, toks) = Self.compile(part), Self.match(toks[...], comp) else { return false }
            } else if part != comp {
                return false
            }
        }
        return true
    }
}
