import Testing
@testable import OCI

@Suite struct SHA256Tests {
    @Test func knownVectors() {
        #expect(Digest.sha256([UInt8]()).encoded == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.sha256(Array("abc".utf8)).encoded == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.sha256(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)).encoded
            == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Digest.sha256([UInt8](repeating: 0x61, count: 1_000_000)).encoded
            == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func streamingMatchesOneShot() {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let whole = Digest.sha256(data)
        for chunk in [1, 3, 63, 64, 65, 127, 1000] {
            var h = SHA256Hasher()
            var i = 0
            while i < data.count {
                let end = min(i + chunk, data.count)
                data[i..<end].withUnsafeBytes { h.update($0) }
                i = end
            }
            #expect(h.finalizeDigest() == whole, "chunk \(chunk)")
        }
    }

    @Test func digestParsingAndCoding() throws {
        let s = "sha256:" + String(repeating: "ab", count: 32)
        let d = try Digest(parsing: s)
        #expect(d.algorithm == "sha256")
        #expect(d.string == s)
        #expect(d.shortID == "abababababab")
        #expect(throws: (any Error).self) { try Digest(parsing: "sha256:abc") }
        #expect(throws: (any Error).self) { try Digest(parsing: "sha256:" + String(repeating: "AB", count: 32)) }
        #expect(throws: (any Error).self) { try Digest(parsing: "md5:" + String(repeating: "ab", count: 16)) }
        #expect(looksLikeImageIDPrefix("abc"))
        #expect(looksLikeImageIDPrefix("sha256:0f"))
        #expect(!looksLikeImageIDPrefix("busybox"))
        #expect(!looksLikeImageIDPrefix(""))
    }

    @Test func chainIDs() throws {
        let a = Digest.sha256(Array("a".utf8)), b = Digest.sha256(Array("b".utf8))
        let ids = OCI.chainIDs(diffIDs: [a, b])
        #expect(ids[0] == a)
        #expect(ids[1] == Digest.sha256(Array("\(a.string) \(b.string)".utf8)))
        #expect(chainID(diffIDs: []) == nil)
    }
}
