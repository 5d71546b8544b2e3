#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Blocking stream sockets: just enough of BSD sockets for an HTTP/1.1 client.
enum Socket {
    static func connect(to host: DockerHost) throws -> Int32 {
        switch host {
        case .unix(let path): return try connectUnix(path, display: host.description)
        case .tcp(let h, let p): return try connectTCP(h, p, display: host.description)
        }
    }

    private static func connectUnix(_ path: String, display: String) throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ClientError.connection("socket: \(errnoString())") }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let cap = MemoryLayout.size(ofValue: addr.sun_path)
        guard bytes.count < cap else {
            close(fd)
            throw ClientError.invalidHost(display)
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        let len = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + 1)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, len) }
        }
        if rc != 0 {
            close(fd)
            throw ClientError.cannotConnect(display)
        }
        return fd
    }

    private static func connectTCP(_ host: String, _ port: Int, display: String) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &res) == 0, let first = res else {
            throw ClientError.connection("lookup \(host): no such host")
        }
        defer { freeaddrinfo(res) }
        var ai: UnsafeMutablePointer<addrinfo>? = first
        while let a = ai {
            let fd = socket(a.pointee.ai_family, a.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue), a.pointee.ai_protocol)
            if fd >= 0 {
                if Glibc.connect(fd, a.pointee.ai_addr, a.pointee.ai_addrlen) == 0 {
                    var one: Int32 = 1
                    setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
                    return fd
                }
                close(fd)
            }
            ai = a.pointee.ai_next
        }
        throw ClientError.cannotConnect(display)
    }

    static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < bytes.count {
            let n = send(fd, bytes.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL))
            if n < 0 {
                if errno == EINTR { continue }
                throw ClientError.connection("write: \(errnoString())")
            }
            off += n
        }
    }

    static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        try bytes.withUnsafeBytes { try writeAll(fd, $0) }
    }

    /// Reads what is available (at least one byte), or returns 0 at EOF.
    static func read(_ fd: Int32, into buf: UnsafeMutableRawBufferPointer) throws -> Int {
        while true {
            let n = recv(fd, buf.baseAddress, buf.count, 0)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            if errno == ECONNRESET { return 0 }
            throw ClientError.connection("read: \(errnoString())")
        }
    }
}

func errnoString(_ e: Int32 = errno) -> String {
    String(cString: strerror(e))
}
