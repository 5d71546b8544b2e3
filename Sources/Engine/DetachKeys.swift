import Synchronization
import WharfAPI
import WharfCore

/// Docker's detach sequence (`ctrl-p,ctrl-q` unless the client gives another): the daemon
/// watches an attached client's stdin for it and, when it comes, detaches the client while
/// the container runs on.
final class DetachKeyMatcher: Sendable {
    let keys: [UInt8]
    private let held = Mutex<[UInt8]>([])

    init(_ spec: String?) throws {
        guard let keys = DetachKeySequence.parse(spec) else {
            throw WharfError.invalid("Invalid detach keys (\(spec ?? "")) provided")
        }
        self.keys = keys
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
