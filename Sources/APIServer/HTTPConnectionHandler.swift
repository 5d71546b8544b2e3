import NIOCore
import NIOHTTP1
import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// One per connection: collects a request, hands it to the router on a task, and performs
/// the hijack (HTTP codec out, raw byte handler in) when a route asks for it.
final class HTTPConnectionHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let router: Router
    private let decoder: any RemovableChannelHandler
    private let encoder: any RemovableChannelHandler
    private let spoolDirectory: String

    private var head: HTTPRequestHead?
    private var body: [UInt8] = []
    private var spoolFD: Int32 = -1
    private var spoolPath: String?
    private var inFlight = false
    private var inputClosed = false
    private var responder: Responder?
    private var task: Task<Void, Never>?

    /// Bodies of these requests (tar uploads) go to a file instead of memory.
    private static let spooledSuffixes = ["/images/create", "/images/load", "/build", "/archive"]
    private static let maxInMemoryBody = 64 << 20

    init(router: Router, decoder: any RemovableChannelHandler, encoder: any RemovableChannelHandler, spoolDirectory: String) {
        self.router = router
        self.decoder = decoder
        self.encoder = encoder
        self.spoolDirectory = spoolDirectory
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h):
            head = h
            body = []
            let path = h.uri.split(separator: "?", maxSplits: 1).first.map(String.init) ?? h.uri
            if Self.spooledSuffixes.contains(where: { path.hasSuffix($0) }) && h.method != .GET && h.method != .HEAD {
                openSpool()
            }
        case .body(var buf):
            if spoolFD >= 0 {
                buf.withUnsafeReadableBytes { raw in
                    var off = 0
                    while off < raw.count {
                        let n = write(spoolFD, raw.baseAddress! + off, raw.count - off)
                        if n <= 0 { if errno == EINTR { continue }; break }
                        off += n
                    }
                }
            } else if body.count + buf.readableBytes <= Self.maxInMemoryBody {
                body.append(contentsOf: buf.readBytes(length: buf.readableBytes) ?? [])
            }
        case .end:
            guard let h = head else { return }
            head = nil
            let reqBody: RequestBody
            if spoolFD >= 0, let p = spoolPath {
                close(spoolFD)
                spoolFD = -1
                reqBody = .file(p)
                spoolPath = nil
            } else {
                reqBody = .bytes(body)
            }
            body = []
            dispatch(context: context, head: h, body: reqBody)
        }
    }

    private func openSpool() {
        let path = "\(spoolDirectory)/upload-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd >= 0 {
            spoolFD = fd
            spoolPath = path
        }
    }

    private func dispatch(context: ChannelHandlerContext, head: HTTPRequestHead, body: RequestBody) {
        inFlight = true
        let channel = context.channel
        let loop = context.eventLoop
        let loopBound = NIOLoopBound(self, eventLoop: loop)
        let clientKeepAlive = head.isKeepAlive
        let responder = Responder(channel: channel, isHead: head.method == .HEAD) { keepAlive in
            loop.execute {
                let me = loopBound.value
                me.inFlight = false
                me.responder = nil
                if !keepAlive || !clientKeepAlive || me.inputClosed { channel.close(promise: nil) }
            }
        }
        self.responder = responder
        let hijacker = Hijacker { headBytes in
            let promise = loop.makePromise(of: HijackedStream.self)
            loop.execute {
                let me = loopBound.value
                promise.completeWith(me.hijack(channel: channel, headBytes: headBytes))
            }
            return try await promise.futureResult.get()
        }
        let router = self.router
        task = Task {
            await router.handle(head: head, body: body, responder: responder, hijacker: hijacker)
            if case .file(let p) = body { unlink(p) }
        }
    }

    /// Runs on the event loop: the raw handler goes in after the decoder, then this handler,
    /// the encoder and the decoder come out (the decoder forwards any bytes it had buffered
    /// past the request to the raw handler), then the 101 head is written.
    private func hijack(channel: any Channel, headBytes: [UInt8]) -> EventLoopFuture<HijackedStream> {
        let stream = HijackedStream(channel: channel)
        let raw = HijackHandler(stream: stream)
        inFlight = false
        let ops = channel.pipeline.syncOperations
        do {
            try ops.addHandler(raw, position: .after(decoder))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        ops.removeHandler(self, promise: nil)
        ops.removeHandler(encoder, promise: nil)
        ops.removeHandler(decoder, promise: nil)
        if inputClosed { stream.deliver(.inputClosed) }
        return channel.writeAndFlush(ByteBuffer(bytes: headBytes)).map { stream }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? ChannelEvent, e == .inputClosed {
            inputClosed = true
            if !inFlight { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelInactive(context: ChannelHandlerContext) {
        if spoolFD >= 0 {
            close(spoolFD)
            spoolFD = -1
            if let p = spoolPath { unlink(p) }
        }
        responder?.clientWentAway()
        task?.cancel()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

/// Lets a route switch its connection to a raw stream, after writing `headBytes` (the 101).
public struct Hijacker: Sendable {
    let perform: @Sendable ([UInt8]) async throws -> HijackedStream

    public func hijack(headBytes: [UInt8]) async throws -> HijackedStream {
        try await perform(headBytes)
    }
}
