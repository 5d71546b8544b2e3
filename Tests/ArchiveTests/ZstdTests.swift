import FoundationEssentials
import Testing
import WharfCore
@testable import Archive

@Suite struct ZstdTests {
    /// `tar -cf - d` (d/hello.txt = "zstd layer content\n"), then `zstd -19`.
    static let layer = Array(Data(base64Encoded: "KLUv/WQAJzUDAPJEEBGgb7o3uXG+qq4EtmS7376VAgwetodxtWxWvWY/rzeP4j4KMQZ9/RDfa04w7pbqJ+XTTNJAxlMy5JjBzuckZ8ECDSBgLbE50geegVW5jNkeOmDydFMciMRX4AcgQUwBzCfhBiNI5U8=")!)

    @Test func decompressesAZstdLayer() throws {
        let (kind, plain) = try decompressingSource(BytesSource(Self.layer))
        #expect(kind == .zstd)
        let tar = try plain.readAll()
        #expect(tar.count == 10240)
        let reader = TarReader(BytesSource(tar))
        var names: [String] = []
        while let e = try reader.next() { names.append(e.path) }
        #expect(names == ["d/", "d/hello.txt"])
    }

    @Test func truncatedInputIsAnError() throws {
        let (_, plain) = try decompressingSource(BytesSource(Array(Self.layer.dropLast(20))))
        #expect(throws: WharfError.self) { _ = try plain.readAll() }
    }
}
