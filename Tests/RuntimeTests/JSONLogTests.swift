import Runtime
import XCTest

final class JSONLogTests: XCTestCase {
    let time = Array("2026-11-29T16:53:05.612217442Z".utf8)

    func entries(_ chunks: [String], finish: Bool = false, maxLine: Int = 16384) -> [String] {
        var s = JSONLogLineSplitter(stream: "stdout", maxLine: maxLine)
        var out: [UInt8] = []
        for c in chunks { s.append(Array(c.utf8), time: time, to: &out) }
        if finish { s.finish(time: time, to: &out) }
        return String(decoding: out, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    func testLineFormat() {
        XCTAssertEqual(entries(["hi\n"]),
                       [#"{"log":"hi\n","stream":"stdout","time":"2026-11-29T16:53:05.612217442Z"}"#])
        var s = JSONLogLineSplitter(stream: "stderr")
        var out: [UInt8] = []
        s.append(Array("e\n".utf8), time: time, to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self),
                       "{\"log\":\"e\\n\",\"stream\":\"stderr\",\"time\":\"2026-11-29T16:53:05.612217442Z\"}\n")
    }

    func testSplitsAndJoinsLines() {
        let e = entries(["a\nb", "c\nd"], finish: true)
        XCTAssertEqual(e.count, 3)
        XCTAssertTrue(e[0].hasPrefix(#"{"log":"a\n""#))
        XCTAssertTrue(e[1].hasPrefix(#"{"log":"bc\n""#))
        XCTAssertTrue(e[2].hasPrefix(#"{"log":"d","#))  // partial: no newline in "log"
        XCTAssertEqual(entries(["x"]), [])  // a partial line waits for its newline
        let long = entries(["abcdefghij"], maxLine: 4)
        XCTAssertEqual(long.count, 2)
        XCTAssertTrue(long[0].hasPrefix(#"{"log":"abcd","#))
    }

    func testEscapingLikeGo() {
        var out: [UInt8] = []
        JSONLog.appendString(Array("<a href=\"x\">&\u{1}\t\r\\ é \u{2028}".utf8), to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self),
                       #""\u003ca href=\"x\"\u003e\u0026\u0001\t\r\\ é \u2028""#)
        out = []
        JSONLog.appendString([0x61, 0xff, 0x62, 0xe2, 0x82], to: &out)  // invalid UTF-8
        XCTAssertEqual(String(decoding: out, as: UTF8.self), #""a\ufffdb\ufffd\ufffd""#)
        out = []
        JSONLog.appendString(Array("😀".utf8), to: &out)
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "\"😀\"")
    }

    func testTimeFormat() {
        XCTAssertEqual(String(decoding: JSONLog.timeBytes(seconds: 1_795_970_000, nanoseconds: 120_000_000), as: UTF8.self),
                       "2026-11-29T16:33:20.12Z")
        XCTAssertEqual(String(decoding: JSONLog.timeBytes(seconds: 0, nanoseconds: 0), as: UTF8.self), "1970-01-01T00:00:00Z")
        XCTAssertEqual(String(decoding: JSONLog.timeBytes(seconds: 1, nanoseconds: 5), as: UTF8.self),
                       "1970-01-01T00:00:01.000000005Z")
    }
}
