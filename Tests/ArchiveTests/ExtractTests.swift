import Testing
import WharfCore
@testable import Archive
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ExtractTests {
    @Test func createsEveryKindWithMetadata() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        var owned = fileEntry("dir/owned", mode: 0o4750)
        owned.uid = 1234
        owned.gid = 5678
        owned.xattrs = ["user.test": Array("yes".utf8)]
        let bytes = try tar { w in
            try w.add(TarEntry(path: "./", kind: .directory, mode: 0o711))
            try w.add(TarEntry(path: "dir/", kind: .directory, mode: 0o700, modified: Timestamp(seconds: 1_000_000)))
            try w.add(owned, contents: Array("content".utf8))
            try w.add(TarEntry(path: "dir/link", kind: .symlink, linkName: "owned"))
            try w.add(TarEntry(path: "dir/hard", kind: .hardLink, linkName: "dir/owned"))
            try w.add(TarEntry(path: "fifo", kind: .fifo, mode: 0o600))
            var dev = TarEntry(path: "null", kind: .charDevice, mode: 0o666)
            dev.devMajor = 1
            dev.devMinor = 3
            try w.add(dev)
            try w.add(fileEntry("nested/deep/file"), contents: Array("x".utf8))
        }
        let size = try extract(tar: BytesSource(bytes), into: tmp.path + "/out")
        #expect(size == 8)
        let out = tmp.path + "/out"
        var st = stat()
        #expect(lstat(out, &st) == 0 && st.st_mode & 0o7777 == 0o711)
        #expect(lstat(out + "/dir", &st) == 0 && st.st_mode & 0o7777 == 0o700 && st.st_mtim.tv_sec == 1_000_000)
        #expect(try FS.readString(out + "/dir/owned") == "content")
        #expect(lstat(out + "/dir/owned", &st) == 0 && st.st_mtim.tv_sec == 1_600_000_000)
        #expect(fileType(out + "/dir/link") == S_IFLNK)
        #expect(lstat(out + "/dir/hard", &st) == 0 && st.st_nlink == 2)
        #expect(fileType(out + "/fifo") == S_IFIFO)
        #expect(fileType(out + "/nested/deep/file") == S_IFREG)
        if geteuid() == 0 {
            #expect(lstat(out + "/dir/owned", &st) == 0 && st.st_uid == 1234 && st.st_gid == 5678)
            #expect(st.st_mode & 0o7777 == 0o4750)
            #expect(lstat(out + "/null", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR)
            #expect(Xattrs.get(out + "/dir/owned", "user.test") == Array("yes".utf8))
        }
    }

    @Test func replacesExistingEntries() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let bytes = try tar { w in
            try w.add(fileEntry("a/file"), contents: Array("1".utf8))
            try w.add(fileEntry("a"), contents: Array("now a file".utf8))  // replaces the directory
            try w.add(TarEntry(path: "b", kind: .directory))
            try w.add(fileEntry("b/x"), contents: Array("x".utf8))
            try w.add(TarEntry(path: "b", kind: .directory, mode: 0o700))  // keeps b/x
        }
        try extract(tar: BytesSource(bytes), into: tmp.path)
        #expect(try FS.readString(tmp.path + "/a") == "now a file")
        #expect(try FS.readString(tmp.path + "/b/x") == "x")
    }

    @Test func escapesStayInsideRoot() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let root = tmp.path + "/root"
        try FS.mkdirAll(root)

        // Rooted paths clamp at the root; a symlink to "/" (or "../..") is followed inside it.
        let ok = try tar { w in
            try w.add(fileEntry("/abs/../../x"), contents: Array("x".utf8))
            try w.add(TarEntry(path: "a", kind: .symlink, linkName: "/"))
            try w.add(TarEntry(path: "up", kind: .symlink, linkName: "../../.."))
            try w.add(fileEntry("a/etc/passwd"), contents: Array("p".utf8))
            try w.add(fileEntry("up/escaped"), contents: Array("e".utf8))
            try w.add(TarEntry(path: "loop", kind: .symlink, linkName: "loop"))
        }
        try extract(tar: BytesSource(ok), into: root)
        #expect(try FS.readString(root + "/x") == "x")
        #expect(try FS.readString(root + "/etc/passwd") == "p")
        #expect(try FS.readString(root + "/escaped") == "e")
        #expect(!FS.exists(tmp.path + "/x") && !FS.exists(tmp.path + "/escaped") && !FS.exists("/escaped"))

        // A relative break-out and a hard link to outside are refused.
        for evil in [
            try tar { w in try w.add(fileEntry("../x"), contents: Array("boom".utf8)) },
            try tar { w in try w.add(fileEntry("a/../../x"), contents: Array("boom".utf8)) },
            try tar { w in try w.add(TarEntry(path: "h", kind: .hardLink, linkName: "../../x")) },
        ] {
            #expect(throws: WharfError.self) { try extract(tar: BytesSource(evil), into: root) }
        }
        #expect(FS.listDirectory(tmp.path) == ["root"])

        // A hard link through a symlink resolves inside the root too.
        try AtomicFile.write("outside", to: tmp.path + "/secret")
        let hl = try tar { w in
            try w.add(TarEntry(path: "s", kind: .symlink, linkName: "/"))
            try w.add(TarEntry(path: "hl", kind: .hardLink, linkName: "s/../secret"))
        }
        #expect(throws: WharfError.self) { try extract(tar: BytesSource(hl), into: root) }  // no root/secret
        var st = stat()
        #expect(lstat(tmp.path + "/secret", &st) == 0 && st.st_nlink == 1)

        // A symlink loop in a parent component is an error, not a hang.
        let looping = try tar { w in try w.add(fileEntry("loop/f"), contents: []) }
        #expect(throws: WharfError.self) { try extract(tar: BytesSource(looping), into: root) }
    }

    @Test(.enabled(if: geteuid() == 0)) func overlayWhiteouts() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let bytes = try tar { w in
            try w.add(TarEntry(path: "d/", kind: .directory))
            try w.add(fileEntry("d/.wh.gone"), contents: [])
            try w.add(fileEntry("o/.wh..wh..opq"), contents: [])
            try w.add(fileEntry(".wh..wh.plnk"), contents: [])
        }
        try extract(tar: BytesSource(bytes), into: tmp.path, options: ExtractOptions(whiteouts: .overlay))
        var st = stat()
        #expect(lstat(tmp.path + "/d/gone", &st) == 0 && (st.st_mode & S_IFMT) == S_IFCHR && st.st_rdev == 0)
        #expect(Xattrs.get(tmp.path + "/o", "trusted.overlay.opaque") == Array("y".utf8))
        #expect(!FS.exists(tmp.path + "/d/.wh.gone"))
        #expect(!FS.exists(tmp.path + "/.wh..wh.plnk"))
    }

    @Test func appliedWhiteoutsDelete() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let lower = try tar { w in
            try w.add(fileEntry("d/old"), contents: [1])
            try w.add(fileEntry("d/keep"), contents: [1])
            try w.add(fileEntry("o/old"), contents: [1])
        }
        let upper = try tar { w in
            try w.add(fileEntry("d/.wh.old"), contents: [])
            try w.add(fileEntry("o/new"), contents: [2])
            try w.add(fileEntry("o/.wh..wh..opq"), contents: [])
        }
        let opts = ExtractOptions(whiteouts: .apply)
        try extract(tar: BytesSource(lower), into: tmp.path, options: opts)
        try extract(tar: BytesSource(upper), into: tmp.path, options: opts)
        #expect(FS.listDirectory(tmp.path + "/d") == ["keep"])
        #expect(FS.listDirectory(tmp.path + "/o") == ["new"])
    }
}
