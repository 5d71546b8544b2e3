import WharfCore

/// Docker's time arguments (`--since`, `--until`, `-t`).
public enum TimeParsing {
    /// Go's `time.ParseDuration`, in seconds ("2m" → 120, "1h30m", "1.5s", "300ms").
    public static func goDuration(_ s: String) -> Double? {
        var str = Substring(s)
        var sign = 1.0
        if str.first == "-" || str.first == "+" {
            if str.first == "-" { sign = -1 }
            str = str.dropFirst()
        }
        if str == "0" { return 0 }
        guard !str.isEmpty else { return nil }
        let units: [(String, Double)] = [("ns", 1e-9), ("us", 1e-6), ("µs", 1e-6), ("μs", 1e-6), ("ms", 1e-3),
                                         ("s", 1), ("m", 60), ("h", 3600)]
        var total = 0.0
        while !str.isEmpty {
            var num = ""
            while let c = str.first, c.isNumber || c == "." {
                num.append(c)
                str = str.dropFirst()
            }
            guard !num.isEmpty, let v = Double(num) else { return nil }
            var unit = ""
            while let c = str.first, !(c.isNumber || c == ".") {
                unit.append(c)
                str = str.dropFirst()
            }
            guard let factor = units.first(where: { $0.0 == unit })?.1 else { return nil }
            total += v * factor
        }
        return sign * total
    }

    /// Docker's `timetypes.GetTimestamp`: a duration becomes Unix seconds before `now`, an
    /// RFC 3339 time becomes `sec.nanos`, a Unix timestamp passes through.
    public static func timestamp(_ value: String, now: Double = Clock.now()) throws -> String {
        if value != "0", let d = goDuration(value) {
            return String(Int64((now - d).rounded(.down)))
        }
        if looksLikeDate(value), let ts = Timestamp(rfc3339: value) {
            return "\(ts.seconds).\(nine(Int(ts.nanoseconds)))"
        }
        // Local date or date-time without a zone.
        if looksLikeDate(value), let ts = localTime(value) {
            return "\(ts).000000000"
        }
        if value.contains("-") {
            throw CLIError.message("invalid value for \"since\"/\"until\": \(value)")
        }
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, Int64(parts[0]) != nil, parts.count == 1 || Int64(parts[1]) != nil else {
            throw CLIError.message("failed to parse value as time or duration: \"\(value)\"")
        }
        return value
    }

    /// "2006-01-02…": what the RFC 3339 parsers may look at.
    static func looksLikeDate(_ v: String) -> Bool {
        let b = Array(v.utf8)
        guard b.count >= 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-") else { return false }
        return b.count == 10 || b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t")
    }

    static func nine(_ n: Int) -> String {
        let s = String(n)
        return String(repeating: "0", count: max(0, 9 - s.count)) + s
    }

    /// "2006-01-02", "2006-01-02T15:04", "2006-01-02T15:04:05" in UTC (the daemon's clock is the reference).
    static func localTime(_ v: String) -> Int64? {
        let candidates = [v + "T00:00:00Z", v + ":00Z", v + "Z"]
        for c in candidates {
            if let ts = Timestamp(rfc3339: c) { return ts.seconds }
        }
        return nil
    }
}
