#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Docker's human-readable sizes and durations (go-units).
public enum HumanUnits {
    static let decimalUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"]

    /// `units.HumanSizeWithPrecision`: decimal units, `%.*g` of the scaled value
    /// (1984172 → "1.98MB" at precision 3).
    public static func size(_ bytes: Double, precision: Int = 3) -> String {
        var v = bytes
        var i = 0
        while v >= 1000 && i < decimalUnits.count - 1 {
            v /= 1000
            i += 1
        }
        return formatG(v, precision: precision) + decimalUnits[i]
    }

    /// `units.HumanSize`: precision 4.
    public static func size(_ bytes: Int64) -> String { size(Double(bytes), precision: 4) }

    /// go-units `BytesSize`: binary units, 4 significant digits ("7.641GiB").
    public static func binarySize(_ v: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"]
        var x = v
        var i = 0
        while x >= 1024 && i < units.count - 1 {
            x /= 1024
            i += 1
        }
        return formatG(x, precision: 4) + units[i]
    }

    /// Go's `%.{p}g`.
    public static func formatG(_ value: Double, precision: Int) -> String {
        let p = max(precision, 1)
        if value == 0 { return "0" }
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Inf" : "+Inf" }
        let negative = value < 0
        let a = abs(value)
        var exp = Int(floor(log10(a)))
        var mant = (a / pow(10, Double(exp - p + 1))).rounded(.toNearestOrEven)
        if mant >= pow(10, Double(p)) {
            mant = (mant / 10).rounded(.toNearestOrEven)
            exp += 1
        } else if mant < pow(10, Double(p - 1)) {
            mant = (a / pow(10, Double(exp - p))).rounded(.toNearestOrEven)
            exp -= 1
        }
        var digits = Array(String(Int64(mant)))
        while digits.count < p { digits.append("0") }
        var out: String
        if exp < -4 || exp >= p {
            var frac = String(digits.dropFirst())
            while frac.hasSuffix("0") { frac.removeLast() }
            out = String(digits[0]) + (frac.isEmpty ? "" : "." + frac)
            let e = abs(exp)
            out += "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" : "") + String(e)
        } else if exp >= 0 {
            let intPart = String(digits[0...exp])
            var frac = String(digits[(exp + 1)...])
            while frac.hasSuffix("0") { frac.removeLast() }
            out = intPart + (frac.isEmpty ? "" : "." + frac)
        } else {
            var frac = String(repeating: "0", count: -exp - 1) + String(digits)
            while frac.hasSuffix("0") { frac.removeLast() }
            out = "0." + frac
        }
        return negative ? "-" + out : out
    }

    /// `units.HumanDuration` ("Less than a second", "About a minute", "5 seconds", "2 hours").
    public static func duration(seconds d: Double) -> String {
        let seconds = Int(d)
        if seconds < 1 { return "Less than a second" }
        if seconds == 1 { return "1 second" }
        if seconds < 60 { return "\(seconds) seconds" }
        let minutes = Int(d / 60)
        if minutes == 1 { return "About a minute" }
        if minutes < 60 { return "\(minutes) minutes" }
        let hours = Int((d / 3600).rounded())
        if hours == 1 { return "About an hour" }
        if hours < 48 { return "\(hours) hours" }
        if hours < 24 * 7 * 2 { return "\(hours / 24) days" }
        if hours < 24 * 30 * 2 { return "\(hours / 24 / 7) weeks" }
        if hours < 24 * 365 * 2 { return "\(hours / 24 / 30) months" }
        return "\(Int(d / 3600) / 24 / 365) years"
    }

    /// "5 seconds ago" for a Unix time.
    public static func ago(_ unix: Int64, now: Double = Clock.now()) -> String {
        duration(seconds: now - Double(unix)) + " ago"
    }
}

/// Wall-clock reads without Foundation.
public enum Clock {
    public static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Go's `time.Unix(t, 0).String()` in local time: "2026-11-29 17:34:10 +0000 UTC".
    public static func goTimeString(_ unix: Int64) -> String {
        var t = time_t(unix)
        var tmv = tm()
        localtime_r(&t, &tmv)
        let off = Int(tmv.tm_gmtoff)
        let zone = tmv.tm_zone.map { String(cString: $0) } ?? "UTC"
        func p(_ v: Int, _ w: Int = 2) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        let sign = off < 0 ? "-" : "+"
        let ao = abs(off)
        return "\(p(Int(tmv.tm_year) + 1900, 4))-\(p(Int(tmv.tm_mon) + 1))-\(p(Int(tmv.tm_mday))) "
            + "\(p(Int(tmv.tm_hour))):\(p(Int(tmv.tm_min))):\(p(Int(tmv.tm_sec))) "
            + "\(sign)\(p(ao / 3600))\(p(ao % 3600 / 60)) \(zone)"
    }
}
