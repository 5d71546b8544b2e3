/// Docker's detach-key syntax ("ctrl-p,ctrl-q", "ctrl-a,x"), shared by the daemon, which
/// scans attached stdin for the sequence, and the CLI, which watches its terminal.
public enum DetachKeySequence {
    public static let `default`: [UInt8] = [16, 17]

    /// nil for a malformed sequence; the default for an empty one.
    public static func parse(_ spec: String?) -> [UInt8]? {
        guard let spec, !spec.isEmpty else { return Self.default }
        var out: [UInt8] = []
        for part in spec.split(separator: ",", omittingEmptySubsequences: false) {
            let p = part.lowercased()
            if p.count == 1, let b = p.utf8.first {
                out.append(b)
            } else if p.hasPrefix("ctrl-"), p.count == 6, let c = p.utf8.last {
                switch c {
                case UInt8(ascii: "a")...UInt8(ascii: "z"): out.append(c - UInt8(ascii: "a") + 1)
                case UInt8(ascii: "@"): out.append(0)
                case UInt8(ascii: "["): out.append(27)
                case UInt8(ascii: "\\"): out.append(28)
                case UInt8(ascii: "]"): out.append(29)
                case UInt8(ascii: "^"): out.append(30)
                case UInt8(ascii: "_"): out.append(31)
                default: return nil
                }
            } else {
                return nil
            }
        }
        return out
    }
}
