import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// Where bytes come from: a file, a socket, a decompressor. `read` fills at most
/// `buffer.count` bytes and returns how many; 0 means end of stream. Sources are used by
/// one thread at a time; wrappers (gzip, hashing) compose without copying whole streams.
public protocol ByteSource: AnyObject {
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

/// Where bytes go. `write` consumes the whole buffer or throws.
public protocol ByteSink: AnyObject {
    func write(_ buffer: UnsafeRawBufferPointer) throws
}

extension ByteSource {
    /// Reads until `buffer` is full or the stream ends; returns the count read.
    public func readFully(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var total = 0
        while total < buffer.count {
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[total...]))
            if n == 0 { break }
            total += n
        }
        return total
    }

    /// The whole remaining stream in memory: for small things (configs, tests) only.
    public func readAll() throws -> [UInt8] {
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = try buf.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { return out }
            out.append(contentsOf: buf[0..<n])
        }
    }

    /// Reads and throws away everything up to the end; returns how many bytes that was.
    @discardableResult
    public func drain() throws -> Int64 {
        var total: Int64 = 0
        try withUnsafeTemporaryAllocation(byteCount: 65536, alignment: 16) { buf in
            while true {
                let n = try read(into: buf)
                if n == 0 { return }
                total += Int64(n)
            }
        }
        return total
    }

    /// Copies the rest of the stream into `sink`; returns the byte count.
    @discardableResult
    public func copy(to sink: any ByteSink, bufferSize: Int = 128 * 1024) throws -> Int64 {
        var total: Int64 = 0
        try withUnsafeTemporaryAllocation(byteCount: bufferSize, alignment: 16) { buf in
            while true {
                let n = try read(into: buf)
                if n == 0 { return }
                try sink.write(UnsafeRawBufferPointer(rebasing: buf[0..<n]))
                total += Int64(n)
            }
        }
        return total
    }
}

extension ByteSink {
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }
}

/// Reads a file descriptor. Owns (closes) it only when asked to.
public final class FileDescriptorSource: ByteSource {
    public let fd: Int32
    private let owned: Bool

    public init(fd: Int32, closeWhenDone: Bool = false) {
        self.fd = fd
        self.owned = closeWhenDone
    }

    /// Opens `path` read-only; the descriptor is closed with the source.
    public convenience init(path: String) throws {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            throw WharfError(e == ENOENT ? .notFound : .internalError, errnoMessage("open", path, e))
        }
        self.init(fd: fd, closeWhenDone: true)
    }

    deinit { if owned { close(fd) } }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno == EINTR { continue }
            throw WharfError.internalError("read: \(String(cString: strerror(errno)))")
        }
    }
}

/// Reads from bytes in memory (tests, small blobs).
public final class BytesSource: ByteSource {
    private let bytes: [UInt8]
    private var offset = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = min(buffer.count, bytes.count - offset)
        if n > 0 {
            bytes.withUnsafeBytes { src in
                buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
            }
            offset += n
        }
        return n
    }
}

/// Writes to a file descriptor. Owns (closes) it only when asked to.
public final class FileDescriptorSink: ByteSink {
    public let fd: Int32
    private let owned: Bool

    public init(fd: Int32, closeWhenDone: Bool = false) {
        self.fd = fd
        self.owned = closeWhenDone
    }

    /// Creates or truncates `path`.
    public convenience init(path: String, mode: mode_t = 0o644) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        if fd < 0 { throw WharfError.internalError(errnoMessage("open", path, errno)) }
        self.init(fd: fd, closeWhenDone: true)
    }

    deinit { if owned { close(fd) } }

    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        var off = 0
        while off < buffer.count {
            let n = Glibc.write(fd, buffer.baseAddress! + off, buffer.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw WharfError.internalError("write: \(String(cString: strerror(errno)))")
            }
            off += n
        }
    }

    /// fsync: call before renaming the file into place.
    public func sync() throws {
        if fsync(fd) != 0 { throw WharfError.internalError("fsync: \(String(cString: strerror(errno)))") }
    }
}

/// Collects everything written, in memory.
public final class BytesSink: ByteSink {
    public private(set) var bytes: [UInt8] = []
    public init() {}
    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        bytes.append(contentsOf: buffer)
    }
}

/// Passes reads through and hands every byte to `observe` (hashing, counting, teeing).
public final class ObservingSource: ByteSource {
    private let base: any ByteSource
    private let observe: (UnsafeRawBufferPointer) throws -> Void

    public init(_ base: any ByteSource, observe: @escaping (UnsafeRawBufferPointer) throws -> Void) {
        self.base = base
        self.observe = observe
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        let n = try base.read(into: buffer)
        if n > 0 { try observe(UnsafeRawBufferPointer(rebasing: buffer[0..<n])) }
        return n
    }
}
