import NIOCore
import NIOHTTP1
import Synchronization
import WharfAPI
import WharfCore

/// Writes one response on a connection. Handlers call it from any task; every write hops to
/// the channel's event loop, in order. It never throws: a client that went away just makes
/// the writes no-ops, which is what a follow or wait loop needs to see to stop.
public final class Responder: Sendable {
    let channel: any Channel
    let onComplete: @Sendable (_ keepAlive: Bool) -> Void
    private let state = Mutex(State())

    struct State {
        var headSent = false
        var finished = false
        var clientGone = false
        var closeHandlers: [@Sendable () -> Void] = []
    }

    /// A HEAD response carries the headers of its GET, never a body (the client would read
    /// those bytes as the next response).
    let isHead: Bool

    init(channel: any Channel, isHead: Bool = false, onComplete: @escaping @Sendable (Bool) -> Void) {
        self.channel = channel
        self.isHead = isHead
        self.onComplete = onComplete
    }

    /// Headers every Docker response carries.
    static func standardHeaders() -> HTTPHeaders {
        var h = HTTPHeaders()
        h.add(name: "Api-Version", value: APIVersion.current.description)
        h.add(name: "Docker-Experimental", value: "false")
        h.add(name: "Ostype", value: "linux")
        h.add(name: "Server", value: WharfVersion.serverHeader)
        h.add(name: "Date", value: HTTPDate.now())
        return h
    }

    public var isClosed: Bool { state.withLock { $0.clientGone } }

    /// Runs `handler` once when the client goes away (or at once if it already has).
    public func onClose(_ handler: @escaping @Sendable () -> Void) {
        let runNow = state.withLock { s -> Bool in
            if s.clientGone { return true }
            s.closeHandlers.append(handler)
            return false
        }
        if runNow { handler() }
    }

    func clientWentAway() {
        let handlers = state.withLock { s -> [@Sendable () -> Void] in
            s.clientGone = true
            let h = s.closeHandlers
            s.closeHandlers = []
            return h
        }
        for h in handlers { h() }
    }

    private func claimHead() -> Bool {
        state.withLock { s in
            if s.headSent { return false }
            s.headSent = true
            return true
        }
    }

    private func claimFinish() -> Bool {
        state.withLock { s in
            if s.finished { return false }
            s.finished = true
            return true
        }
    }

    public func send(status: HTTPResponseStatus, headers extra: [(String, String)] = [], body: [UInt8]?) {
        guard claimHead(), claimFinish() else { return }
        var h = Responder.standardHeaders()
        for (k, v) in extra { h.replaceOrAdd(name: k, value: v) }
        if status != .noContent && status != .notModified {
            h.replaceOrAdd(name: "Content-Length", value: String(body?.count ?? 0))
        }
        let head = HTTPResponseHead(version: .http1_1, status: status, headers: h)
        channel.write(HTTPServerResponsePart.head(head), promise: nil)
        if let body, !body.isEmpty, !isHead {
            channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: body))), promise: nil)
        }
        let done = onComplete
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in done(true) }
    }

    public func json<T: Encodable>(_ value: T, status: HTTPResponseStatus = .ok) {
        send(status: status, headers: [("Content-Type", "application/json")], body: APIJSON.line(value))
    }

    public func empty(_ status: HTTPResponseStatus = .noContent) {
        send(status: status, body: nil)
    }

    public func error(_ error: any Error) {
        // Too late for a status once a stream has begun: end the connection instead of
        // leaving the client waiting for a body that will not come.
        if state.withLock({ $0.headSent && !$0.finished }) {
            channel.close(promise: nil)
            return
        }
        let e = WharfError.from(error)
        let status = ErrorMapping.status(for: e.code)
        if status == .notModified {
            send(status: status, body: nil)
        } else {
            send(status: status, headers: [("Content-Type", "application/json")], body: APIJSON.line(ErrorResponse(message: e.message)))
        }
    }

    /// Starts a chunked response and flushes the head at once (wait, logs, events and
    /// progress streams depend on the client seeing headers before any data).
    public func startStream(status: HTTPResponseStatus = .ok, contentType: String?, extraHeaders: [(String, String)] = []) {
        guard claimHead() else { return }
        var h = Responder.standardHeaders()
        if let contentType { h.add(name: "Content-Type", value: contentType) }
        for (k, v) in extraHeaders { h.add(name: k, value: v) }
        h.add(name: "Transfer-Encoding", value: "chunked")
        channel.writeAndFlush(HTTPServerResponsePart.head(HTTPResponseHead(version: .http1_1, status: status, headers: h)), promise: nil)
    }

    public func writeChunk(_ bytes: [UInt8]) {
        guard !bytes.isEmpty else { return }
        if state.withLock({ $0.finished || $0.clientGone }) { return }
        channel.writeAndFlush(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(bytes: bytes))), promise: nil)
    }

    public func endStream() {
        guard claimFinish() else { return }
        let done = onComplete
        channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in done(true) }
    }
}
