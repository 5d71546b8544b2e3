extension JSON {
    /// Compact JSON as Go's `json.Marshal` writes it (HTML characters escaped).
    public var compact: String {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        write(into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Compact JSON plus the `\n` of Go's `json.Encoder`: a request body.
    public var line: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(2048)
        write(into: &out)
        out.append(10)
        return out
    }

    public func write(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): JSON.writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, v) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                v.write(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, m) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSON.writeString(m.key, into: &out)
                out.append(UInt8(ascii: ":"))
                m.value.write(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    static func writeString(_ s: String, into out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        out.append(UInt8(ascii: "\""))
        var utf8 = Array(s.utf8)[...]
        while let b = utf8.popFirst() {
            switch b {
            case UInt8(ascii: "\""): out.append(contentsOf: [92, UInt8(ascii: "\"")])
            case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
            case 10: out.append(contentsOf: [92, UInt8(ascii: "n")])
            case 13: out.append(contentsOf: [92, UInt8(ascii: "r")])
            case 9: out.append(contentsOf: [92, UInt8(ascii: "t")])
            case 0..<32, UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "&"):
                out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(b >> 4)], hex[Int(b & 15)]])
            case 0xE2 where utf8.count >= 2 && utf8[utf8.startIndex] == 0x80
                && (utf8[utf8.startIndex + 1] == 0xA8 || utf8[utf8.startIndex + 1] == 0xA9):
                // U+2028 and U+2029, which Go escapes too.
                let last = utf8[utf8.startIndex + 1]
                utf8 = utf8.dropFirst(2)
                out.append(contentsOf: Array("\\u202".utf8))
                out.append(last == 0xA8 ? UInt8(ascii: "8") : UInt8(ascii: "9"))
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// Re-indents JSON text as Go's `json.Indent(dst, src, "", indent)` does: strings are
    /// kept byte for byte, empty arrays and objects stay `[]` and `{}`.
    public static func indent(_ src: [UInt8], indent: String = "    ") -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(src.count * 2)
        let ind = Array(indent.utf8)
        var depth = 0
        var inString = false
        var escaped = false
        var needIndent = false  // an opening bracket was written; newline pending unless it closes at once
        func newline(_ out: inout [UInt8], _ d: Int) {
            out.append(10)
            for _ in 0..<d { out.append(contentsOf: ind) }
        }
        for c in src {
            if inString {
                out.append(c)
                if escaped { escaped = false } else if c == 92 { escaped = true } else if c == 34 { inString = false }
                continue
            }
            if c == 32 || c == 9 || c == 10 || c == 13 { continue }
            if needIndent && c != UInt8(ascii: "]") && c != UInt8(ascii: "}") {
                needIndent = false
                depth += 1
                newline(&out, depth)
            }
            switch c {
            case 34:
                inString = true
                out.append(c)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                out.append(c)
                needIndent = true
            case UInt8(ascii: ","):
                out.append(c)
                newline(&out, depth)
            case UInt8(ascii: ":"):
                out.append(c)
                out.append(32)
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                if needIndent {
                    needIndent = false
                } else {
                    depth -= 1
                    newline(&out, depth)
                }
                out.append(c)
            default:
                out.append(c)
            }
        }
        return out
    }
}
