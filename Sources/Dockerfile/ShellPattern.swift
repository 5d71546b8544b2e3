/// The shell pattern of `${v#p}`, `${v%p}` and `${v/p/r}`: `*` matches any string, `?`
/// one character, and a backslash makes `*`, `?` or itself literal (before `}` or `/` it
/// only protects the delimiter). Bracket expressions are not supported, as in BuildKit.
struct ShellPattern {
    private enum Token: Equatable {
        case literal(Unicode.Scalar)
        case anyChar
        case anyString
    }

    private let tokens: [Token]

    init(_ pattern: String) throws(Failure) {
        var out: [Token] = []
        let r = Array(pattern.unicodeScalars)
        var i = 0
        while i < r.count {
            let c = r[i]
            i += 1
            switch c {
            case "*": out.append(.anyString)
            case "?": out.append(.anyChar)
            case "\\":
                if i < r.count, r[i] == "}" || r[i] == "/" { continue }
                guard i < r.count, r[i] == "*" || r[i] == "?" || r[i] == "\\" else {
                    let bad = i < r.count ? String(r[i]) : ""
                    throw Failure("invalid pattern (\(pattern)) in substitution: invalid escape '\\\(bad)'")
                }
                out.append(.literal(r[i]))
                i += 1
            default:
                out.append(.literal(c))
            }
        }
        tokens = out
    }

    /// Whether the pattern matches exactly `s[from..<to]`.
    private func matches(_ s: [Unicode.Scalar], _ from: Int, _ to: Int) -> Bool {
        func go(_ t: Int, _ i: Int) -> Bool {
            if t == tokens.count { return i == to }
            switch tokens[t] {
            case .literal(let c): return i < to && s[i] == c && go(t + 1, i + 1)
            case .anyChar: return i < to && go(t + 1, i + 1)
            case .anyString:
                var j = i
                while j <= to {
                    if go(t + 1, j) { return true }
                    j += 1
                }
                return false
            }
        }
        return go(0, from)
    }

    /// `${v#p}` (shortest) / `${v##p}` (longest): removes a matching prefix.
    func trimPrefix(of value: String, greedy: Bool) -> String {
        let s = Array(value.unicodeScalars)
        let ends = greedy ? Array((0...s.count).reversed()) : Array(0...s.count)
        for end in ends where matches(s, 0, end) {
            return String(scalars: s[end...])
        }
        return value
    }

    /// `${v%p}` (shortest) / `${v%%p}` (longest): removes a matching suffix.
    func trimSuffix(of value: String, greedy: Bool) -> String {
        let s = Array(value.unicodeScalars)
        let starts = greedy ? Array(0...s.count) : Array((0...s.count).reversed())
        for start in starts where matches(s, start, s.count) {
            return String(scalars: s[..<start])
        }
        return value
    }

    /// `${v/p/r}` replaces the first (leftmost, longest) match, `${v//p/r}` every one.
    func replace(in value: String, with replacement: String, all: Bool) -> String {
        let s = Array(value.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        var replaced = false
        while i <= s.count {
            if !(replaced && !all), let end = longestMatch(s, at: i) {
                out.append(contentsOf: replacement.unicodeScalars)
                replaced = true
                if end > i {
                    i = end
                    continue
                }
            }
            if i < s.count { out.append(s[i]) }
            i += 1
        }
        return String(out)
    }

    private func longestMatch(_ s: [Unicode.Scalar], at i: Int) -> Int? {
        var end = s.count
        while end >= i {
            if matches(s, i, end) { return end }
            end -= 1
        }
        return nil
    }
}
