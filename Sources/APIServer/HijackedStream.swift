import NIOCore
import Synchronization

/// The raw, full-duplex byte stream left after a `101 UPGRADED` (attach, exec start).
/// Output is written as is; input and the client's half-close arrive through `onInput`.
public final class HijackedStream: Sendable {
    let channel: any Channel
    private let state = Mutex(State())

    struct State {
        var closed = false
        var inputHandler: (@Sendable (HijackEvent) -> Void)?
        var pending: [HijackEvent] = []
        /// Events held before the handler was installed are being handed over: newer ones
        /// queue behind them, so stdin never overtakes itself or the half-close.
        var replaying = false
    }

    public enum HijackEvent: Sendable {
        case data([UInt8])
        /// The client half-closed (SHUT_WR): no more input, but it still reads.
        case inputClosed
        /// The connection is gone.
        case closed
    }

    init(channel: any Channel) {
        self.channel = channel
    }

    /// Installs the input handler; events that arrived before are replayed first.
    public func onInput(_ handler: @escaping @Sendable (HijackEvent) -> Void) {
        var batch = state.withLock { s -> [HijackEvent] in
            s.inputHandler = handler
            s.replaying = !s.pending.isEmpty
            defer { s.pending = [] }
            return s.pending
        }
        while !batch.isEmpty {
            for e in batch { handler(e) }
            batch = state.withLock { s -> [HijackEvent] in
                if s.pending.isEmpty { s.replaying = false }
                defer { s.pending = [] }
                return s.pending
            }
        }
    }

    func deliver(_ event: HijackEvent) {
        let handler = state.withLock { s -> (@Sendable (HijackEvent) -> Void)? in
            if case .closed = event { s.closed = true }
            if let h = s.inputHandler, !s.replaying { return h }
            s.pending.append(event)
            return nil
        }
        handler?(event)
    }

    public var isClosed: Bool { state.withLock { $0.closed } }

    public func write(_ bytes: [UInt8]) {
        guard !bytes.isEmpty, !isClosed else { return }
        channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
    }

    /// Ends the stream: the client reads EOF, which is how it learns the process is done.
    public func close() {
        channel.writeAndFlush(ByteBuffer()).whenComplete { [channel] _ in
            channel.close(promise: nil)
        }
    }
}

/// Raw inbound handler installed in place of the HTTP codec after a hijack.
final class HijackHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let stream: HijackedStream

    init(stream: HijackedStream) {
        self.stream = stream
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buf = unwrapInboundIn(data)
        if let bytes = buf.readBytes(length: buf.readableBytes), !bytes.isEmpty {
            stream.deliver(.data(bytes))
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let e = event as? ChannelEvent, e == .inputClosed {
            stream.deliver(.inputClosed)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        stream.deliver(.closed)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
