/// A response whose head has been read; the body is read on demand, piece by piece, so
/// streams (logs -f, events, wait) can be consumed as they arrive. When the body has been
/// read to its end the connection goes back to the client's pool.
public final class HTTPResponse: @unchecked Sendable {
    public let head: HTTPResponseHead
    public var status: Int { head.status }
    public func header(_ name: String) -> String? { head.header(name) }

    enum Framing {
        case none
        case length(Int)
        case chunked
        case untilClose
    }

    private var connection: HTTPConnection?
    private var framing: Framing
    private var chunkRemaining = 0
    private var finished = false
    private let onReusable: (HTTPConnection) -> Void

    init(head: HTTPResponseHead, connection: HTTPConnection, isHead: Bool, onReusable: @escaping (HTTPConnection) -> Void) {
        self.head = head
        self.connection = connection
        self.onReusable = onReusable
        let te = head.header("Transfer-Encoding")?.lowercased()
        if isHead || head.status == 204 || head.status == 304 || (100..<200).contains(head.status) {
            framing = .none
        } else if let te, te.contains("chunked") {
            framing = .chunked
        } else if let cl = head.header("Content-Length"), let n = Int(cl) {
            framing = .length(n)
        } else {
            framing = .untilClose
        }
        if case .none = framing { finish(reusable: true) }
        if case .length(0) = framing { finish(reusable: true) }
    }

    deinit {
        // An abandoned response (a `run -d` wait) closes its connection.
        connection?.closeNow()
    }

    private func finish(reusable: Bool) {
        finished = true
        guard let c = connection else { return }
        connection = nil
        let close = head.header("Connection")?.lowercased() == "close"
        if reusable && !close { onReusable(c) } else { c.closeNow() }
    }

    /// The next piece of the body (a chunk, or what arrived), or nil at its end.
    public func read() throws -> [UInt8]? {
        guard !finished, let c = connection else { return nil }
        switch framing {
        case .none:
            finish(reusable: true)
            return nil
        case .length(let remaining):
            if c.available == 0 {
                guard try c.fill() else {
                    finish(reusable: false)
                    throw ClientError.connection("unexpected EOF")
                }
            }
            let piece = c.take(remaining)
            framing = .length(remaining - piece.count)
            if remaining - piece.count == 0 { finish(reusable: true) }
            return piece
        case .untilClose:
            if c.available == 0 {
                guard try c.fill() else {
                    finish(reusable: false)
                    return nil
                }
            }
            return c.takeAll()
        case .chunked:
            if chunkRemaining == 0 {
                guard let line = try c.readLine() else {
                    finish(reusable: false)
                    throw ClientError.connection("unexpected EOF")
                }
                let text = String(decoding: line, as: UTF8.self)
                let hex = text.split(separator: ";").first.map { $0.trimming(" ") } ?? ""
                guard let size = Int(hex, radix: 16) else {
                    throw ClientError.protocolError("bad chunk size \(text)")
                }
                if size == 0 {
                    // Trailers, then the blank line.
                    while let t = try c.readLine(), !t.isEmpty {}
                    finish(reusable: true)
                    return nil
                }
                chunkRemaining = size
            }
            if c.available == 0 {
                guard try c.fill() else {
                    finish(reusable: false)
                    throw ClientError.connection("unexpected EOF")
                }
            }
            let piece = c.take(chunkRemaining)
            chunkRemaining -= piece.count
            if chunkRemaining == 0 {
                guard let crlf = try c.readLine(), crlf.isEmpty else {
                    throw ClientError.protocolError("missing CRLF after chunk")
                }
            }
            return piece
        }
    }

    /// The whole body.
    public func readAll() throws -> [UInt8] {
        var out: [UInt8] = []
        while let piece = try read() { out.append(contentsOf: piece) }
        return out
    }

    /// Calls `body` with each `\n`-terminated line (without the `\n` and a preceding `\r`),
    /// and with a last unterminated line if any.
    public func forEachLine(_ body: ([UInt8]) throws -> Void) throws {
        var pending: [UInt8] = []
        while let piece = try read() {
            pending.append(contentsOf: piece)
            var from = 0
            while let nl = pending[from...].firstIndex(of: 10) {
                var end = nl
                if end > from && pending[end - 1] == 13 { end -= 1 }
                try body(Array(pending[from..<end]))
                from = nl + 1
            }
            if from > 0 { pending.removeFirst(from) }
        }
        if !pending.isEmpty { try body(pending) }
    }

    /// Drops the connection without reading the rest.
    public func close() {
        finished = true
        connection?.closeNow()
        connection = nil
    }
}

extension StringProtocol {
    func trimming(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s = s.dropFirst() }
        while let l = s.last, set.contains(l) { s = s.dropLast() }
        return String(s)
    }
}
