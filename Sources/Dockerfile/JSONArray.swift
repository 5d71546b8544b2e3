/// The exec form test Docker applies: the arguments are a JSON array of strings. Any
/// text that is not valid JSON (or not an array) falls back to the shell form, but a
/// valid array holding anything other than strings is an error.
enum JSONArray {
    enum Outcome: Equatable {
        case strings([String])
        case notJSON
    }

    static let notStringsMessage = "when using JSON array syntax, arrays must be comprised of strings only"

    static func parse(_ text: String) throws(Failure) -> Outcome {
        let s = Array(trimLeftGoSpace(text).utf8)
        guard s.first == UInt8(ascii: "[") else { return .notJSON }
        var p = Parser(s: s)
        guard let value = p.document() else { return .notJSON }
        guard case .array(let items) = value else { return .notJSON }
        var out: [String] = []
        for item in items {
            guard case .string(let str) = item else { throw Failure(notStringsMessage) }
            out.append(str)
        }
        return .strings(out)
    }

    private indirect enum Value {
        case string(String)
        case array([Value])
        case other
    }

    /// A small strict JSON reader (RFC 8259, as Go's encoding/json accepts it).
    private struct Parser {
        let s: [UInt8]
        var i = 0

        init(s: [UInt8]) { self.s = s }

        mutating func document() -> Value? {
            skipSpace()
            guard let v = value() else { return nil }
            skipSpace()
            return i == s.count ? v : nil
        }

        mutating func skipSpace() {
            while i < s.count, s[i] == 0x20 || s[i] == 0x09 || s[i] == 0x0A || s[i] == 0x0D { i += 1 }
        }

        mutating func value() -> Value? {
            guard i < s.count else { return nil }
            switch s[i] {
            case UInt8(ascii: "["):
                i += 1
                var items: [Value] = []
                skipSpace()
                if i < s.count, s[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                while true {
                    skipSpace()
                    guard let v = value() else { return nil }
                    items.append(v)
                    skipSpace()
                    guard i < s.count else { return nil }
                    if s[i] == UInt8(ascii: ",") { i += 1; continue }
                    if s[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                    return nil
                }
            case UInt8(ascii: "{"):
                i += 1
                skipSpace()
                if i < s.count, s[i] == UInt8(ascii: "}") { i += 1; return .other }
                while true {
                    skipSpace()
                    guard i < s.count, s[i] == UInt8(ascii: "\""), string() != nil else { return nil }
                    skipSpace()
                    guard i < s.count, s[i] == UInt8(ascii: ":") else { return nil }
                    i += 1
                    skipSpace()
                    guard value() != nil else { return nil }
                    skipSpace()
                    guard i < s.count else { return nil }
                    if s[i] == UInt8(ascii: ",") { i += 1; continue }
                    if s[i] == UInt8(ascii: "}") { i += 1; return .other }
                    return nil
                }
            case UInt8(ascii: "\""):
                return string().map { .string($0) }
            case UInt8(ascii: "t"):
                return literal("true")
            case UInt8(ascii: "f"):
                return literal("false")
            case UInt8(ascii: "n"):
                return literal("null")
            default:
                return number()
            }
        }

        mutating func literal(_ word: String) -> Value? {
            let w = Array(word.utf8)
            guard i + w.count <= s.count, Array(s[i..<i + w.count]) == w else { return nil }
            i += w.count
            return .other
        }

        mutating func number() -> Value? {
            let start = i
            if i < s.count, s[i] == UInt8(ascii: "-") { i += 1 }
            guard i < s.count, isDigit(s[i]) else { return nil }
            if s[i] == UInt8(ascii: "0") { i += 1 } else { while i < s.count, isDigit(s[i]) { i += 1 } }
            if i < s.count, s[i] == UInt8(ascii: ".") {
                i += 1
                guard i < s.count, isDigit(s[i]) else { return nil }
                while i < s.count, isDigit(s[i]) { i += 1 }
            }
            if i < s.count, s[i] == UInt8(ascii: "e") || s[i] == UInt8(ascii: "E") {
                i += 1
                if i < s.count, s[i] == UInt8(ascii: "+") || s[i] == UInt8(ascii: "-") { i += 1 }
                guard i < s.count, isDigit(s[i]) else { return nil }
                while i < s.count, isDigit(s[i]) { i += 1 }
            }
            return i > start ? .other : nil
        }

        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

        /// Reads a string at s[i] == '"'.
        mutating func string() -> String? {
            i += 1
            var bytes: [UInt8] = []
            while i < s.count {
                let b = s[i]
                switch b {
                case UInt8(ascii: "\""):
                    i += 1
                    return String(decoding: bytes, as: UTF8.self)
                case UInt8(ascii: "\\"):
                    i += 1
                    guard i < s.count else { return nil }
                    let e = s[i]
                    i += 1
                    switch e {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(e)
                    case UInt8(ascii: "b"): bytes.append(0x08)
                    case UInt8(ascii: "f"): bytes.append(0x0C)
                    case UInt8(ascii: "n"): bytes.append(0x0A)
                    case UInt8(ascii: "r"): bytes.append(0x0D)
                    case UInt8(ascii: "t"): bytes.append(0x09)
                    case UInt8(ascii: "u"):
                        guard var code = hex4() else { return nil }
                        if (0xD800..<0xDC00).contains(code) {
                            // A surrogate pair, or U+FFFD when the low half is missing.
                            let save = i
                            if i + 1 < s.count, s[i] == UInt8(ascii: "\\"), s[i + 1] == UInt8(ascii: "u") {
                                i += 2
                                if let low = hex4(), (0xDC00..<0xE000).contains(low) {
                                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                                } else {
                                    i = save
                                    code = 0xFFFD
                                }
                            } else {
                                code = 0xFFFD
                            }
                        } else if (0xDC00..<0xE000).contains(code) {
                            code = 0xFFFD
                        }
                        bytes.append(contentsOf: Array(String(Unicode.Scalar(code) ?? "\u{FFFD}").utf8))
                    default:
                        return nil
                    }
                default:
                    if b < 0x20 { return nil }
                    bytes.append(b)
                    i += 1
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard i + 4 <= s.count else { return nil }
            var v: UInt32 = 0
            for k in 0..<4 {
                let b = s[i + k]
                let d: UInt32
                switch b {
                case 0x30...0x39: d = UInt32(b - 0x30)
                case 0x41...0x46: d = UInt32(b - 0x41 + 10)
                case 0x61...0x66: d = UInt32(b - 0x61 + 10)
                default: return nil
                }
                v = v * 16 + d
            }
            i += 4
            return v
        }
    }
}
