import WharfCore

/// Signal names as Docker accepts them: "TERM", "SIGTERM", "15", case-insensitive names.
enum Signals {
    static let table: [String: Int32] = [
        "ABRT": 6, "ALRM": 14, "BUS": 7, "CHLD": 17, "CLD": 17, "CONT": 18, "FPE": 8, "HUP": 1, "ILL": 4,
        "INT": 2, "IO": 29, "IOT": 6, "KILL": 9, "PIPE": 13, "POLL": 29, "PROF": 27, "PWR": 30, "QUIT": 3,
        "SEGV": 11, "STKFLT": 16, "STOP": 19, "SYS": 31, "TERM": 15, "TRAP": 5, "TSTP": 20, "TTIN": 21,
        "TTOU": 22, "URG": 23, "USR1": 10, "USR2": 12, "VTALRM": 26, "WINCH": 28, "XCPU": 24, "XFSZ": 25,
    ]

    static func parse(_ raw: String) throws -> Int32 {
        if let n = Int32(raw), n > 0, n < 65 { return n }
        var name = raw.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        if let n = table[name] { return n }
        if name.hasPrefix("RTMIN+"), let k = Int32(name.dropFirst(6)), 34 + k <= 64 { return 34 + k }
        if name.hasPrefix("RTMAX-"), let k = Int32(name.dropFirst(6)), 64 - k >= 34 { return 64 - k }
        throw WharfError.invalid("Invalid signal: \(raw)")
    }
}
