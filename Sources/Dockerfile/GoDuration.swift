import WharfCore

/// Go's time.ParseDuration, which Docker uses for HEALTHCHECK's durations: a sequence of
/// decimal numbers with units ns, us (µs), ms, s, m, h, e.g. "1m30s", "1.5h", "-2s".
public enum GoDuration {
    /// Nanoseconds, or an error worded as Go's.
    public static func nanoseconds(_ text: String) throws -> Int64 {
        do {
            return try parse(text)
        } catch {
            throw WharfError.invalid(error.message)
        }
    }

    static func parse(_ text: String) throws(Failure) -> Int64 {
        let quoted = goQuote(text)
        var s = Array(text.unicodeScalars)[...]
        var negative = false
        if let c = s.first, c == "-" || c == "+" {
            negative = c == "-"
            s = s.dropFirst()
        }
        if s.elementsEqual("0".unicodeScalars) { return 0 }
        if s.isEmpty { throw Failure("time: invalid duration \(quoted)") }
        var total: Double = 0
        while !s.isEmpty {
            var intPart = ""
            while let c = s.first, ("0"..."9").contains(c) { intPart.unicodeScalars.append(c); s = s.dropFirst() }
            var fracPart = ""
            if s.first == "." {
                s = s.dropFirst()
                while let c = s.first, ("0"..."9").contains(c) { fracPart.unicodeScalars.append(c); s = s.dropFirst() }
            }
            if intPart.isEmpty && fracPart.isEmpty { throw Failure("time: invalid duration \(quoted)") }
            var unit = ""
            while let c = s.first, c != ".", !("0"..."9").contains(c) { unit.unicodeScalars.append(c); s = s.dropFirst() }
            if unit.isEmpty { throw Failure("time: missing unit in duration \(quoted)") }
            let scale: Double
            switch unit {
            case "ns": scale = 1
            case "us", "\u{00B5}s", "\u{03BC}s": scale = 1_000
            case "ms": scale = 1_000_000
            case "s": scale = 1_000_000_000
            case "m": scale = 60_000_000_000
            case "h": scale = 3_600_000_000_000
            default: throw Failure("time: unknown unit \(goQuote(unit)) in duration \(quoted)")
            }
            let number = Double((intPart.isEmpty ? "0" : intPart) + "." + (fracPart.isEmpty ? "0" : fracPart)) ?? 0
            total += number * scale
            if total > Double(Int64.max) { throw Failure("time: invalid duration \(quoted)") }
        }
        let ns = Int64(total.rounded(.towardZero))
        return negative ? -ns : ns
    }
}
