import XCTest
@testable import WharfCore

final class TimestampTests: XCTestCase {
    func testFormatsLikeGoRFC3339Nano() {
        XCTAssertEqual(Timestamp(seconds: 0).rfc3339Nano, "1970-01-01T00:00:00Z")
        XCTAssertEqual(Timestamp(seconds: 1_796_000_000, nanoseconds: 612_217_442).rfc3339Nano, "2026-11-30T00:53:20.612217442Z")
        // Trailing zeros of the fraction are trimmed, as Go does.
        XCTAssertEqual(Timestamp(seconds: 1_796_000_000, nanoseconds: 500_000_000).rfc3339Nano, "2026-11-30T00:53:20.5Z")
        XCTAssertEqual(Timestamp.zero.rfc3339Nano, "0001-01-01T00:00:00Z")
    }

    func testParsesRFC3339() {
        let t = Timestamp(rfc3339: "2026-11-29T16:53:05.612217442Z")
        XCTAssertEqual(t?.rfc3339Nano, "2026-11-29T16:53:05.612217442Z")
        XCTAssertEqual(Timestamp(rfc3339: "2026-11-29T17:53:05+01:00")?.rfc3339Nano, "2026-11-29T16:53:05Z")
        XCTAssertEqual(Timestamp(rfc3339: "0001-01-01T00:00:00Z"), .zero)
        XCTAssertNil(Timestamp(rfc3339: "yesterday"))
        XCTAssertNil(Timestamp(rfc3339: "2026-11-29T16:53:05"))
    }

    func testDockerQueryValues() {
        XCTAssertEqual(Timestamp(dockerQuery: "1700000000"), Timestamp(seconds: 1_700_000_000))
        XCTAssertEqual(Timestamp(dockerQuery: "1700000000.5"), Timestamp(seconds: 1_700_000_000, nanoseconds: 500_000_000))
        XCTAssertNil(Timestamp(dockerQuery: "soon"))
        // Unix seconds with nine decimals are 20 characters, like an RFC 3339 time: they
        // must not be read as one.
        XCTAssertEqual(Timestamp(dockerQuery: "1764439594.198851182"), Timestamp(seconds: 1_764_439_594, nanoseconds: 198_851_182))
    }
}

final class AtomicFileTests: XCTestCase {
    func testWriteReplacesWholeFileAndLeavesNoTemporaries() throws {
        let dir = "/tmp/wharf-unit-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try FS.mkdirAll(dir)
        defer { try? FS.removeAll(dir) }
        try AtomicFile.write("first", to: dir + "/f")
        try AtomicFile.write("second", to: dir + "/f")
        XCTAssertEqual(try FS.readString(dir + "/f"), "second")
        XCTAssertEqual(FS.listDirectory(dir), ["f"])
    }

    func testFileLockIsExclusive() throws {
        let path = "/tmp/wharf-unit-lock-\(getpid())"
        defer { unlink(path) }
        let a = try FileLock(path: path)
        XCTAssertThrowsError(try FileLock(path: path)) { e in
            XCTAssertEqual((e as? WharfError)?.code, .conflict)
        }
        _ = a
    }

    func testRemoveAllRemovesTreeWithoutFollowingLinks() throws {
        let dir = "/tmp/wharf-unit-rm-\(getpid())"
        let outside = "/tmp/wharf-unit-keep-\(getpid())"
        try FS.mkdirAll(dir + "/a/b")
        try AtomicFile.write("x", to: outside)
        defer { unlink(outside) }
        symlink(outside, dir + "/a/link")
        try FS.removeAll(dir)
        XCTAssertFalse(FS.exists(dir))
        XCTAssertTrue(FS.exists(outside))
    }
}
