// How Docker's line parser cuts an instruction line into keyword, `--flags` and
// arguments. Quotes are kept in argument words (they are removed later, when the word
// is expanded), but removed from flags.

/// Splits a joined instruction line into keyword, flags and the rest (trimmed).
func splitCommand(_ line: String, escape: Unicode.Scalar) -> (keyword: String, flags: [String], rest: String) {
    let parts = splitOnLineSpace(trimGoSpace(line), limit: 2)
    guard parts.count == 2 else { return (parts[0], [], "") }
    let (rest, flags) = extractBuilderFlags(parts[1], escape: escape)
    return (parts[0], flags, trimGoSpace(rest))
}

/// Takes the leading `--flag[=value]` words off a line. A word "--" ends the flags.
/// Quotes inside flag words are removed and the escape character escapes the next one.
func extractBuilderFlags(_ line: String, escape: Unicode.Scalar) -> (rest: String, flags: [String]) {
    enum Phase { case spaces, word, quote }
    let r = Array(line.unicodeScalars)
    let n = r.count
    var words: [String] = []
    var phase = Phase.spaces
    var word = String.UnicodeScalarView()
    var quote: Unicode.Scalar = "\0"
    var blankOK = false
    var pos = 0
    while pos <= n {
        if phase == .spaces {
            if pos == n { break }
            if isGoSpace(r[pos]) { pos += 1; continue }
            // Only words starting with "--" are flags; the rest of the line is not.
            if r[pos] != "-" || pos + 1 == n || r[pos + 1] != "-" {
                return (String(scalars: r[pos...]), words)
            }
            phase = .word
        }
        if pos == n {
            let w = String(word)
            if w != "--" && (blankOK || !w.isEmpty) { words.append(w) }
            break
        }
        let ch = r[pos]
        if phase == .word {
            if isGoSpace(ch) {
                let w = String(word)
                phase = .spaces
                if w == "--" { return (String(scalars: r[pos...]), words) }
                if blankOK || !w.isEmpty { words.append(w) }
                word = String.UnicodeScalarView()
                blankOK = false
                pos += 1
                continue
            }
            if ch == "'" || ch == "\"" {
                quote = ch
                blankOK = true
                phase = .quote
                pos += 1
                continue
            }
            var c = ch
            if ch == escape {
                if pos + 1 == n { pos += 1; continue }
                pos += 1
                c = r[pos]
            }
            word.append(c)
            pos += 1
            continue
        }
        // Inside quotes.
        if ch == quote {
            phase = .word
            pos += 1
            continue
        }
        var c = ch
        if ch == escape {
            if pos + 1 == n { phase = .word; pos += 1; continue }
            pos += 1
            c = r[pos]
        }
        word.append(c)
        pos += 1
    }
    return ("", words)
}

/// Splits on unquoted whitespace, keeping quotes and escapes in the words (ENV, LABEL,
/// ARG). Text inside quotes is never split; the escape character keeps the next
/// character (a quote, a blank) in the word, except inside single quotes.
func parseWords(_ rest: String, escape: Unicode.Scalar) -> [String] {
    enum Phase { case spaces, word, quote }
    let r = Array(rest.unicodeScalars)
    let n = r.count
    var words: [String] = []
    var phase = Phase.spaces
    var quote: Unicode.Scalar = "\0"
    var blankOK = false
    var word = String.UnicodeScalarView()
    var pos = 0
    while pos <= n {
        if phase == .spaces {
            if pos == n { break }
            if isGoSpace(r[pos]) { pos += 1; continue }
            phase = .word
        }
        if pos == n {
            if blankOK || !word.isEmpty { words.append(String(word)) }
            break
        }
        var ch = r[pos]
        if phase == .word {
            if isGoSpace(ch) {
                phase = .spaces
                if blankOK || !word.isEmpty { words.append(String(word)) }
                word = String.UnicodeScalarView()
                blankOK = false
                pos += 1
                continue
            }
            if ch == "'" || ch == "\"" {
                quote = ch
                blankOK = true
                phase = .quote
            }
            if ch == escape {
                if pos + 1 == n { pos += 1; continue } // an escape at the very end is dropped
                word.append(ch)
                pos += 1
                ch = r[pos]
            }
            word.append(ch)
            pos += 1
            continue
        }
        // Inside quotes: the escape works in double quotes only.
        if ch == quote { phase = .word }
        if ch == escape && quote != "'" {
            if pos + 1 == n { phase = .word; pos += 1; continue }
            pos += 1
            word.append(ch)
            ch = r[pos]
        }
        word.append(ch)
        pos += 1
    }
    return words
}
