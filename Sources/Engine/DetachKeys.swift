import Synchronization
import WharfCore

/// Docker's detach sequence (`ctrl-p,ctrl-q` unless the client gives another): the daemon
/// watches an attached client's stdin for it and, when it comes, detaches the client while
/// the container runs on.
final class DetachKeyMatcher: Sendable {
    let keys: [UInt8]
    private let held = Mutex<[UInt8]>([])

    static let defaultKeys: [UInt8] = [16, 17]

    init(_ spec: String?) throws {
        guard let spec, !spec.isEmpty else {
            keys = Self.defaultKeys
            return
        }
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
                default: throw WharfError.invalid("Invalid detach keys (\(spec)) provided")
                }
            } else {
                throw WharfError.invalid("Invalid detach keys (\(spec)) provided")
            }
        }
        keys = out
    }

    /// Feeds stdin; returns the bytes to pass on and whether the sequence completed.
    func feed(_ bytes: [UInt8]) -> (pass: [UInt8], detach: Bool) {
        held.withLock { held in
            var pass: [UInt8] = []
            for b in bytes {
                held.append(b)
                if held.count <= keys.count && Array(keys.prefix(held.count)) == held {
                    if held.count == keys.count { return (pass, true) }
                    continue
                }
                // Not the sequence after all: what was held goes on as typed.
                pass += held
                held = []
            }
            return (pass, false)
        }
    }
}
