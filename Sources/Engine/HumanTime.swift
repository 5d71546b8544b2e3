import WharfCore

/// go-units `HumanDuration`, which `docker ps` shows in STATUS ("Up 5 minutes").
enum HumanTime {
    static func duration(seconds s: Int64) -> String {
        if s < 1 { return "Less than a second" }
        if s == 1 { return "1 second" }
        if s < 60 { return "\(s) seconds" }
        let minutes = s / 60
        if minutes == 1 { return "About a minute" }
        if minutes < 60 { return "\(minutes) minutes" }
        let hours = Int64((Double(s) / 3600).rounded())
        if hours == 1 { return "About an hour" }
        if hours < 48 { return "\(hours) hours" }
        if hours < 24 * 7 * 2 { return "\(hours / 24) days" }
        if hours < 24 * 30 * 2 { return "\(hours / 24 / 7) weeks" }
        if hours < 24 * 365 * 2 { return "\(hours / 24 / 30) months" }
        return "\(hours / 24 / 365) years"
    }

    static func since(_ t: Timestamp, now: Timestamp = .now()) -> String {
        duration(seconds: max(0, now.seconds - t.seconds))
    }
}

extension HumanTime {
    /// Go durations as Docker's `until` filters take them ("10m", "1h30m", "24h"): that long ago.
    static func parseAgo(_ s: String, now: Timestamp = .now()) -> Timestamp? {
        var total: Double = 0
        var number = ""
        var sawUnit = false
        let units: [String: Double] = ["ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1, "m": 60, "h": 3600]
        var chars = Array(s)[...]
        while let c = chars.first {
            if c.isNumber || c == "." {
                number.append(c)
                chars = chars.dropFirst()
                continue
            }
            var unit = String(c)
            chars = chars.dropFirst()
            if let n = chars.first, n.isLetter, units[unit + String(n)] != nil {
                unit += String(n)
                chars = chars.dropFirst()
            }
            guard let v = Double(number), let m = units[unit] else { return nil }
            total += v * m
            number = ""
            sawUnit = true
        }
        guard sawUnit, number.isEmpty else { return nil }
        let secs = Int64(total)
        return Timestamp(seconds: now.seconds - secs, nanoseconds: now.nanoseconds)
    }
}
