/// Docker's "(did you mean …?)" hint for a mistyped keyword, flag or value: the closest
/// option within an edit distance of 2.
enum Suggest {
    static func wrap(_ message: String, value: String, options: [String], caseSensitive: Bool) -> String {
        guard let match = search(value, options: options, caseSensitive: caseSensitive) else { return message }
        return message + " (did you mean \(match)?)"
    }

    static func search(_ value: String, options: [String], caseSensitive: Bool) -> String? {
        let val = caseSensitive ? value : value.lowercased()
        var best: String?
        var bestDistance = 3
        for option in options {
            let opt = caseSensitive ? option : option.lowercased()
            // An exact match means the problem is not the spelling.
            if val == opt { return nil }
            let d = distance(Array(val.unicodeScalars), Array(opt.unicodeScalars))
            if d < bestDistance {
                bestDistance = d
                best = caseSensitive ? opt : matchCase(opt, like: value)
            }
        }
        return best
    }

    private static func matchCase(_ s: String, like original: String) -> String {
        if original == original.lowercased() { return s.lowercased() }
        if original == original.uppercased() { return s.uppercased() }
        return s
    }

    /// Levenshtein distance.
    private static func distance(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var prev = Array(0...b.count)
        var cur = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            cur[0] = i
            for j in 1...b.count {
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            swap(&prev, &cur)
        }
        return prev[b.count]
    }
}
