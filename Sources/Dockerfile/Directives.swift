/// Parser directives (`# escape=\``, `# syntax=…`, `# check=…`): comment lines at the
/// very top. The first line that is not one (an instruction, a blank line, any other
/// comment) ends them for good, as in BuildKit's DirectiveParser.
struct Directives {
    private(set) var escape: Unicode.Scalar = "\\"
    private(set) var syntax: String?
    private var seen: Set<String> = []
    private var done = false

    private static let known: Set<String> = ["escape", "syntax", "check"]

    /// Looks at one line (line ending removed; leading blanks removed for the first line
    /// of an instruction). Returns whether it was a directive.
    mutating func consider(_ line: String) throws(Failure) -> Bool {
        if done { return false }
        var r = Array(line.unicodeScalars)[...]
        guard r.first == "#" else { done = true; return false }
        r = r.dropFirst()
        while let f = r.first, isGoSpace(f) { r = r.dropFirst() }
        // ^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$
        var key = ""
        guard let f = r.first, f.isASCII, f.properties.isAlphabetic else { done = true; return false }
        while let c = r.first, c.isASCII, c.properties.isAlphabetic || ("0"..."9").contains(c) {
            key.unicodeScalars.append(c)
            r = r.dropFirst()
        }
        while let c = r.first, isRegexSpace(c) { r = r.dropFirst() }
        guard r.first == "=" else { done = true; return false }
        r = r.dropFirst()
        while let c = r.first, isRegexSpace(c) { r = r.dropFirst() }
        while let c = r.last, isRegexSpace(c) { r = r.dropLast() }
        guard !r.isEmpty else { done = true; return false }
        let value = String(scalars: r)

        let k = key.lowercased()
        guard Self.known.contains(k) else { done = true; return false }
        guard seen.insert(k).inserted else { throw Failure("only one \(k) parser directive can be used") }
        switch k {
        case "escape":
            guard value == "`" || value == "\\" else {
                throw Failure("invalid escape token '\(value)' does not match ` or \\")
            }
            escape = value.unicodeScalars.first!
        case "syntax":
            syntax = value
        default:
            break
        }
        return true
    }
}

/// RE2's `\s`: [\t\n\f\r ].
func isRegexSpace(_ c: Unicode.Scalar) -> Bool {
    c == " " || c == "\t" || c == "\n" || c == "\u{0C}" || c == "\r"
}
