import Glibc
import WharfCore

/// The daemon's end of one connection to a container's wharf-shim.
///
/// Commands are written synchronously (the shim reads its clients promptly, so a write
/// never waits long); events arrive in order on a dedicated reader thread started by
/// `run(onEvent:)`. Always call `close()` when done: the socket is released only then.
public final class ShimConnection: Sendable {
    private struct State {
        var fd: Int32
        var closed = false
        var readerRunning = false
    }

    static let maxStdinFrame = 1 << 20
    private let state: Locked<State>
    public let socketPath: String

    init(fd: Int32, socketPath: String) {
        state = Locked(State(fd: fd))
        self.socketPath = socketPath
    }

    /// Creates the shim's socket, starts wharf-shim fully detached (it survives the daemon
    /// and its process group; nobody has to reap it) and connects. The socket is bound and
    /// listening before the shim starts, so the connection is accepted from the backlog
    /// as soon as the shim runs: no polling, no sleeps.
    public static func launch(_ o: ShimLaunchOptions) throws -> ShimConnection {
        let listenFD = try UnixSocket.listen(path: o.socketPath)
        let fd: Int32
        do {
            try Spawn.spawnDetached(o.shimPath, o.arguments, passFD: listenFD)
            fd = try UnixSocket.connect(path: o.socketPath)
        } catch {
            Glibc.close(listenFD)
            unlink(o.socketPath)
            throw error
        }
        Glibc.close(listenFD)
        return ShimConnection(fd: fd, socketPath: o.socketPath)
    }

    /// Connects to a running shim, e.g. to re-adopt its container after a daemon restart.
    /// Throws `.notFound` when no shim listens there any more.
    public static func connect(socketPath: String) throws -> ShimConnection {
        ShimConnection(fd: try UnixSocket.connect(path: socketPath), socketPath: socketPath)
    }

    /// Starts the reader thread. `onEvent` gets `.state` first, then events in the order
    /// the shim sent them, and `.closed` last, on that thread. Call once.
    public func run(onEvent: @escaping @Sendable (ShimEvent) -> Void) {
        let fd: Int32? = state.withLock { s in
            if s.closed || s.readerRunning { return nil }
            s.readerRunning = true
            return s.fd
        }
        guard let fd else {
            onEvent(.closed)
            return
        }
        do {
            try BlockingThread.detach(name: "shim-reader") { [self] in
                self.readLoop(fd: fd, onEvent: onEvent)
            }
        } catch {
            state.withLock { $0.readerRunning = false }
            onEvent(.closed)
        }
    }

    private func readLoop(fd: Int32, onEvent: @Sendable (ShimEvent) -> Void) {
        var decoder = ShimFrameDecoder()
        var buf = [UInt8](repeating: 0, count: 65536)
        outer: while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            buf.withUnsafeBytes { decoder.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            do {
                while let f = try decoder.next() {
                    onEvent(try ShimFrame.decodeEvent(type: f.type, payload: f.payload))
                }
            } catch {
                break outer  // a protocol error: the stream cannot be trusted any more
            }
        }
        let closeNow = state.withLock { s in
            s.readerRunning = false
            return s.closed
        }
        if closeNow { Glibc.close(fd) }
        onEvent(.closed)
    }

    /// Sends one command. Large stdin payloads (also an exec's) are split into 1 MiB frames.
    public func send(_ c: ShimCommand) throws {
        if case .stdin(let data) = c, data.count > Self.maxStdinFrame {
            var off = 0
            while off < data.count {
                let end = min(off + Self.maxStdinFrame, data.count)
                try send(.stdin(Array(data[off..<end])))
                off = end
            }
            return
        }
        if case .execStdin(let id, let data) = c, data.count > Self.maxStdinFrame {
            var off = 0
            while off < data.count {
                let end = min(off + Self.maxStdinFrame, data.count)
                try send(.execStdin(id: id, Array(data[off..<end])))
                off = end
            }
            return
        }
        let bytes = ShimFrame.encode(c)
        try state.withLock { s in
            if s.closed { throw WharfError.internalError("shim connection is closed") }
            try UnixSocket.writeAll(s.fd, bytes)
        }
    }

    /// Ends the connection. The shim and its container keep running.
    public func close() {
        state.withLock { s in
            if s.closed { return }
            s.closed = true
            if s.readerRunning {
                // Wakes the reader, which closes the fd itself: closing it here could
                // hand its number to another open() while the reader still uses it.
                shutdown(s.fd, Int32(SHUT_RDWR))
            } else {
                Glibc.close(s.fd)
            }
        }
    }

    deinit {
        close()
    }
}
