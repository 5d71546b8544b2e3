#if canImport(Glibc)
import Glibc
#endif
import WharfClient

/// A request as the fake daemon saw it.
struct SeenRequest: Sendable {
    var method: String
    var target: String
    var headers: [String: String]
    var body: [UInt8]
    var connection: Int
}

/// Every socket a FakeServer made; removed when the test process exits, since a server
/// whose connection threads still run is never deinitialised.
let fakeSocketPaths = Locked<[String]>([])
let fakeSocketCleanup: Void = {
    atexit {
        for p in fakeSocketPaths.withValue({ $0 }) { unlink(p) }
    }
}()

/// A tiny daemon stand-in: accepts on a temporary UNIX socket, parses requests (Content-Length
/// and chunked bodies), and answers with whatever bytes `handler` returns. `handler` may also
/// take the socket over (hijack) by returning nil after writing itself.
final class FakeServer: @unchecked Sendable {
    let path: String
    private let fd: Int32
    let requests = Locked<[SeenRequest]>([])
    let connections = Locked(0)
    typealias Handler = @Sendable (SeenRequest, Int32) -> [UInt8]?

    init(_ handler: @escaping Handler) throws {
        let path = "/tmp/wharf-cli-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        self.path = path
        unlink(path)
        fakeSocketCleanup
        fakeSocketPaths.withValue { $0.append(path) }
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
        }
        let len = socklen_t(MemoryLayout<sockaddr_un>.size)
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
        precondition(rc == 0)
        listen(fd, 16)
        let listener = fd
        spawnThread { [weak self] in
            while true {
                let c = accept(listener, nil, nil)
                guard c >= 0, let server = self else { return }
                let n = server.connections.withValue { n -> Int in
                    n += 1
                    return n
                }
                spawnThread { server.serve(c, n, handler) }
            }
        }
    }

    deinit {
        shutdown(fd, Int32(SHUT_RDWR))
        close(fd)
        unlink(path)
    }

    var host: DockerHost { .unix(path) }

    private func serve(_ c: Int32, _ n: Int, _ handler: Handler) {
        var buf: [UInt8] = []
        func fill() -> Bool {
            var tmp = [UInt8](repeating: 0, count: 65536)
            let r = tmp.withUnsafeMutableBytes { recv(c, $0.baseAddress, $0.count, 0) }
            if r <= 0 { return false }
            buf += tmp[0..<r]
            return true
        }
        func line() -> String? {
            while true {
                if let i = buf.firstIndex(of: 10) {
                    var l = Array(buf[0..<i])
                    if l.last == 13 { l.removeLast() }
                    buf.removeFirst(i + 1)
                    return String(decoding: l, as: UTF8.self)
                }
                if !fill() { return nil }
            }
        }
        while true {
            guard let requestLine = line(), !requestLine.isEmpty else { close(c); return }
            let parts = requestLine.split(separator: " ")
            var headers: [String: String] = [:]
            while let h = line(), !h.isEmpty {
                if let colon = h.firstIndex(of: ":") {
                    headers[h[..<colon].lowercased()] = h[h.index(after: colon)...].trimmingSpaces()
                }
            }
            var body: [UInt8] = []
            if let cl = headers["content-length"], let n = Int(cl) {
                while buf.count < n { if !fill() { break } }
                body = Array(buf.prefix(n))
                buf.removeFirst(min(n, buf.count))
            } else if headers["transfer-encoding"] == "chunked" {
                while let sizeLine = line(), let size = Int(sizeLine, radix: 16) {
                    if size == 0 { _ = line(); break }
                    while buf.count < size + 2 { if !fill() { break } }
                    body += buf.prefix(size)
                    buf.removeFirst(min(size + 2, buf.count))
                }
            }
            let req = SeenRequest(method: String(parts[0]), target: String(parts[1]), headers: headers, body: body, connection: n)
            requests.withValue { $0.append(req) }
            guard let reply = handler(req, c) else { close(c); return }
            reply.withUnsafeBytes { _ = send(c, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        }
    }

    static func response(_ status: String, _ body: String = "", headers: [String] = ["Content-Type: application/json"], apiVersion: String? = "1.45") -> [UInt8] {
        var h = "HTTP/1.1 \(status)\r\n"
        if let v = apiVersion { h += "Api-Version: \(v)\r\n" }
        for x in headers { h += x + "\r\n" }
        h += "Content-Length: \(body.utf8.count)\r\n\r\n"
        return Array((h + body).utf8)
    }

    static func chunked(_ pieces: [[UInt8]], contentType: String = "application/json") -> [UInt8] {
        var out = Array("HTTP/1.1 200 OK\r\nApi-Version: 1.45\r\nContent-Type: \(contentType)\r\nTransfer-Encoding: chunked\r\n\r\n".utf8)
        for p in pieces {
            out += Array(String(p.count, radix: 16).utf8) + [13, 10] + p + [13, 10]
        }
        out += Array("0\r\n\r\n".utf8)
        return out
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        var s = self
        while s.first == " " { s = s.dropFirst() }
        while s.last == " " { s = s.dropLast() }
        return String(s)
    }
}
