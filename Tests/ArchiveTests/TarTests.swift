import Testing
import WharfCore
@testable import Archive

@Suite struct TarTests {
    @Test func roundTrip() throws {
        let longName = String(repeating: "d/", count: 60) + String(repeating: "f", count: 120)  // needs PAX
        let splitName = String(repeating: "a", count: 90) + "/" + String(repeating: "b", count: 90)  // ustar prefix
        let longLink = "/" + String(repeating: "t", count: 150)
        var xattrFile = fileEntry("x")
        xattrFile.xattrs = ["user.k": Array("v\u{0}bin".utf8)]
        xattrFile.uid = 3_000_000
        xattrFile.gid = 42
        xattrFile.userName = "someone"
        let big = (0..<70_000).map { UInt8(truncatingIfNeeded: $0) }
        var dev = TarEntry(path: "dev/null", kind: .charDevice, mode: 0o666)
        dev.devMajor = 1
        dev.devMinor = 3
        let bytes = try tar { w in
            try w.add(TarEntry(path: "dir/", kind: .directory, mode: 0o750))
            try w.add(fileEntry("dir/small", mode: 0o4755), contents: Array("hello".utf8))
            try w.add(fileEntry(longName), contents: Array("long".utf8))
            try w.add(fileEntry(splitName), contents: [])
            try w.add(TarEntry(path: "ln", kind: .symlink, linkName: longLink))
            try w.add(TarEntry(path: "hard", kind: .hardLink, linkName: "dir/small"))
            try w.add(xattrFile, contents: [1, 2, 3])
            try w.add(fileEntry("big"), contents: big)
            try w.add(dev)
            try w.add(TarEntry(path: "fifo", kind: .fifo))
        }
        #expect(bytes.count % 512 == 0)
        let entries = try readAll(bytes)
        #expect(entries.map(\.0.path) == ["dir/", "dir/small", longName, splitName, "ln", "hard", "x", "big", "dev/null", "fifo"])
        #expect(entries[0].0.kind == .directory && entries[0].0.mode == 0o750)
        #expect(entries[1].1 == Array("hello".utf8) && entries[1].0.mode == 0o4755)
        #expect(entries[1].0.modified.seconds == 1_600_000_000)
        #expect(entries[2].1 == Array("long".utf8))
        #expect(entries[4].0.kind == .symlink && entries[4].0.linkName == longLink)
        #expect(entries[5].0.kind == .hardLink && entries[5].0.linkName == "dir/small")
        #expect(entries[6].0.xattrs == ["user.k": Array("v\u{0}bin".utf8)])
        #expect(entries[6].0.uid == 3_000_000 && entries[6].0.gid == 42 && entries[6].0.userName == "someone")
        #expect(entries[6].1 == [1, 2, 3])
        #expect(entries[7].1 == big)
        #expect(entries[8].0.kind == .charDevice && entries[8].0.devMajor == 1 && entries[8].0.devMinor == 3)
        #expect(entries[9].0.kind == .fifo)
    }

    @Test func skipsUnreadContentAndReadsGNULongNames() throws {
        // GNU tar's long-name member ('L') is written by hand: the writer itself uses PAX.
        let name = String(repeating: "n", count: 200)
        var raw = try tar { w in
            try w.add(fileEntry("skipped"), contents: [UInt8](repeating: 7, count: 1000))
        }
        raw.removeLast(1024)  // the end-of-archive blocks
        var gnu = fileEntry("././@LongLink")
        gnu.kind = .other(UInt8(ascii: "L"))
        let body = Array(name.utf8) + [0]
        raw += TarWriter.encodeHeader(gnu, name: Array("././@LongLink".utf8), prefix: [], link: [], size: Int64(body.count))
        raw += body + [UInt8](repeating: 0, count: (512 - body.count % 512) % 512)
        raw += TarWriter.encodeHeader(fileEntry("short"), name: Array("short".utf8), prefix: [], link: [], size: 2)
        raw += [9, 9] + [UInt8](repeating: 0, count: 510) + [UInt8](repeating: 0, count: 1024)

        let r = TarReader(BytesSource(raw))
        #expect(try r.next()?.path == "skipped")  // content never read: next() skips it
        let e = try #require(try r.next())
        #expect(e.path == name)
        #expect(try r.readAll() == [9, 9])
        #expect(try r.next() == nil)
    }

    @Test func paxMtimeAndGlobalHeaders() throws {
        let records = TarWriter.encodePax([("mtime", Array("1700000000.5".utf8)), ("uid", Array("7".utf8))])
        let global = TarWriter.encodePax([("gname", Array("staff".utf8))])
        var raw: [UInt8] = []
        func member(_ flag: UInt8, _ body: [UInt8]) {
            var e = fileEntry("pax")
            e.kind = .other(flag)
            raw += TarWriter.encodeHeader(e, name: Array("pax".utf8), prefix: [], link: [], size: Int64(body.count))
            raw += body + [UInt8](repeating: 0, count: (512 - body.count % 512) % 512)
        }
        member(UInt8(ascii: "g"), global)
        member(UInt8(ascii: "x"), records)
        raw += TarWriter.encodeHeader(fileEntry("f"), name: Array("f".utf8), prefix: [], link: [], size: 0)
        raw += TarWriter.encodeHeader(fileEntry("g"), name: Array("g".utf8), prefix: [], link: [], size: 0)
        raw += [UInt8](repeating: 0, count: 1024)
        let entries = try readAll(raw)
        #expect(entries.count == 2)
        #expect(entries[0].0.modified == Timestamp(seconds: 1_700_000_000, nanoseconds: 500_000_000))
        #expect(entries[0].0.uid == 7 && entries[0].0.groupName == "staff")
        #expect(entries[1].0.uid == 0 && entries[1].0.groupName == "staff")
    }

    @Test func corruptAndTruncatedInput() throws {
        var bytes = try tar { w in try w.add(fileEntry("a"), contents: Array("abc".utf8)) }
        bytes[0] = UInt8(ascii: "b")  // checksum no longer matches
        #expect(throws: WharfError.self) { _ = try readAll(bytes) }
        let good = try tar { w in try w.add(fileEntry("a"), contents: [UInt8](repeating: 1, count: 2000)) }
        #expect(throws: WharfError.self) { _ = try readAll(Array(good.prefix(1000))) }
        #expect(try readAll([]).isEmpty)
    }
}
