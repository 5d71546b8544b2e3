#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A connection taken over after `101 UPGRADED`: raw bytes both ways. Reads come from the
/// bytes that followed the response head first. The write side may be used from another
/// thread than the read side.
public final class HijackedStream: @unchecked Sendable {
    let connection: HTTPConnection
    public let head: HTTPResponseHead

    init(connection: HTTPConnection, head: HTTPResponseHead) {
        self.connection = connection
        self.head = head
    }

    /// The next bytes from the daemon, or nil at EOF. Only one thread may read.
    public func read() throws -> [UInt8]? {
        if connection.available > 0 { return connection.takeAll() }
        guard try connection.fill() else { return nil }
        return connection.takeAll()
    }

    public func write(_ bytes: [UInt8]) throws { try connection.write(bytes) }

    /// `shutdown(SHUT_WR)`: tells the daemon there is no more stdin.
    public func closeWrite() { connection.shutdownWrite() }

    /// Ends both directions; a read blocked on another thread returns.
    public func shutdown() { _ = Glibc.shutdown(connection.fd, Int32(SHUT_RDWR)) }

    public func close() { connection.closeNow() }
}

extension Client {
    /// `POST path` with `Connection: Upgrade` / `Upgrade: tcp` on a fresh connection;
    /// demands 101 as docker does. `body` is JSON (exec start) or nothing (attach, sent with
    /// `Content-Type: text/plain`).
    public func hijack(_ path: String, query: Query = Query(), json: [UInt8]? = nil) throws -> HijackedStream {
        let t = try target(path, query)
        let c = HTTPConnection(fd: try Socket.connect(to: host))
        var h = "POST \(t) HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: \(userAgent)\r\n"
        h += "Content-Length: \(json?.count ?? 0)\r\nConnection: Upgrade\r\n"
        h += "Content-Type: \(json == nil ? "text/plain" : "application/json")\r\nUpgrade: tcp\r\n\r\n"
        try c.write(Array(h.utf8) + (json ?? []))
        let head = try c.readHead()
        if head.status != 101 {
            if head.status >= 400 {
                let resp = HTTPResponse(head: head, connection: c, isHead: false) { $0.closeNow() }
                throw try apiError(resp, target: t)
            }
            c.closeNow()
            throw ClientError.upgradeFailed(head.status)
        }
        return HijackedStream(connection: c, head: head)
    }
}
