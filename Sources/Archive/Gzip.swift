import CZlib
import WharfCore

/// Streaming gzip decompression over zlib. Concatenated members (what `cat a.gz b.gz`
/// and parallel compressors produce) decode as one stream, as Go's gzip reader does.
public final class GzipDecompressor: ByteSource {
    private let base: any ByteSource
    private let stream: UnsafeMutablePointer<z_stream>
    private var input: UnsafeMutableRawBufferPointer
    private var inputEOF = false
    private var finished = false

    public init(_ base: any ByteSource, bufferSize: Int = 128 * 1024) throws {
        self.base = base
        // zlib keeps a back pointer to the z_stream, so it must not move: heap-allocate it.
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        input = .allocate(byteCount: bufferSize, alignment: 16)
        let rc = inflateInit2_(stream, 16 + MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if rc != Z_OK {
            stream.deallocate()
            input.deallocate()
            throw WharfError.internalError("zlib inflateInit2: \(rc)")
        }
    }

    deinit {
        inflateEnd(stream)
        stream.deallocate()
        input.deallocate()
    }

    private func refill() throws {
        let n = try base.read(into: input)
        if n == 0 { inputEOF = true }
        stream.pointee.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_in = uInt(n)
    }

    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard buffer.count > 0, !finished else { return 0 }
        let outCap = min(buffer.count, Int(UInt32.max))
        stream.pointee.next_out = buffer.baseAddress!.assumingMemoryBound(to: Bytef.self)
        stream.pointee.avail_out = uInt(outCap)
        while stream.pointee.avail_out == uInt(outCap) {
            if stream.pointee.avail_in == 0 && !inputEOF { try refill() }
            if stream.pointee.avail_in == 0 && inputEOF {
                throw WharfError.invalid("gzip: unexpected EOF")
            }
            let rc = inflate(stream, Z_NO_FLUSH)
            if rc == Z_STREAM_END {
                // Another member may follow; anything else after a member ends the stream.
                if stream.pointee.avail_in == 0 && !inputEOF { try refill() }
                if stream.pointee.avail_in > 0 && stream.pointee.next_in.pointee == 0x1f {
                    inflateReset(stream)
                } else {
                    finished = true
                    break
                }
            } else if rc == Z_BUF_ERROR {
                continue  // needs more input; loop refills
            } else if rc != Z_OK {
                let msg = stream.pointee.msg.map { String(cString: $0) } ?? "error \(rc)"
                throw WharfError.invalid("gzip: invalid data: \(msg)")
            }
        }
        return outCap - Int(stream.pointee.avail_out)
    }
}

/// Streaming gzip compression into a sink. Call `finish()` to write the trailer.
public final class GzipCompressor: ByteSink {
    private let base: any ByteSink
    private let stream: UnsafeMutablePointer<z_stream>
    private let output: UnsafeMutableRawBufferPointer
    private var finished = false

    /// level: 1 (fast) … 9 (small); Docker uses the default (6) for layers.
    public init(_ base: any ByteSink, level: Int32 = Z_DEFAULT_COMPRESSION, bufferSize: Int = 128 * 1024) throws {
        self.base = base
        stream = .allocate(capacity: 1)
        stream.initialize(to: z_stream())
        output = .allocate(byteCount: bufferSize, alignment: 16)
        let rc = deflateInit2_(stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY,
                               ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        if rc != Z_OK {
            stream.deallocate()
            output.deallocate()
            throw WharfError.internalError("zlib deflateInit2: \(rc)")
        }
    }

    deinit {
        deflateEnd(stream)
        stream.deallocate()
        output.deallocate()
    }

    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        guard buffer.count > 0 else { return }
        precondition(!finished, "write after finish")
        stream.pointee.next_in = UnsafeMutablePointer(mutating: buffer.baseAddress!.assumingMemoryBound(to: Bytef.self))
        stream.pointee.avail_in = uInt(buffer.count)
        try pump(flush: Z_NO_FLUSH)
    }

    public func finish() throws {
        guard !finished else { return }
        finished = true
        stream.pointee.avail_in = 0
        try pump(flush: Z_FINISH)
    }

    private func pump(flush: Int32) throws {
        repeat {
            stream.pointee.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.pointee.avail_out = uInt(output.count)
            let rc = deflate(stream, flush)
            if rc == Z_STREAM_ERROR { throw WharfError.internalError("zlib deflate: stream error") }
            let produced = output.count - Int(stream.pointee.avail_out)
            if produced > 0 { try base.write(UnsafeRawBufferPointer(rebasing: output[0..<produced])) }
            if flush == Z_FINISH && rc == Z_STREAM_END { return }
        } while stream.pointee.avail_out == 0 || (flush == Z_FINISH)
    }
}
