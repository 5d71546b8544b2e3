// Dockerfile text is handled as Unicode scalars, never Characters: a "\r\n" pair is one
// Character in Swift, and Docker's Go code reasons byte- or rune-wise about line ends,
// escapes and quotes.

extension String {
    init<S: Sequence>(scalars: S) where S.Element == Unicode.Scalar {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        self = String(view)
    }
}

/// Go's unicode.IsSpace (Latin-1 spaces plus the White_Space property; the same set).
@inline(__always)
func isGoSpace(_ s: Unicode.Scalar) -> Bool { s.properties.isWhitespace }

/// The `[\t\v\f\r ]` class Docker's parser splits instruction words on (no newline).
@inline(__always)
func isLineSpace(_ s: Unicode.Scalar) -> Bool {
    s == " " || s == "\t" || s == "\u{0B}" || s == "\u{0C}" || s == "\r"
}

/// strings.TrimSpace.
func trimGoSpace(_ s: String) -> String {
    let r = Array(s.unicodeScalars)
    var lo = 0, hi = r.count
    while lo < hi, isGoSpace(r[lo]) { lo += 1 }
    while hi > lo, isGoSpace(r[hi - 1]) { hi -= 1 }
    return String(scalars: r[lo..<hi])
}

/// strings.TrimLeftFunc(s, unicode.IsSpace).
func trimLeftGoSpace(_ s: String) -> String {
    let r = Array(s.unicodeScalars)
    var lo = 0
    while lo < r.count, isGoSpace(r[lo]) { lo += 1 }
    return String(scalars: r[lo...])
}

/// `regexp.MustCompile("[\t\v\f\r ]+").Split(s, limit)` for limit -1 (all) or 2.
func splitOnLineSpace(_ s: String, limit: Int = -1) -> [String] {
    let r = Array(s.unicodeScalars)
    var parts: [String] = []
    var start = 0, i = 0
    while i < r.count {
        if isLineSpace(r[i]) {
            if limit > 0 && parts.count == limit - 1 { break }
            var j = i
            while j < r.count, isLineSpace(r[j]) { j += 1 }
            parts.append(String(scalars: r[start..<i]))
            start = j
            i = j
            continue
        }
        i += 1
    }
    parts.append(String(scalars: r[start...]))
    return parts
}

/// Go's %q / strconv.Quote, which Docker uses to quote words in its messages.
func goQuote(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\u{07}": out += "\\a"
        case "\u{08}": out += "\\b"
        case "\u{0C}": out += "\\f"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        case "\u{0B}": out += "\\v"
        default:
            if isGoPrintable(u) {
                out.unicodeScalars.append(u)
            } else if u.value < 0x80 {
                out += "\\x" + hex(u.value, width: 2)
            } else if u.value < 0x10000 {
                out += "\\u" + hex(u.value, width: 4)
            } else {
                out += "\\U" + hex(u.value, width: 8)
            }
        }
    }
    return out + "\""
}

private func hex(_ v: UInt32, width: Int) -> String {
    let digits = String(v, radix: 16)
    return String(repeating: "0", count: max(0, width - digits.count)) + digits
}

private func isGoPrintable(_ u: Unicode.Scalar) -> Bool {
    if u == " " { return true }
    switch u.properties.generalCategory {
    case .control, .format, .surrogate, .privateUse, .unassigned,
         .lineSeparator, .paragraphSeparator, .spaceSeparator:
        return false
    default:
        return true
    }
}

/// strings.Cut: the text before and after the first `separator`, or nil without one.
func cutOnce(_ s: String, at separator: Unicode.Scalar) -> (String, String)? {
    let r = Array(s.unicodeScalars)
    guard let i = r.firstIndex(of: separator) else { return nil }
    return (String(scalars: r[..<i]), String(scalars: r[(i + 1)...]))
}
