/// The line-level pass of Docker's parser: parser directives, comments, line
/// continuations, here-document bodies, and the cutting of each logical line into a
/// `RawNode`. Errors here are reported by Docker without a line number.
struct NodeReader {
    private(set) var directives = Directives()
    private(set) var nodes: [RawNode] = []

    static func read(_ text: String) throws(Failure) -> NodeReader {
        var reader = NodeReader()
        try reader.run(physicalLines(text))
        if reader.nodes.isEmpty { throw Failure("file with no instructions") }
        return reader
    }

    /// Lines with their endings kept (heredoc bodies keep them); a UTF-8 byte order mark
    /// at the start is dropped.
    static func physicalLines(_ text: String) -> [String] {
        var bytes = Array(text.utf8)[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        var lines: [String] = []
        var start = bytes.startIndex
        for i in bytes.indices where bytes[i] == 0x0A {
            lines.append(String(decoding: bytes[start...i], as: UTF8.self))
            start = i + 1
        }
        if start < bytes.endIndex { lines.append(String(decoding: bytes[start...], as: UTF8.self)) }
        return lines
    }

    private mutating func run(_ lines: [String]) throws(Failure) {
        var i = 0
        var currentLine = 0
        while i < lines.count {
            let first = trimLeftGoSpace(Self.trimNewline(lines[i]))
            _ = try directives.consider(first)
            i += 1
            currentLine += 1
            let startLine = currentLine

            var (text, isEnd) = trimContinuation(Self.stripComment(first))
            if isEnd && text.isEmpty { continue }

            var line = text
            while !isEnd && i < lines.count {
                let raw = Self.trimNewline(lines[i])
                _ = try directives.consider(raw)
                i += 1
                currentLine += 1
                // Comments and blank lines inside a continued instruction are dropped.
                if Self.isComment(raw) { continue }
                if trimLeftGoSpace(raw).isEmpty { continue }
                (text, isEnd) = trimContinuation(raw)
                line += text
            }

            var node = try LineParsers.node(from: line, escape: directives.escape)

            if node.canContainHeredoc && line.contains("<<") {
                for var doc in try HeredocWords.find(in: line) {
                    var body = ""
                    var terminated = false
                    while i < lines.count {
                        let raw = lines[i]
                        i += 1
                        currentLine += 1
                        var candidate = Array(Self.trimNewline(raw).unicodeScalars)[...]
                        if doc.chomp { while candidate.first == "\t" { candidate = candidate.dropFirst() } }
                        // Compared scalar by scalar: String equality would equate
                        // canonically equivalent spellings, Go compares bytes.
                        if candidate.elementsEqual(doc.name.unicodeScalars) {
                            terminated = true
                            break
                        }
                        body += raw
                    }
                    if !terminated { throw Failure("unterminated heredoc") }
                    doc.content = body
                    node.heredocs.append(doc)
                }
            }
            node.startLine = startLine
            node.endLine = currentLine
            nodes.append(node)
        }
    }

    /// Removes every trailing "\r" and "\n".
    static func trimNewline(_ s: String) -> String {
        var r = Array(s.unicodeScalars)[...]
        while let l = r.last, l == "\n" || l == "\r" { r = r.dropLast() }
        return String(scalars: r)
    }

    static func isComment(_ s: String) -> Bool {
        trimLeftGoSpace(s).unicodeScalars.first == "#"
    }

    static func stripComment(_ s: String) -> String {
        isComment(s) ? "" : s
    }

    /// An escape character at the end of the line (blanks after it allowed) continues
    /// the instruction on the next line, unless it is itself escaped (`\\`). The escape
    /// and the blanks go; nothing is put in their place.
    private func trimContinuation(_ s: String) -> (String, Bool) {
        let esc = directives.escape
        var r = Array(s.unicodeScalars)[...]
        while let l = r.last, l == " " || l == "\t" { r = r.dropLast() }
        guard r.last == esc else { return (s, true) }
        r = r.dropLast()
        if r.last == esc { return (s, true) }
        return (String(scalars: r), false)
    }
}
