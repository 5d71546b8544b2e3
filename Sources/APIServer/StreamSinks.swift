import Engine
import Synchronization
import WharfAPI

/// Attach output onto a hijacked connection: multiplexed frames without a TTY, raw with one.
/// Output produced before the 101 is written is kept and flushed on connect.
final class HijackSink: StreamSink {
    let tty: Bool
    private let state = Mutex<(stream: HijackedStream?, pending: [[UInt8]], finished: Bool)>((nil, [], false))

    init(tty: Bool) {
        self.tty = tty
    }

    func connect(_ stream: HijackedStream) {
        let (pending, finished) = state.withLock { s -> ([[UInt8]], Bool) in
            s.stream = stream
            let p = s.pending
            s.pending = []
            return (p, s.finished)
        }
        for p in pending { stream.write(p) }
        if finished { stream.close() }
    }

    func write(_ stream: StdStream, _ bytes: [UInt8]) {
        let data = tty ? bytes : StreamFraming.frame(stream, bytes)
        let target = state.withLock { s -> HijackedStream? in
            if s.stream == nil { s.pending.append(data) }
            return s.stream
        }
        target?.write(data)
    }

    func finish() {
        let target = state.withLock { s -> HijackedStream? in
            s.finished = true
            return s.stream
        }
        target?.close()
    }

    var isClosed: Bool { state.withLock { $0.stream?.isClosed ?? false } }
}

/// Log output as chunks of a streaming HTTP response. Frames are gathered into chunks of
/// up to 64 KiB: one write per log line would cost an event-loop hop per line.
final class ResponderSink: StreamSink {
    let responder: Responder
    private let state = Mutex<(tty: Bool, buffer: [UInt8])>((false, []))
    private static let chunkSize = 64 * 1024
    /// Starts the response on the first output, so an error found before any output can
    /// still be answered with a status; nil when the caller started it already.
    private let begin = Mutex<(@Sendable () -> Void)?>(nil)

    func startLazily(_ start: @escaping @Sendable () -> Void) {
        begin.withLock { $0 = start }
    }

    private func started() {
        let b = begin.withLock { b -> (@Sendable () -> Void)? in
            defer { b = nil }
            return b
        }
        b?()
    }

    var tty: Bool {
        get { state.withLock { $0.tty } }
        set { state.withLock { $0.tty = newValue } }
    }

    init(responder: Responder) {
        self.responder = responder
    }

    func write(_ stream: StdStream, _ bytes: [UInt8]) {
        let full = state.withLock { s -> [UInt8]? in
            if s.tty {
                s.buffer.append(contentsOf: bytes)
            } else {
                let n = UInt32(bytes.count)
                s.buffer.append(contentsOf: [stream.rawValue, 0, 0, 0, UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)])
                s.buffer.append(contentsOf: bytes)
            }
            guard s.buffer.count >= Self.chunkSize else { return nil }
            defer { s.buffer = [] }
            return s.buffer
        }
        if let full {
            started()
            responder.writeChunk(full)
        }
    }

    func flush() {
        started()
        let pending = state.withLock { s -> [UInt8] in
            defer { s.buffer = [] }
            return s.buffer
        }
        responder.writeChunk(pending)
    }

    func finish() {
        flush()
        responder.endStream()
    }

    var isClosed: Bool { responder.isClosed }
}

extension HijackedStream {
    /// Sends the client's input to the engine: stdin, its half-close, and its going away.
    func forward(to input: any AttachInput) {
        onInput { event in
            switch event {
            case .data(let bytes): input.stdin(bytes)
            case .inputClosed: input.stdinClosed()
            case .closed: input.detached()
            }
        }
    }
}
