/// The word lexer Docker applies to Dockerfile values (BuildKit's shell.Lex): quotes,
/// the escape character and `$` substitutions, optionally splitting into words. The
/// raw* switches exist for heredoc detection, which must see quotes and escapes intact.
struct ShellLexer {
    var escape: Unicode.Scalar
    var env: [String: String]
    /// Keep quote characters in the output.
    var rawQuotes = false
    /// Keep escape characters in the output.
    var rawEscapes = false
    /// Leave `$name` / `${name…}` of unset variables as written.
    var skipUnsetEnv = false
    /// Treat quote characters as ordinary ones (for heredoc bodies).
    var skipProcessQuotes = false

    private var chars: [Unicode.Scalar] = []
    private var pos = 0

    init(escape: Unicode.Scalar, env: [String: String] = [:]) {
        self.escape = escape
        self.env = env
    }

    /// The expanded word (spaces between words kept).
    mutating func processWord(_ word: String) throws(Failure) -> String {
        try run(word).word
    }

    /// The expanded text split into words; whitespace produced by an unquoted
    /// substitution splits too, as in a shell.
    mutating func processWords(_ text: String) throws(Failure) -> [String] {
        try run(text).words
    }

    private mutating func run(_ source: String) throws(Failure) -> (word: String, words: [String]) {
        chars = Array(source.unicodeScalars)
        pos = 0
        do {
            return try processStop(on: nil, rawEscapes: rawEscapes)
        } catch {
            throw Failure("failed to process \(goQuote(source)): \(error.message)")
        }
    }

    // MARK: scanning

    private func peek() -> Unicode.Scalar? { pos < chars.count ? chars[pos] : nil }

    private mutating func next() -> Unicode.Scalar? {
        guard pos < chars.count else { return nil }
        defer { pos += 1 }
        return chars[pos]
    }

    /// Accumulates words: unquoted whitespace separates them, quoted text never does.
    private struct Words {
        var buf = String.UnicodeScalarView()
        var words: [String] = []
        var inWord = false

        mutating func addChar(_ c: Unicode.Scalar) {
            if isGoSpace(c) {
                if inWord && !buf.isEmpty {
                    words.append(String(buf))
                    buf = String.UnicodeScalarView()
                    inWord = false
                }
            } else {
                addRawChar(c)
            }
        }

        mutating func addRawChar(_ c: Unicode.Scalar) {
            buf.append(c)
            inWord = true
        }

        mutating func addString(_ s: String) {
            for c in s.unicodeScalars { addChar(c) }
        }

        mutating func addRawString(_ s: String) {
            buf.append(contentsOf: s.unicodeScalars)
            inWord = true
        }

        mutating func finish() -> [String] {
            if !buf.isEmpty {
                words.append(String(buf))
                buf = String.UnicodeScalarView()
                inWord = false
            }
            return words
        }
    }

    /// Processes until `stop` (consumed) or the end of input.
    private mutating func processStop(on stop: Unicode.Scalar?, rawEscapes raw: Bool) throws(Failure) -> (word: String, words: [String]) {
        let saved = rawEscapes
        rawEscapes = raw
        defer { rawEscapes = saved }

        var result = String.UnicodeScalarView()
        var words = Words()
        while let ch = peek() {
            if let stop, ch == stop {
                pos += 1
                return (String(result), words.finish())
            }
            switch ch {
            case "$":
                let s = try processDollar()
                result.append(contentsOf: s.unicodeScalars)
                words.addString(s)
            case "<":
                let s = processPossibleHeredoc()
                result.append(contentsOf: s.unicodeScalars)
                words.addRawString(s)
            case "'" where !skipProcessQuotes:
                let s = try processSingleQuote()
                result.append(contentsOf: s.unicodeScalars)
                words.addRawString(s)
            case "\"" where !skipProcessQuotes:
                let s = try processDoubleQuote()
                result.append(contentsOf: s.unicodeScalars)
                words.addRawString(s)
            default:
                pos += 1
                if ch == escape {
                    if rawEscapes {
                        words.addRawChar(ch)
                        result.append(ch)
                    }
                    // The escape takes the next character literally; at the end it vanishes.
                    guard let escaped = next() else { break }
                    words.addRawChar(escaped)
                    result.append(escaped)
                } else {
                    words.addChar(ch)
                    result.append(ch)
                }
            }
        }
        if let stop {
            throw Failure("unexpected end of statement while looking for matching \(String(stop))")
        }
        return (String(result), words.finish())
    }

    /// Everything up to the next single quote is literal; a single quote can't be escaped.
    private mutating func processSingleQuote() throws(Failure) -> String {
        var result = String.UnicodeScalarView()
        let open = next()!
        if rawQuotes { result.append(open) }
        while true {
            guard let ch = next() else {
                throw Failure("unexpected end of statement while looking for matching single-quote")
            }
            if ch == "'" {
                if rawQuotes { result.append(ch) }
                return String(result)
            }
            result.append(ch)
        }
    }

    /// Double quotes keep everything but `$` substitutions; the escape character only
    /// escapes `"`, `$` and itself, and is otherwise kept (as sh does with `\`).
    private mutating func processDoubleQuote() throws(Failure) -> String {
        var result = String.UnicodeScalarView()
        let open = next()!
        if rawQuotes { result.append(open) }
        while true {
            guard let p = peek() else {
                throw Failure("unexpected end of statement while looking for matching double-quote")
            }
            if p == "\"" {
                pos += 1
                if rawQuotes { result.append(p) }
                return String(result)
            }
            if p == "$" {
                result.append(contentsOf: try processDollar().unicodeScalars)
                continue
            }
            var ch = next()!
            if ch == escape {
                if rawEscapes { result.append(ch) }
                guard let following = peek() else { continue }
                if following == "\"" || following == "$" || following == escape {
                    ch = next()!
                }
            }
            result.append(ch)
        }
    }

    private mutating func processDollar() throws(Failure) -> String {
        pos += 1 // "$"
        if peek() != "{" {
            let name = processName()
            if name.isEmpty { return "$" }
            guard let value = env[name] else { return skipUnsetEnv ? "$" + name : "" }
            return value
        }
        pos += 1 // "{"
        switch peek() {
        case nil: throw Failure("syntax error: missing '}'")
        case "{", "}", ":": throw Failure("syntax error: bad substitution")
        default: break
        }
        let name = processName()
        var ch = next()
        var modifier = ch.map { String($0) } ?? ""
        var nullIsUnset = false

        switch ch {
        case "}":
            guard let value = env[name] else { return skipUnsetEnv ? "${\(name)}" : "" }
            return value
        case "/":
            return try processReplacement(name: name)
        case ":", "+", "-", "?", "#", "%":
            if ch == ":" {
                nullIsUnset = true
                ch = next()
                modifier += ch.map { String($0) } ?? ""
            }
            let patternOp = ch == "#" || ch == "%"
            if nullIsUnset && patternOp {
                throw Failure("unsupported modifier (\(modifier)) in substitution")
            }
            let word: String
            do {
                word = try processStop(on: "}", rawEscapes: patternOp).word
            } catch {
                if peek() == nil { throw Failure("syntax error: missing '}'") }
                throw error
            }
            let value = env[name]
            if skipUnsetEnv && value == nil { return "${\(name)\(modifier)\(word)}" }
            let unset = value == nil || (nullIsUnset && value == "")
            switch ch {
            case "-":
                return unset ? word : value!
            case "+":
                return unset ? "" : word
            case "?":
                if value == nil {
                    throw Failure("\(name): \(word.isEmpty ? "is not allowed to be unset" : word)")
                }
                if nullIsUnset && value == "" {
                    throw Failure("\(name): \(word.isEmpty ? "is not allowed to be empty" : word)")
                }
                return value!
            case "#", "%":
                // One character trims the shortest match, a doubled one the longest.
                var pattern = word
                var greedy = false
                if pattern.unicodeScalars.first == ch {
                    greedy = true
                    pattern = String(scalars: pattern.unicodeScalars.dropFirst())
                }
                let glob = try ShellPattern(pattern)
                return ch == "%" ? glob.trimSuffix(of: value ?? "", greedy: greedy)
                                 : glob.trimPrefix(of: value ?? "", greedy: greedy)
            default:
                throw Failure("unsupported modifier (\(modifier)) in substitution")
            }
        default:
            throw Failure("unsupported modifier (\(modifier)) in substitution")
        }
    }

    /// `${name/pattern/replacement}` and `${name//pattern/replacement}`.
    private mutating func processReplacement(name: String) throws(Failure) -> String {
        let all = peek() == "/"
        if all { pos += 1 }
        let pattern: String
        do {
            pattern = try processStop(on: "/", rawEscapes: true).word
        } catch {
            if peek() == nil { throw Failure("syntax error: missing '/' in ${}") }
            throw error
        }
        let replacement: String
        do {
            replacement = try processStop(on: "}", rawEscapes: true).word
        } catch {
            if peek() == nil { throw Failure("syntax error: missing '}'") }
            throw error
        }
        guard let value = env[name] else {
            return skipUnsetEnv ? "${\(name)/\(pattern)/\(replacement)}" : ""
        }
        let glob = try ShellPattern(pattern)
        return glob.replace(in: value, with: replacement, all: all)
    }

    /// A variable name: letters, digits and `_`; or all the digits of a positional
    /// parameter; or one special parameter character.
    private mutating func processName() -> String {
        var name = String.UnicodeScalarView()
        while let ch = peek() {
            if name.isEmpty && isDecimalDigit(ch) {
                while let d = peek(), isDecimalDigit(d) {
                    name.append(d)
                    pos += 1
                }
                return String(name)
            }
            if name.isEmpty && "@*#?-$!0".unicodeScalars.contains(ch) {
                pos += 1
                return String(ch)
            }
            guard isLetter(ch) || isDecimalDigit(ch) || ch == "_" else { break }
            name.append(ch)
            pos += 1
        }
        return String(name)
    }

    /// `<<` followed by blanks stays one token, so a heredoc word (`<< EOF`) is not split.
    private mutating func processPossibleHeredoc() -> String {
        pos += 1
        guard peek() == "<" else { return "<" }
        pos += 1
        var result = "<<"
        while let c = peek(), c == " " || c == "\t" || c == "\r" {
            result.unicodeScalars.append(c)
            pos += 1
        }
        return result
    }
}

func isDecimalDigit(_ c: Unicode.Scalar) -> Bool {
    c.properties.generalCategory == .decimalNumber
}

func isLetter(_ c: Unicode.Scalar) -> Bool {
    switch c.properties.generalCategory {
    case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter: return true
    default: return false
    }
}
