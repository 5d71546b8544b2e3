#if canImport(Glibc)
import Glibc
#endif

/// A wall-clock instant with nanoseconds, printed as Go prints `time.RFC3339Nano` in UTC
/// (trailing zeros of the fraction trimmed), which is what Docker puts in inspect, logs and
/// events. Kept free of Foundation so the shim and the hot paths need no ICU.
public struct Timestamp: Sendable, Hashable, Comparable, Codable {
    public var seconds: Int64
    public var nanoseconds: Int32

    public init(seconds: Int64, nanoseconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
    }

    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(seconds: Int64(ts.tv_sec), nanoseconds: Int32(ts.tv_nsec))
    }

    /// Go's zero time, which Docker prints for times that never happened.
    public static let zero = Timestamp(seconds: -62_135_596_800, nanoseconds: 0)
    public var isZero: Bool { self == .zero }

    public static func < (a: Timestamp, b: Timestamp) -> Bool {
        (a.seconds, a.nanoseconds) < (b.seconds, b.nanoseconds)
    }

    public var unixNanoseconds: Int64 { seconds &* 1_000_000_000 &+ Int64(nanoseconds) }

    /// "2026-11-29T16:53:05.612217442Z"
    public var rfc3339Nano: String {
        if isZero { return "0001-01-01T00:00:00Z" }
        var t = time_t(seconds)
        var tmv = tm()
        gmtime_r(&t, &tmv)
        var s = pad(Int(tmv.tm_year) + 1900, 4) + "-" + pad(Int(tmv.tm_mon) + 1, 2) + "-" + pad(Int(tmv.tm_mday), 2)
        s += "T" + pad(Int(tmv.tm_hour), 2) + ":" + pad(Int(tmv.tm_min), 2) + ":" + pad(Int(tmv.tm_sec), 2)
        if nanoseconds != 0 {
            var frac = pad(Int(nanoseconds), 9)
            while frac.hasSuffix("0") { frac.removeLast() }
            s += "." + frac
        }
        return s + "Z"
    }

    /// Parses RFC 3339 with optional fraction and a `Z` or ±hh:mm offset.
    public init?(rfc3339 string: String) {
        let b = Array(string.utf8)
        func num(_ from: Int, _ len: Int) -> Int? {
            guard from + len <= b.count else { return nil }
            var v = 0
            for i in from..<(from + len) {
                guard b[i] >= 48 && b[i] <= 57 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        func at(_ i: Int, _ c: Character) -> Bool { b[i] == UInt8(ascii: c.unicodeScalars.first!) }
        guard b.count >= 20, at(4, "-"), at(7, "-"), at(10, "T") || at(10, "t") || at(10, " "),
              at(13, ":"), at(16, ":"),
              let y = num(0, 4), let mo = num(5, 2), let d = num(8, 2),
              let h = num(11, 2), let mi = num(14, 2), let se = num(17, 2) else { return nil }
        var i = 19
        var nanos = 0
        if i < b.count && b[i] == UInt8(ascii: ".") {
            i += 1
            var digits = 0
            while i < b.count, b[i] >= 48, b[i] <= 57 {
                if digits < 9 { nanos = nanos * 10 + Int(b[i] - 48); digits += 1 }
                i += 1
            }
            while digits < 9 { nanos *= 10; digits += 1 }
        }
        var offset = 0
        guard i < b.count else { return nil }
        if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
            i += 1
        } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
            guard let oh = num(i + 1, 2), let om = num(i + 4, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "+") ? 1 : -1)
            i += 6
        } else { return nil }
        guard i == b.count else { return nil }
        let days = Timestamp.daysFromCivil(y, mo, d)
        seconds = Int64(days) * 86400 + Int64(h * 3600 + mi * 60 + se) - Int64(offset)
        nanoseconds = Int32(nanos)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y0 - 1 : y0
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// Docker's `since`/`until` query values: Unix seconds with an optional fraction
    /// ("1700000000.000000001"), or an RFC 3339 time.
    public init?(dockerQuery value: String) {
        if let ts = Timestamp(rfc3339: value) { self = ts; return }
        let parts = value.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let s = Int64(parts[0]) else { return nil }
        var n: Int32 = 0
        if parts.count == 2 {
            var frac = String(parts[1].prefix(9))
            while frac.count < 9 { frac += "0" }
            guard let f = Int32(frac) else { return nil }
            n = f
        }
        self.init(seconds: s, nanoseconds: n)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let t = Timestamp(rfc3339: s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "bad time \(s)")
        }
        self = t
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(rfc3339Nano)
    }
}

@inline(__always)
func pad(_ v: Int, _ width: Int) -> String {
    var s = String(v)
    while s.count < width { s = "0" + s }
    return s
}
