/// The per-keyword line parsers of Docker's parser package: how the text after the
/// keyword and flags becomes argument words. Unknown keywords parse to nothing here;
/// they are reported later, with their line, like Docker does.
enum LineParsers {
    static func node(from line: String, escape: Unicode.Scalar) throws(Failure) -> RawNode {
        let (keyword, flags, rest) = splitCommand(line, escape: escape)
        var node = RawNode(keyword: keyword, flags: flags, original: line)
        switch keyword.lowercased() {
        case "add", "copy", "volume":
            (node.args, node.isJSON) = try maybeJSONToList(rest)
        case "arg":
            node.args = parseWords(rest, escape: escape)
        case "cmd", "entrypoint", "run", "shell":
            (node.args, node.isJSON) = try maybeJSON(rest)
        case "env":
            node.args = try nameValues(rest, keyword: "ENV", escape: escape)
        case "label":
            node.args = try nameValues(rest, keyword: "LABEL", escape: escape)
        case "expose", "from":
            node.args = whitespaceDelimited(rest)
        case "healthcheck":
            (node.args, node.isJSON) = try healthConfig(rest)
        case "maintainer", "stopsignal", "user", "workdir":
            node.args = rest.isEmpty ? [] : [rest]
        case "onbuild":
            if !rest.isEmpty { node.trigger = [try self.node(from: rest, escape: escape)] }
        default:
            break
        }
        return node
    }

    static func whitespaceDelimited(_ rest: String) -> [String] {
        rest.isEmpty ? [] : splitOnLineSpace(rest)
    }

    /// JSON array, else the whole rest as one shell-form argument.
    static func maybeJSON(_ rest: String) throws(Failure) -> ([String], Bool) {
        if rest.isEmpty { return ([], false) }
        if case .strings(let a) = try JSONArray.parse(rest) { return (a, true) }
        return ([rest], false)
    }

    /// JSON array, else whitespace-separated words (no quoting: a shell-form COPY
    /// can't name a path with spaces).
    static func maybeJSONToList(_ rest: String) throws(Failure) -> ([String], Bool) {
        if case .strings(let a) = try JSONArray.parse(rest) { return (a, true) }
        return (whitespaceDelimited(rest), false)
    }

    /// ENV and LABEL: `key=value …`, or the legacy `key value with spaces` when the
    /// first word has no "=". Returns key, value, separator triples.
    static func nameValues(_ rest: String, keyword: String, escape: Unicode.Scalar) throws(Failure) -> [String] {
        let words = parseWords(rest, escape: escape)
        guard let first = words.first else { return [] }
        if cutOnce(first, at: "=") == nil {
            let parts = splitOnLineSpace(rest, limit: 2)
            guard parts.count == 2 else { throw Failure("\(keyword) must have two arguments") }
            return [parts[0], parts[1], ""]
        }
        var out: [String] = []
        for word in words {
            guard let (key, value) = cutOnce(word, at: "=") else {
                throw Failure("Syntax error - can't find = in \(goQuote(word)). Must be of the form: name=value")
            }
            out += [key, value, "="]
        }
        return out
    }

    /// HEALTHCHECK: the type word (NONE, CMD), then a maybe-JSON command.
    static func healthConfig(_ rest: String) throws(Failure) -> ([String], Bool) {
        let r = Array(rest.unicodeScalars)
        var sep = 0
        while sep < r.count, !isGoSpace(r[sep]) { sep += 1 }
        var next = sep
        while next < r.count, isGoSpace(r[next]) { next += 1 }
        if sep == 0 { return ([], false) }
        let (cmd, json) = try maybeJSON(String(scalars: r[next...]))
        return ([String(scalars: r[..<sep])] + cmd, json)
    }
}
