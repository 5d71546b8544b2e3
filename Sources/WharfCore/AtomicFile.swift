#if canImport(Glibc)
import Glibc
#endif

/// Crash-safe file writes: a temporary name in the same directory, fsync, rename, fsync of
/// the directory. A crash leaves the old content or the new, never a torn file.
public enum AtomicFile {
    /// `durable: false` skips the fsyncs: the file still changes atomically (rename), but a
    /// power loss may lose the latest version. For files that are regenerated anyway.
    public static func write(_ bytes: [UInt8], to path: String, mode: mode_t = 0o644, durable: Bool = true) throws {
        let dir = parentDirectory(of: path)
        let tmp = "\(path).tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 { throw WharfError.internalError(errnoMessage("open", tmp, errno)) }
        var ok = false
        defer {
            if !ok { unlink(tmp) }
        }
        do {
            try writeAll(fd: fd, bytes)
            if durable && fsync(fd) != 0 { throw WharfError.internalError(errnoMessage("fsync", tmp, errno)) }
        } catch {
            close(fd)
            throw error
        }
        close(fd)
        if rename(tmp, path) != 0 { throw WharfError.internalError(errnoMessage("rename", path, errno)) }
        ok = true
        guard durable else { return }
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 { _ = fsync(dfd); close(dfd) }
    }

    public static func write(_ string: String, to path: String, mode: mode_t = 0o644, durable: Bool = true) throws {
        try write(Array(string.utf8), to: path, mode: mode, durable: durable)
    }

    public static func writeAll(fd: Int32, _ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { buf in
                Glibc.write(fd, buf.baseAddress! + off, bytes.count - off)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw WharfError.internalError("write: \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }

    public static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }
}
