import Glibc
import Runtime

/// One connected daemon. Output is queued per client and written when the socket can take
/// it (POLLOUT), so a slow client never blocks the shim and an attached client never loses
/// output. A client that falls `maxQueued` bytes behind is dropped instead of letting the
/// shim's memory grow without bound.
final class ShimClient {
    static let maxQueued = 64 << 20

    let fd: Int32
    var decoder = ShimFrameDecoder()
    private var queue: [UInt8] = []
    private var sent = 0
    var broken = false

    init(fd: Int32) { self.fd = fd }

    var hasPending: Bool { sent < queue.count }

    func enqueue(_ bytes: [UInt8]) {
        if broken { return }
        queue.append(contentsOf: bytes)
        if queue.count - sent > Self.maxQueued { broken = true; return }
        flush()
    }

    /// Writes as much as the socket takes now.
    func flush() {
        while sent < queue.count && !broken {
            let n = queue.withUnsafeBytes {
                send(fd, $0.baseAddress! + sent, queue.count - sent, Int32(MSG_NOSIGNAL | MSG_DONTWAIT))
            }
            if n > 0 {
                sent += n
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                break
            } else {
                broken = true
            }
        }
        if sent == queue.count {
            queue.removeAll(keepingCapacity: queue.count <= 1 << 20)
            sent = 0
        } else if sent > 1 << 20 {
            queue.removeFirst(sent)
            sent = 0
        }
    }
}
