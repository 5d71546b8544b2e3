/// Finding here-documents on an instruction line, as BuildKit does: the line is lexed
/// into words (quotes and escapes kept, variables left alone) and every word of the form
/// `[n]<<[-]delimiter` names one. The lexer always uses `\` here, whatever the escape
/// directive says, as BuildKit's does.
enum HeredocWords {
    /// The heredocs named on `line`, bodies still empty, in order.
    static func find(in line: String) throws(Failure) -> [Heredoc] {
        var lexer = ShellLexer(escape: "\\")
        lexer.rawQuotes = true
        lexer.rawEscapes = true
        lexer.skipUnsetEnv = true
        // A line that doesn't lex (an unclosed quote) has no heredocs, as in BuildKit.
        guard let words = try? lexer.processWords(line) else { return [] }
        var docs: [Heredoc] = []
        for word in words {
            if let doc = try parse(word) { docs.append(doc) }
        }
        return docs
    }

    /// The heredoc a single word introduces, or nil when it introduces none.
    static func parse(_ word: String) throws(Failure) -> Heredoc? {
        // ^(\d*)<<(-?)\s*([^<]*)$
        var r = Array(word.unicodeScalars)[...]
        while let c = r.first, ("0"..."9").contains(c) { r = r.dropFirst() }
        guard r.starts(with: ["<", "<"]) else { return nil }
        r = r.dropFirst(2)
        var chomp = false
        if r.first == "-" {
            chomp = true
            r = r.dropFirst()
        }
        while let c = r.first, isRegexSpace(c) { r = r.dropFirst() }
        guard !r.isEmpty, !r.contains("<") else { return nil }
        let rest = String(scalars: r)

        var lexer = ShellLexer(escape: "\\")
        lexer.skipUnsetEnv = true
        let words = try lexer.processWords(rest)
        guard words.count == 1 else { return nil }
        lexer.rawQuotes = true
        let raw = try lexer.processWords(rest)
        guard raw.count == 1 else {
            throw Failure("internal lexing of heredoc produced inconsistent results: \(rest)")
        }
        // Quotes the lexer removed mean part of the delimiter was quoted: no expansion.
        let expand = quoteCount(words[0]) == quoteCount(raw[0])
        return Heredoc(name: words[0], content: "", expand: expand, chomp: chomp)
    }

    private static func quoteCount(_ s: String) -> Int {
        s.unicodeScalars.filter { $0 == "'" || $0 == "\"" }.count
    }

    /// `<<-` removes the leading tabs of every line of the body.
    static func chompLeadingTabs(_ content: String) -> String {
        var out = String.UnicodeScalarView()
        var atLineStart = true
        for c in content.unicodeScalars {
            if atLineStart && c == "\t" { continue }
            atLineStart = c == "\n"
            out.append(c)
        }
        return String(out)
    }
}
