import Glibc
import WharfCore

/// Docker's json-file log format, byte for byte: one object per line,
/// `{"log":"hi\n","stream":"stdout","time":"2026-11-29T16:53:05.612217442Z"}`, strings
/// escaped as Docker's `jsonlog` does (Go's rules: `<`, `>`, `&` and control characters as
/// `\u00XX`, invalid UTF-8 as `\ufffd`, U+2028/2029 escaped).
public enum JSONLog {
    static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `bytes` as a quoted, escaped JSON string.
    public static func appendString(_ s: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var i = 0
        let n = s.count
        var start = 0
        while i < n {
            let b = s[i]
            if b < 0x80 {
                if b >= 0x20 && b != 0x5c && b != 0x22 && b != 0x3c && b != 0x3e && b != 0x26 {
                    i += 1
                    continue
                }
                if start < i { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: s[start..<i])) }
                switch b {
                case 0x5c, 0x22: out.append(0x5c); out.append(b)
                case 0x0a: out.append(0x5c); out.append(UInt8(ascii: "n"))
                case 0x0d: out.append(0x5c); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(0x5c); out.append(UInt8(ascii: "t"))
                default:
                    out.append(contentsOf: [0x5c, UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                            hex[Int(b >> 4)], hex[Int(b & 0xf)]])
                }
                i += 1
                start = i
                continue
            }
            let (scalar, size) = decodeUTF8(s, at: i)
            if scalar < 0 {
                if start < i { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: s[start..<i])) }
                out.append(contentsOf: Array(#"\ufffd"#.utf8))
                i += 1
                start = i
                continue
            }
            if scalar == 0x2028 || scalar == 0x2029 {
                if start < i { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: s[start..<i])) }
                out.append(contentsOf: Array(#"\u202"#.utf8))
                out.append(hex[Int(scalar & 0xf)])
                i += size
                start = i
                continue
            }
            i += size
        }
        if start < n { out.append(contentsOf: UnsafeRawBufferPointer(rebasing: s[start..<n])) }
        out.append(UInt8(ascii: "\""))
    }

    public static func appendString(_ bytes: [UInt8], to out: inout [UInt8]) {
        bytes.withUnsafeBytes { appendString($0, to: &out) }
    }

    public static func appendString(_ bytes: [UInt8], to out: inout String) {
        var b: [UInt8] = []
        appendString(bytes, to: &b)
        out += String(decoding: b, as: UTF8.self)
    }

    /// Go's utf8.DecodeRune for a non-ASCII lead byte: the scalar and its length, or
    /// (-1, 1) for an invalid or truncated sequence (overlong forms and surrogates too).
    static func decodeUTF8(_ s: UnsafeRawBufferPointer, at i: Int) -> (Int32, Int) {
        let b0 = s[i]
        let n = s.count - i
        func cont(_ k: Int, _ lo: UInt8 = 0x80, _ hi: UInt8 = 0xbf) -> Bool {
            k < n && s[i + k] >= lo && s[i + k] <= hi
        }
        switch b0 {
        case 0xc2...0xdf:
            guard cont(1) else { return (-1, 1) }
            return (Int32(b0 & 0x1f) << 6 | Int32(s[i + 1] & 0x3f), 2)
        case 0xe0...0xef:
            let lo: UInt8 = b0 == 0xe0 ? 0xa0 : 0x80
            let hi: UInt8 = b0 == 0xed ? 0x9f : 0xbf
            guard cont(1, lo, hi), cont(2) else { return (-1, 1) }
            return (Int32(b0 & 0x0f) << 12 | Int32(s[i + 1] & 0x3f) << 6 | Int32(s[i + 2] & 0x3f), 3)
        case 0xf0...0xf4:
            let lo: UInt8 = b0 == 0xf0 ? 0x90 : 0x80
            let hi: UInt8 = b0 == 0xf4 ? 0x8f : 0xbf
            guard cont(1, lo, hi), cont(2), cont(3) else { return (-1, 1) }
            return (Int32(b0 & 0x07) << 18 | Int32(s[i + 1] & 0x3f) << 12
                        | Int32(s[i + 2] & 0x3f) << 6 | Int32(s[i + 3] & 0x3f), 4)
        default:
            return (-1, 1)
        }
    }

    /// Appends one log entry and its newline. `partial` entries carry no trailing `\n`
    /// in "log" (Docker adds the newline back only to complete lines).
    public static func appendEntry(line: UnsafeRawBufferPointer, newline: Bool, stream: String,
                                   time: [UInt8], to out: inout [UInt8]) {
        out.append(contentsOf: logPrefix)
        if newline {
            // The line and its "\n" escaped together, without copying the line.
            appendString(line, to: &out)
            out.removeLast()
            out.append(0x5c)
            out.append(UInt8(ascii: "n"))
            out.append(UInt8(ascii: "\""))
        } else {
            appendString(line, to: &out)
        }
        out.append(contentsOf: stream == "stderr" ? stderrPart : stdoutPart)
        out.append(contentsOf: time)
        out.append(contentsOf: entryEnd)
    }

    static let logPrefix: [UInt8] = Array(#"{"log":"#.utf8)
    static let stdoutPart: [UInt8] = Array(#","stream":"stdout","time":""#.utf8)
    static let stderrPart: [UInt8] = Array(#","stream":"stderr","time":""#.utf8)
    static let entryEnd: [UInt8] = Array("\"}\n".utf8)

    /// RFC 3339 with nanoseconds (trailing zeros trimmed, as Go's RFC3339Nano), UTC.
    public static func timeBytes(_ t: Timestamp) -> [UInt8] {
        timeBytes(seconds: t.seconds, nanoseconds: t.nanoseconds)
    }

    public static func timeBytes(seconds: Int64, nanoseconds: Int32) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(30)
        var tt = time_t(seconds)
        var tmv = tm()
        gmtime_r(&tt, &tmv)
        func digits(_ v: Int, _ w: Int) {
            var d = [UInt8](repeating: 0x30, count: w)
            var x = v
            for k in stride(from: w - 1, through: 0, by: -1) {
                d[k] = 0x30 + UInt8(x % 10)
                x /= 10
            }
            out.append(contentsOf: d)
        }
        digits(Int(tmv.tm_year) + 1900, 4); out.append(0x2d)
        digits(Int(tmv.tm_mon) + 1, 2); out.append(0x2d)
        digits(Int(tmv.tm_mday), 2); out.append(UInt8(ascii: "T"))
        digits(Int(tmv.tm_hour), 2); out.append(0x3a)
        digits(Int(tmv.tm_min), 2); out.append(0x3a)
        digits(Int(tmv.tm_sec), 2)
        if nanoseconds != 0 {
            out.append(0x2e)
            digits(Int(nanoseconds), 9)
            while out.last == 0x30 { out.removeLast() }
        }
        out.append(UInt8(ascii: "Z"))
        return out
    }
}

/// Splits one stream's output into log entries the way Docker's log copier does: complete
/// lines at once; a trailing partial line waits for its newline, and is written as a partial
/// entry only when it reaches `maxLine` bytes or the stream ends.
public struct JSONLogLineSplitter: Sendable {
    public let stream: String
    public let maxLine: Int
    private var pending: [UInt8] = []

    public init(stream: String, maxLine: Int = 16 * 1024) {
        self.stream = stream
        self.maxLine = maxLine
    }

    /// Entries for this chunk of output, appended to `out`.
    public mutating func append(_ data: UnsafeRawBufferPointer, time: [UInt8], to out: inout [UInt8]) {
        var p = 0
        let n = data.count
        while p < n {
            guard let q = (p..<n).first(where: { data[$0] == 0x0a }) else { break }
            if pending.isEmpty {
                JSONLog.appendEntry(line: UnsafeRawBufferPointer(rebasing: data[p..<q]), newline: true,
                                    stream: stream, time: time, to: &out)
            } else {
                pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[p..<q]))
                pending.withUnsafeBytes {
                    JSONLog.appendEntry(line: $0, newline: true, stream: stream, time: time, to: &out)
                }
                pending.removeAll(keepingCapacity: true)
            }
            p = q + 1
        }
        if p < n {
            pending.append(contentsOf: UnsafeRawBufferPointer(rebasing: data[p..<n]))
            while pending.count >= maxLine {
                pending.withUnsafeBytes {
                    JSONLog.appendEntry(line: UnsafeRawBufferPointer(rebasing: $0[0..<maxLine]), newline: false,
                                        stream: stream, time: time, to: &out)
                }
                pending.removeFirst(maxLine)
            }
        }
    }

    public mutating func append(_ data: [UInt8], time: [UInt8], to out: inout [UInt8]) {
        data.withUnsafeBytes { append($0, time: time, to: &out) }
    }

    /// The stream ended: whatever is left is one last partial entry.
    public mutating func finish(time: [UInt8], to out: inout [UInt8]) {
        if pending.isEmpty { return }
        pending.withUnsafeBytes {
            JSONLog.appendEntry(line: $0, newline: false, stream: stream, time: time, to: &out)
        }
        pending.removeAll()
    }
}

/// A container's json-file log with Docker's size-based rotation (`--log-opt max-size`,
/// `--log-opt max-file`).
///
/// Before an entry that would take the file past `maxSize` is written, the file is rotated:
/// with `maxFile` N ≥ 2, `<log>.{N-1}` is removed, `<log>.{N-2}` … `<log>.1` move up by one,
/// `<log>` becomes `<log>.1` and a new, empty `<log>` is opened; with `maxFile` 1 the
/// current file is replaced by an empty one. A file is never rotated while empty, so an
/// entry larger than `maxSize` gets a file of its own. Entries are never split.
///
/// The size is tracked in memory (one fstat at open): a write costs the write(2) alone.
/// The descriptor is O_APPEND. Not thread-safe: one owner (the shim's loop) writes.
public final class RotatingLogFile {
    public let path: String
    /// 0: never rotate.
    public let maxSize: Int64
    /// How many files are kept, the current one included (≥ 1).
    public let maxFile: Int
    /// Bytes in the current file, as far as this writer knows.
    public private(set) var size: Int64 = 0
    private var fd: Int32 = -1

    /// Opens (creating) `path` for appending. `maxSize` nil or ≤ 0 means unlimited;
    /// `maxFile` defaults to 1, as Docker's.
    public init(path: String, maxSize: Int64? = nil, maxFile: Int? = nil) throws {
        self.path = path
        self.maxSize = max(0, maxSize ?? 0)
        self.maxFile = max(1, maxFile ?? 1)
        guard open(truncate: false) else {
            throw WharfError.internalError("open \(path): \(String(cString: strerror(errno)))")
        }
    }

    deinit {
        if fd >= 0 { Glibc.close(fd) }
    }

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// The path of rotated file `n` (`<log>.n`).
    public func rotatedPath(_ n: Int) -> String { path + "." + String(n) }

    private func open(truncate: Bool) -> Bool {
        let flags = O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | (truncate ? O_TRUNC : 0)
        fd = Glibc.open(path, flags, 0o640)
        guard fd >= 0 else { return false }
        if truncate {
            size = 0
        } else {
            var st = stat()
            size = fstat(fd, &st) == 0 ? Int64(st.st_size) : 0
        }
        return true
    }

    /// Writes whole entries (each ending in "\n"; several at once are fine). Rotation
    /// happens between entries as needed; every run of entries that stays in one file is
    /// written with one write(2).
    public func write(_ entries: UnsafeRawBufferPointer) throws {
        let n = entries.count
        guard n > 0, let base = entries.baseAddress else { return }
        if fd < 0 && !open(truncate: false) {
            throw WharfError.internalError("open \(path): \(String(cString: strerror(errno)))")
        }
        if maxSize <= 0 {
            try append(UnsafeRawBufferPointer(start: base, count: n))
            return
        }
        var start = 0   // first byte not written yet
        var p = 0       // first byte of the next entry
        while p < n {
            var end = n
            if let nl = memchr(base + p, 0x0a, n - p) {
                end = base.distance(to: UnsafeRawPointer(nl)) + 1
            }
            let pending = Int64(p - start)
            if size + pending > 0 && size + pending + Int64(end - p) > maxSize {
                if p > start { try append(UnsafeRawBufferPointer(start: base + start, count: p - start)) }
                start = p
                try rotate()
            }
            p = end
        }
        if start < n { try append(UnsafeRawBufferPointer(start: base + start, count: n - start)) }
    }

    public func write(_ entries: [UInt8]) throws {
        try entries.withUnsafeBytes { try write($0) }
    }

    private func append(_ bytes: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < bytes.count {
            let w = Glibc.write(fd, bytes.baseAddress! + off, bytes.count - off)
            if w < 0 {
                if errno == EINTR { continue }
                let e = errno
                // Whatever part went out counts: learn the true size again.
                var st = stat()
                if fstat(fd, &st) == 0 { size = Int64(st.st_size) }
                throw WharfError.internalError("write \(path): \(String(cString: strerror(e)))")
            }
            off += w
            size += Int64(w)
        }
    }

    /// Moves the files along (or drops the current one with `maxFile` 1) and starts an
    /// empty `<log>`. As Docker's, the current file is replaced rather than truncated in
    /// place, so a reader that has it open still reads it whole.
    public func rotate() throws {
        if maxFile >= 2 {
            unlink(rotatedPath(maxFile - 1))
            var i = maxFile - 1
            while i > 1 {
                rename(rotatedPath(i - 1), rotatedPath(i))  // ENOENT: not there yet
                i -= 1
            }
            rename(path, rotatedPath(1))
        } else {
            unlink(path)
        }
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        size = 0
        guard open(truncate: true) else {
            throw WharfError.internalError("open \(path): \(String(cString: strerror(errno)))")
        }
    }
}
