import Glibc
import WharfCore

/// UNIX stream sockets, by path. Paths are limited to 107 bytes by sockaddr_un.
public enum UnixSocket {
    static func withAddress<R>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> R) throws -> R {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let cap = MemoryLayout.size(ofValue: addr.sun_path)
        guard bytes.count < cap else {
            throw WharfError.invalid("socket path too long (\(bytes.count) bytes, max \(cap - 1)): \(path)")
        }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            for (i, b) in bytes.enumerated() { raw[i] = b }
            raw[bytes.count] = 0
        }
        // An abstract name ("@name") has a leading NUL and no terminator in its length.
        let abstract = bytes.first == UInt8(ascii: "@")
        if abstract {
            withUnsafeMutableBytes(of: &addr.sun_path) { $0[0] = 0 }
        }
        let len = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (abstract ? 0 : 1))
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, len) }
        }
    }

    static func newSocket() throws -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        if fd < 0 { throw WharfError.internalError("socket: \(String(cString: strerror(errno)))") }
        return fd
    }

    /// A listening socket at `path`. A stale socket file is replaced; anything else that is
    /// in the way is an error (never unlink a user's file).
    public static func listen(path: String, backlog: Int32 = 16, mode: mode_t = 0o600) throws -> Int32 {
        if !path.hasPrefix("@") {
            var st = stat()
            if lstat(path, &st) == 0 {
                guard (st.st_mode & S_IFMT) == S_IFSOCK else {
                    throw WharfError.conflict("\(path) exists and is not a socket")
                }
                unlink(path)
            }
        }
        let fd = try newSocket()
        let rc = try withAddress(path) { bind(fd, $0, $1) }
        if rc != 0 {
            let e = errno
            close(fd)
            throw WharfError.internalError(errnoMessage("bind", path, e))
        }
        if !path.hasPrefix("@") { chmod(path, mode) }
        if Glibc.listen(fd, backlog) != 0 {
            let e = errno
            close(fd)
            throw WharfError.internalError(errnoMessage("listen", path, e))
        }
        return fd
    }

    public static func connect(path: String) throws -> Int32 {
        let fd = try newSocket()
        while true {
            let rc = try withAddress(path) { Glibc.connect(fd, $0, $1) }
            if rc == 0 { return fd }
            let e = errno
            if e == EINTR { continue }
            close(fd)
            throw WharfError(e == ENOENT || e == ECONNREFUSED ? .notFound : .internalError,
                             errnoMessage("connect", path, e))
        }
    }

    /// Writes everything, retrying on EINTR and short writes. Blocking.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + off, bytes.count - off, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw WharfError.internalError("write to shim: \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }
}
