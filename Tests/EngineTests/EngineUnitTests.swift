import XCTest
@testable import Engine
import WharfCore

final class EngineUnitTests: XCTestCase {
    func testContainerNameRules() throws {
        XCTAssertEqual(try ContainerNames.validate("/web"), "web")
        XCTAssertEqual(try ContainerNames.validate("a.b-c_1"), "a.b-c_1")
        XCTAssertThrowsError(try ContainerNames.validate("-x"))
        XCTAssertThrowsError(try ContainerNames.validate("a"))
        XCTAssertThrowsError(try ContainerNames.validate("has space"))
        XCTAssertThrowsError(try ContainerNames.validate("üm"))
        let random = ContainerNames.random()
        XCTAssertNoThrow(try ContainerNames.validate(random))
        XCTAssertTrue(random.contains("_"))
    }

    func testIDsAreHexAndNotNumeric() {
        for _ in 0..<50 {
            let id = ContainerID.generate()
            XCTAssertEqual(id.count, 64)
            XCTAssertTrue(id.allSatisfy { $0.isHexDigit })
            XCTAssertFalse(id.prefix(12).allSatisfy { $0.isNumber })
        }
    }

    func testSignals() throws {
        XCTAssertEqual(try Signals.parse("TERM"), 15)
        XCTAssertEqual(try Signals.parse("SIGKILL"), 9)
        XCTAssertEqual(try Signals.parse("hup"), 1)
        XCTAssertEqual(try Signals.parse("10"), 10)
        XCTAssertEqual(try Signals.parse("RTMIN+1"), 35)
        XCTAssertThrowsError(try Signals.parse("NOPE")) { e in
            XCTAssertEqual((e as? WharfError)?.message, "Invalid signal: NOPE")
        }
        XCTAssertThrowsError(try Signals.parse("0"))
    }

    func testHumanDuration() {
        XCTAssertEqual(HumanTime.duration(seconds: 0), "Less than a second")
        XCTAssertEqual(HumanTime.duration(seconds: 1), "1 second")
        XCTAssertEqual(HumanTime.duration(seconds: 59), "59 seconds")
        XCTAssertEqual(HumanTime.duration(seconds: 60), "About a minute")
        XCTAssertEqual(HumanTime.duration(seconds: 600), "10 minutes")
        XCTAssertEqual(HumanTime.duration(seconds: 3600), "About an hour")
        XCTAssertEqual(HumanTime.duration(seconds: 5 * 3600), "5 hours")
        XCTAssertEqual(HumanTime.duration(seconds: 3 * 86400), "3 days")
    }

    func testUserResolution() throws {
        let root = "/tmp/wharf-unit-users-\(getpid())"
        try FS.mkdirAll(root + "/etc")
        defer { try? FS.removeAll(root) }
        try AtomicFile.write("root:x:0:0::/root:/bin/sh\napp:x:1000:1001::/home/app:/bin/sh\n", to: root + "/etc/passwd")
        try AtomicFile.write("root:x:0:\nappgrp:x:1001:\nstaff:x:50:app\n", to: root + "/etc/group")
        XCTAssertEqual(try UserResolver.resolve("", rootfs: root), .init(uid: 0, gid: 0, additionalGids: []))
        XCTAssertEqual(try UserResolver.resolve("app", rootfs: root), .init(uid: 1000, gid: 1001, additionalGids: [50]))
        XCTAssertEqual(try UserResolver.resolve("1000:50", rootfs: root).gid, 50)
        XCTAssertEqual(try UserResolver.resolve("4242", rootfs: root), .init(uid: 4242, gid: 0, additionalGids: []))
        XCTAssertEqual(try UserResolver.resolve("app:staff", rootfs: root).gid, 50)
        XCTAssertThrowsError(try UserResolver.resolve("ghost", rootfs: root)) { e in
            XCTAssertEqual((e as? WharfError)?.message, "unable to find user ghost: no matching entries in passwd file")
        }
    }

    func testNameFilterIsARegexOverSlashName() {
        XCTAssertTrue(ContainerService.nameMatches(pattern: "web", name: "myweb1"))
        XCTAssertTrue(ContainerService.nameMatches(pattern: "^/web$", name: "web"))
        XCTAssertFalse(ContainerService.nameMatches(pattern: "^/web$", name: "web2"))
        XCTAssertTrue(ContainerService.nameMatches(pattern: "/web", name: "web"))
        XCTAssertTrue(ContainerService.nameMatches(pattern: "a[", name: "xa[y"))
    }

    func testLogTimestampsHaveNineDigits() {
        XCTAssertEqual(Timestamp(seconds: 0, nanoseconds: 5_000).rfc3339NanoFixed, "1970-01-01T00:00:00.000005000Z")
        XCTAssertEqual(Timestamp(seconds: 0).rfc3339NanoFixed, "1970-01-01T00:00:00.000000000Z")
    }
}

final class JSONLogReaderTests: XCTestCase {
    func parse(_ s: String) -> JSONLogReader.Entry? { JSONLogReader.parse(Array(s.utf8)[...]) }

    func testPlainLine() throws {
        let e = try XCTUnwrap(parse(#"{"log":"hi\n","stream":"stdout","time":"2026-11-29T16:53:05.612217442Z"}"#))
        XCTAssertEqual(e.log, Array("hi\n".utf8))
        XCTAssertFalse(e.isStderr)
        XCTAssertEqual(e.timeString, "2026-11-29T16:53:05.612217442Z")
    }

    func testEscapesAsGoWritesThem() throws {
        let e = try XCTUnwrap(parse(#"{"log":"a\"b\\c\u003cd\u0026\te\r\n\u00e9\ud83d\ude00","stream":"stderr","time":"t"}"#))
        XCTAssertEqual(String(decoding: e.log, as: UTF8.self), "a\"b\\c<d&\te\r\né😀")
        XCTAssertTrue(e.isStderr)
    }

    func testRejectsOtherShapes() {
        XCTAssertNil(parse(#"{"log":"x","stream":"stdout"}"#))
        XCTAssertNil(parse("not json"))
        XCTAssertNil(parse(#"{"log":"unterminated"#))
    }
}

final class DetachKeyTests: XCTestCase {
    func testDefaultSequenceDetachesAndOtherBytesPass() throws {
        let m = try DetachKeyMatcher(nil)
        XCTAssertEqual(m.feed(Array("ab".utf8)).pass, Array("ab".utf8))
        let half = m.feed([16])
        XCTAssertEqual(half.pass, [])
        XCTAssertFalse(half.detach)
        XCTAssertTrue(m.feed([17]).detach)
    }

    func testBrokenSequenceIsPassedOn() throws {
        let m = try DetachKeyMatcher("ctrl-a,x")
        XCTAssertEqual(m.keys, [1, UInt8(ascii: "x")])
        XCTAssertEqual(m.feed([1, UInt8(ascii: "y")]).pass, [1, UInt8(ascii: "y")])
        XCTAssertTrue(m.feed([1, UInt8(ascii: "x")]).detach)
        XCTAssertThrowsError(try DetachKeyMatcher("ctrl-1"))
    }
}
