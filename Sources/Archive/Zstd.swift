import CWharf
import WharfCore

/// Streaming zstd decompression (OCI `tar+zstd` layers) through the system's libzstd,
/// loaded at first use. Concatenated frames decode as one stream.
public final class ZstdDecompressor: ByteSource {
    private let base: any ByteSource
    private let stream: UnsafeMutableRawPointer
    private var input: UnsafeMutableRawBufferPointer
    private var inPos = 0
    private var inSize = 0
    private var inputEOF = false
    /// The last call ended a frame: at EOF that is a clean end.
    private var frameDone = true

    public init(_ base: any ByteSource, bufferSize: Int = 128 * 1024) throws {
        guard let s = cwharf_zstd_new() else {
            throw WharfError.invalid("unsupported compression: zstd (libzstd.so.1 could not be loaded)")
        }
        self.base = base
        stream = s
        input = .allocate(byteCount: bufferSize, alignment: 16)
    }

    deinit {
        cwharf_zstd_free(stream)
        input.deallocate()
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0 else { return 0 }
        while true {
            if inPos == inSize && !inputEOF {
                inSize = try base.read(into: input)
                inPos = 0
                if inSize == 0 { inputEOF = true }
            }
            if inPos == inSize && inputEOF {
                if !frameDone { throw WharfError.invalid("zstd: unexpected EOF") }
                return 0
            }
            var inBuf = cwharf_zstd_in(src: UnsafeRawPointer(input.baseAddress!), size: inSize, pos: inPos)
            var outBuf = cwharf_zstd_out(dst: buffer.baseAddress!, size: buffer.count, pos: 0)
            let rc = cwharf_zstd_decompress(stream, &outBuf, &inBuf)
            if cwharf_zstd_is_error(rc) != 0 {
                throw WharfError.invalid("zstd: invalid data: \(String(cString: cwharf_zstd_error_name(rc)))")
            }
            inPos = inBuf.pos
            frameDone = rc == 0
            if outBuf.pos > 0 { return outBuf.pos }
        }
    }
}
