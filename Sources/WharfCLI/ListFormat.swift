import WharfClient

/// docker's list formatting (`formatter.Context`): `table …` formats go through the tab
/// writer with a header row; other formats print one template result per line; `json`
/// means `{{json .}}`. `\t` and `\n` written literally in the format are unescaped.
enum ListFormat {
    static func render(format: String, rows: [JSON], headers: [String: String]) throws -> String {
        var f = format
        let isTable = f.hasPrefix("table")
        if isTable { f = String(f.dropFirst(5)) } else if f == "json" { f = "{{json .}}" }
        f = f.trimming(" ").replacingAll("\\t", "\t").replacingAll("\\n", "\n")
        var template: GoTemplate
        do {
            template = try GoTemplate(f)
            template.escapeHTMLInObjects = true
        } catch {
            throw CLIError.message("template parsing error: \(error)")
        }
        var body = ""
        for row in rows {
            do {
                body += try template.execute(row) + "\n"
            } catch {
                throw CLIError.message("template parsing error: \(error)")
            }
        }
        guard isTable else { return body }
        var tw = TabWriter()
        let headerObject = JSON.object(headers.keys.sorted().map { JSON.Member($0, .string(headers[$0]!)) })
        let header = (try? template.execute(headerObject)) ?? ""
        tw.add(header + "\n")
        tw.add(body)
        return tw.render()
    }

    /// docker's `TruncateID`: drop an algorithm prefix, keep 12 characters.
    static func truncateID(_ id: String) -> String {
        var s = Substring(id)
        if let colon = s.firstIndex(of: ":") { s = s[s.index(after: colon)...] }
        return String(s.prefix(12))
    }

    /// docker's `Ellipsis`: at most `max` characters, the last one `…` when cut.
    static func ellipsis(_ s: String, _ max: Int) -> String {
        let scalars = Array(s.unicodeScalars)
        guard scalars.count > max else { return s }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars.prefix(max - 1))
        return String(out) + "…"
    }

    /// Go's `strconv.Quote`.
    static func goQuote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\u{07}": out += "\\a"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\u{0B}": out += "\\v"
            default:
                if u.value < 0x20 || u.value == 0x7F {
                    let hex = String(u.value, radix: 16)
                    out += "\\x" + (hex.count < 2 ? "0" : "") + hex
                } else {
                    out.unicodeScalars.append(u)
                }
            }
        }
        return out + "\""
    }
}

extension StringProtocol {
    func trimming(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
