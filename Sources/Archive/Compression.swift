import WharfCore

/// Compression of a tar stream, told apart by its magic bytes as Docker does
/// (pkg/archive DetectCompression).
public enum Compression: String, Sendable {
    case none, gzip, bzip2, xz, zstd

    public static func detect(_ head: some Collection<UInt8>) -> Compression {
        let b = Array(head.prefix(6))
        func starts(_ magic: [UInt8]) -> Bool { b.count >= magic.count && Array(b[0..<magic.count]) == magic }
        if starts([0x1f, 0x8b]) { return .gzip }
        if starts([0x42, 0x5a, 0x68]) { return .bzip2 }
        if starts([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]) { return .xz }
        if starts([0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
        return .none
    }
}

/// A source with some bytes already read from it put back in front.
public final class PrefixedSource: ByteSource {
    private var prefix: [UInt8]
    private var offset = 0
    private let base: any ByteSource

    public init(prefix: [UInt8], base: any ByteSource) {
        self.prefix = prefix
        self.base = base
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if offset < prefix.count {
            let n = min(buffer.count, prefix.count - offset)
            prefix.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress! + offset, byteCount: n) }
            offset += n
            if offset == prefix.count { prefix = [] ; offset = 0 }
            return n
        }
        return try base.read(into: buffer)
    }
}

/// Peeks at `source`, and returns the detected compression and a source of the plain
/// (decompressed) bytes. bzip2 and xz are refused with a clear error.
public func decompressingSource(_ source: any ByteSource) throws -> (Compression, any ByteSource) {
    var head = [UInt8](repeating: 0, count: 6)
    let n = try head.withUnsafeMutableBytes { try source.readFully(into: $0) }
    head.removeSubrange(n...)
    let kind = Compression.detect(head)
    let whole = PrefixedSource(prefix: head, base: source)
    switch kind {
    case .none: return (kind, whole)
    case .gzip: return (kind, try GzipDecompressor(whole))
    case .zstd: return (kind, try ZstdDecompressor(whole))
    case .bzip2, .xz:
        throw WharfError.invalid("unsupported compression: \(kind.rawValue) (gzip, zstd and uncompressed tars are supported)")
    }
}
