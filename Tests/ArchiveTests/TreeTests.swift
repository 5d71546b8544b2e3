import Testing
import WharfCore
@testable import Archive
#if canImport(Glibc)
import Glibc
#endif

@Suite struct TreeTests {
    @Test func treeRoundTripsThroughExtract() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let src = tmp.path + "/src"
        try FS.mkdirAll(src + "/d/e")
        try AtomicFile.write("one", to: src + "/d/one", mode: 0o640)
        #expect(link(src + "/d/one", src + "/d/e/same") == 0)
        #expect(symlink("../one", src + "/d/e/rel") == 0)
        #expect(mkfifo(src + "/p", 0o600) == 0)
        try AtomicFile.write("skip", to: src + "/skipme")

        let sink = BytesSink()
        let w = TarWriter(sink)
        try w.appendTree(src, options: TreeArchiveOptions(include: { $0 != "skipme" }))
        try w.finish()
        let entries = try readAll(sink.bytes)
        #expect(entries.map(\.0.path) == ["d/", "d/e/", "d/e/rel", "d/e/same", "d/one", "p"])
        #expect(entries[3].0.kind == .file && entries[4].0.kind == .hardLink && entries[4].0.linkName == "d/e/same")

        try extract(tar: BytesSource(sink.bytes), into: tmp.path + "/dst")
        #expect(try FS.readString(tmp.path + "/dst/d/one") == "one")
        #expect(try FS.readString(tmp.path + "/dst/d/e/rel") == "one")
        var st = stat()
        #expect(lstat(tmp.path + "/dst/d/one", &st) == 0 && st.st_nlink == 2 && st.st_mode & 0o777 == 0o640)
        #expect(fileType(tmp.path + "/dst/p") == S_IFIFO)
        #expect(!FS.exists(tmp.path + "/dst/skipme"))

        // A single file under a new name (docker cp).
        let one = BytesSink()
        let w2 = TarWriter(one)
        try w2.appendTree(src + "/d/one", as: "renamed")
        try w2.finish()
        #expect(try readAll(one.bytes).map(\.0.path) == ["renamed"])
    }
}
