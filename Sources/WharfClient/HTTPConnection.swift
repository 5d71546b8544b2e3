#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The head of an HTTP response.
public struct HTTPResponseHead: Sendable {
    public var status: Int
    public var reason: String
    /// Header names as sent; look them up with `header(_:)`.
    public var headers: [(String, String)]

    public func header(_ name: String) -> String? {
        for (k, v) in headers where k.lowercased() == name.lowercased() { return v }
        return nil
    }
}

/// One HTTP/1.1 connection with its read buffer. Not thread-safe: one user at a time,
/// except that a hijacked connection's write side may be used by another thread.
final class HTTPConnection: @unchecked Sendable {
    let fd: Int32
    private(set) var buffer: [UInt8] = []
    private var start = 0
    private var closed = false
    /// Set once any response byte arrived; a reused keep-alive connection that fails before
    /// that may simply have been closed by the server while idle, and can be retried.
    var sawResponseBytes = false

    init(fd: Int32) { self.fd = fd }

    deinit { closeNow() }

    func closeNow() {
        if !closed {
            closed = true
            Glibc.close(fd)
        }
    }

    var available: Int { buffer.count - start }

    /// Reads more bytes into the buffer; false at EOF.
    func fill() throws -> Bool {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 65536 {
            buffer.removeFirst(start)
            start = 0
        }
        var chunk = [UInt8](repeating: 0, count: 65536)
        let n = try chunk.withUnsafeMutableBytes { try Socket.read(fd, into: $0) }
        if n == 0 { return false }
        sawResponseBytes = true
        buffer.append(contentsOf: chunk[0..<n])
        return true
    }

    /// Takes up to `max` buffered bytes.
    func take(_ max: Int) -> [UInt8] {
        let n = Swift.min(max, available)
        let out = Array(buffer[start..<(start + n)])
        start += n
        return out
    }

    func takeAll() -> [UInt8] { take(available) }

    /// A CRLF- (or LF-) terminated line without its terminator, or nil at EOF before one.
    func readLine(limit: Int = 1 << 20) throws -> [UInt8]? {
        var scanned = 0
        while true {
            if let i = buffer[(start + scanned)...].firstIndex(of: 10) {
                var end = i
                if end > start && buffer[end - 1] == 13 { end -= 1 }
                let line = Array(buffer[start..<end])
                start = i + 1
                return line
            }
            scanned = available
            if scanned > limit { throw ClientError.protocolError("header line too long") }
            guard try fill() else { return nil }
        }
    }

    func write(_ bytes: [UInt8]) throws { try Socket.writeAll(fd, bytes) }

    func shutdownWrite() { _ = shutdown(fd, Int32(SHUT_WR)) }

    func readHead() throws -> HTTPResponseHead {
        guard let statusLine = try readLine() else {
            throw ClientError.connection("EOF")
        }
        let s = String(decoding: statusLine, as: UTF8.self)
        let parts = s.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let status = Int(parts[1]) else {
            throw ClientError.protocolError("bad status line \(s)")
        }
        var headers: [(String, String)] = []
        while true {
            guard let line = try readLine() else { throw ClientError.connection("EOF in headers") }
            if line.isEmpty { break }
            let l = String(decoding: line, as: UTF8.self)
            guard let colon = l.firstIndex(of: ":") else { continue }
            let name = String(l[..<colon])
            let value = l[l.index(after: colon)...].drop { $0 == " " || $0 == "\t" }
            var v = String(value)
            while v.last == " " || v.last == "\t" { v.removeLast() }
            headers.append((name, v))
        }
        return HTTPResponseHead(status: status, reason: parts.count > 2 ? String(parts[2]) : "", headers: headers)
    }
}
