/// Reads Docker's json-file log lines (`{"log":"…","stream":"stdout","time":"…"}`) without
/// a general JSON decoder: `docker logs` of a large log is dominated by this loop.
/// Lines that do not have this exact shape fall back to the caller's decoder.
enum JSONLogReader {
    struct Entry {
        var log: [UInt8]
        var isStderr: Bool
        /// The raw RFC 3339 text (times never contain escapes).
        var time: ArraySlice<UInt8>

        var timeString: String { String(decoding: time, as: UTF8.self) }
    }

    static func parse(_ line: ArraySlice<UInt8>) -> Entry? {
        var i = line.startIndex
        let end = line.endIndex
        var log: [UInt8]? = nil
        var isStderr: Bool? = nil
        var time: ArraySlice<UInt8>? = nil
        @inline(__always) func skipSpaces() { while i < end, line[i] == 32 { i += 1 } }
        skipSpaces()
        guard i < end, line[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        while true {
            skipSpaces()
            guard i < end else { return nil }
            if line[i] == UInt8(ascii: "}") { break }
            if line[i] == UInt8(ascii: ",") { i += 1; skipSpaces() }
            guard let key = rawString(line, &i) else { return nil }
            skipSpaces()
            guard i < end, line[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            skipSpaces()
            // Only string values are expected (attrs objects are not written by the shim).
            if key.elementsEqual("log".utf8) {
                guard let v = readString(line, &i) else { return nil }
                log = v
            } else {
                guard let v = rawString(line, &i) else { return nil }
                if key.elementsEqual("stream".utf8) {
                    isStderr = v.elementsEqual("stderr".utf8)
                } else if key.elementsEqual("time".utf8) {
                    time = v
                }
            }
        }
        guard let log, let isStderr, let time else { return nil }
        return Entry(log: log, isStderr: isStderr, time: time)
    }

    /// A JSON string without escapes, as a slice of the line (keys, stream names, times).
    private static func rawString(_ b: ArraySlice<UInt8>, _ i: inout Int) -> ArraySlice<UInt8>? {
        guard i < b.endIndex, b[i] == UInt8(ascii: "\"") else { return nil }
        let start = i + 1
        var j = start
        while j < b.endIndex {
            if b[j] == UInt8(ascii: "\"") {
                i = j + 1
                return b[start..<j]
            }
            if b[j] == UInt8(ascii: "\\") { return nil }
            j += 1
        }
        return nil
    }

    /// A JSON string at `i` (which must be a quote), unescaped; `i` ends after the quote.
    private static func readString(_ b: ArraySlice<UInt8>, _ i: inout Int) -> [UInt8]? {
        guard i < b.endIndex, b[i] == UInt8(ascii: "\"") else { return nil }
        i += 1
        var out: [UInt8] = []
        var runStart = i
        while i < b.endIndex {
            let c = b[i]
            if c == UInt8(ascii: "\"") {
                out.append(contentsOf: b[runStart..<i])
                i += 1
                return out
            }
            if c != UInt8(ascii: "\\") { i += 1; continue }
            out.append(contentsOf: b[runStart..<i])
            i += 1
            guard i < b.endIndex else { return nil }
            let e = b[i]
            i += 1
            switch e {
            case UInt8(ascii: "n"): out.append(10)
            case UInt8(ascii: "r"): out.append(13)
            case UInt8(ascii: "t"): out.append(9)
            case UInt8(ascii: "b"): out.append(8)
            case UInt8(ascii: "f"): out.append(12)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): out.append(e)
            case UInt8(ascii: "u"):
                guard var scalar = hex4(b, i) else { return nil }
                i += 4
                // A surrogate pair is two \u escapes.
                if scalar >= 0xD800 && scalar < 0xDC00, i + 6 <= b.endIndex, b[i] == UInt8(ascii: "\\"),
                   b[i + 1] == UInt8(ascii: "u"), let low = hex4(b, i + 2), low >= 0xDC00, low < 0xE000 {
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    i += 6
                }
                let u = Unicode.Scalar(scalar) ?? "\u{FFFD}"
                out.append(contentsOf: Array(String(Character(u)).utf8))
            default:
                return nil
            }
            runStart = i
        }
        return nil
    }

    private static func hex4(_ b: ArraySlice<UInt8>, _ at: Int) -> UInt32? {
        guard at + 4 <= b.endIndex else { return nil }
        var v: UInt32 = 0
        for k in 0..<4 {
            let c = b[at + k]
            let d: UInt32
            switch c {
            case 48...57: d = UInt32(c - 48)
            case 65...70: d = UInt32(c - 55)
            case 97...102: d = UInt32(c - 87)
            default: return nil
            }
            v = v << 4 | d
        }
        return v
    }
}
