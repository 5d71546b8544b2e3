#if canImport(Glibc)
import Glibc
#endif

/// An exclusive, non-blocking flock on a file, held for the life of the process. It is how
/// two daemons are kept from sharing one data root: the kernel drops the lock when the
/// holder dies, so a crash never leaves a stale lock behind.
public final class FileLock: Sendable {
    public let path: String
    private let fd: Int32

    public init(path: String) throws {
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        if fd < 0 { throw WharfError.internalError(errnoMessage("open", path, errno)) }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            throw WharfError(.conflict, "another wharfd holds the lock on \(path); two daemons cannot share one data root")
        }
        self.path = path
        self.fd = fd
        let pid = Array("\(getpid())\n".utf8)
        _ = ftruncate(fd, 0)
        _ = pid.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
    }

    deinit { close(fd) }
}
