import Testing
import WharfCore
@testable import Archive

@Suite struct GzipTests {
    func compress(_ bytes: [UInt8], level: Int32 = 6) throws -> [UInt8] {
        let sink = BytesSink()
        let gz = try GzipCompressor(sink, level: level)
        // Several writes, to exercise streaming.
        var i = 0
        while i < bytes.count {
            let end = min(i + 10_007, bytes.count)
            try gz.write(Array(bytes[i..<end]))
            i = end
        }
        try gz.finish()
        return sink.bytes
    }

    @Test func roundTrip() throws {
        let data = (0..<500_000).map { UInt8(truncatingIfNeeded: ($0 * 7) ^ ($0 >> 5)) }
        let gz = try compress(data)
        #expect(gz[0] == 0x1f && gz[1] == 0x8b)
        #expect(try GzipDecompressor(BytesSource(gz)).readAll() == data)
        let (kind, plain) = try decompressingSource(BytesSource(gz))
        #expect(kind == .gzip)
        #expect(try plain.readAll() == data)
        #expect(try GzipDecompressor(BytesSource(try compress([]))).readAll() == [])
    }

    @Test func concatenatedMembers() throws {
        let a = Array("first member\n".utf8), b = Array("second member\n".utf8)
        let both = try compress(a) + compress(b)
        #expect(try GzipDecompressor(BytesSource(both)).readAll() == a + b)
    }

    @Test func detection() throws {
        let (kind, plain) = try decompressingSource(BytesSource(Array("plain".utf8)))
        #expect(kind == .none)
        #expect(try plain.readAll() == Array("plain".utf8))
        // zstd is supported (ZstdTests); bzip2 and xz are refused clearly.
        for magic: [UInt8] in [[0x42, 0x5a, 0x68, 0x39], [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]] {
            do {
                _ = try decompressingSource(BytesSource(magic + [0, 0, 0]))
                Issue.record("accepted \(magic)")
            } catch let e as WharfError {
                #expect(e.message.hasPrefix("unsupported compression"))
            }
        }
        #expect(throws: WharfError.self) {
            _ = try GzipDecompressor(BytesSource(Array(try compress(Array("x".utf8)).dropLast(4)))).readAll()
        }
    }
}
