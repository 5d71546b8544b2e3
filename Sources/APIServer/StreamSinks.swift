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

/// Log output as chunks of a streaming HTTP response.
final class ResponderSink: StreamSink {
    let responder: Responder
    private let ttyFlag = Mutex(false)
    var tty: Bool {
        get { ttyFlag.withLock { $0 } }
        set { ttyFlag.withLock { $0 = newValue } }
    }

    init(responder: Responder) {
        self.responder = responder
    }

    func write(_ stream: StdStream, _ bytes: [UInt8]) {
        responder.writeChunk(tty ? bytes : StreamFraming.frame(stream, bytes))
    }

    func finish() { responder.endStream() }

    var isClosed: Bool { responder.isClosed }
}
