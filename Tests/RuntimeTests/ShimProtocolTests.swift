import Runtime
import XCTest

final class ShimProtocolTests: XCTestCase {
    func testCommandsRoundTrip() throws {
        let commands: [ShimCommand] = [.start, .stdin([1, 2, 3]), .stdin([]), .closeStdin,
                                       .resize(rows: 40, cols: 120), .kill(9), .kill(-1)]
        var wire: [UInt8] = []
        for c in commands { wire += ShimFrame.encode(c) }
        // Fed one byte at a time: frames are reassembled whatever the read sizes.
        var d = ShimFrameDecoder()
        var out: [ShimCommand] = []
        for b in wire {
            d.feed([b])
            while let f = try d.next() { out.append(try ShimFrame.decodeCommand(type: f.type, payload: f.payload)) }
        }
        XCTAssertEqual(out, commands)
    }

    func testEventsRoundTrip() throws {
        let info = ExitInfo(exitCode: 137, finishedAt: "2026-11-29T16:53:05.612217442Z", oomKilled: true)
        let failedInfo = ExitInfo(exitCode: 127, finishedAt: "2026-11-29T16:53:05Z", error: "exec: \"nope\"")
        let events: [ShimEvent] = [.state(.created), .state(.running(pid: 4242)), .state(.exited(info)),
                                   .started(pid: 17), .output(stream: 1, Array("hi\n".utf8)),
                                   .output(stream: 2, []), .exited(failedInfo), .failed("OCI runtime create failed: x")]
        var wire: [UInt8] = []
        for e in events { wire += ShimFrame.encode(e) }
        var d = ShimFrameDecoder()
        d.feed(wire)
        var out: [ShimEvent] = []
        while let f = try d.next() { out.append(try ShimFrame.decodeEvent(type: f.type, payload: f.payload)) }
        XCTAssertEqual(out, events)
    }

    func testFrameLayout() {
        XCTAssertEqual(ShimFrame.encode(.kill(15)), [0x05, 0, 0, 0, 4, 0, 0, 0, 15])
        XCTAssertEqual(ShimFrame.encode(.output(stream: 2, [0x41])), [0x83, 0, 0, 0, 2, 2, 0x41])
    }

    func testOversizedFrameIsAnError() {
        var d = ShimFrameDecoder()
        d.feed([0x83, 0x7f, 0xff, 0xff, 0xff])
        XCTAssertThrowsError(try d.next())
    }

    func testExitJSON() {
        XCTAssertEqual(ExitInfo(exitCode: 3, finishedAt: "2026-11-29T16:53:05.6Z").json,
                       "{\"exitCode\":3,\"finishedAt\":\"2026-11-29T16:53:05.6Z\",\"oomKilled\":false}\n")
        XCTAssertEqual(ExitInfo(exitCode: 127, finishedAt: "t", error: "a \"b\"").json,
                       "{\"exitCode\":127,\"finishedAt\":\"t\",\"oomKilled\":false,\"error\":\"a \\\"b\\\"\"}\n")
    }

    func testRuncLogLastError() {
        let log = """
        {"level":"warning","msg":"ignored","time":"2026-01-01T00:00:00Z"}
        {"level":"error","msg":"runc create failed: unable to start container process: exec: \\"nope\\": executable file not found in $PATH","time":"2026-01-01T00:00:00Z"}

        """
        XCTAssertEqual(RuncLog.lastError(Array(log.utf8)),
                       "runc create failed: unable to start container process: exec: \"nope\": executable file not found in $PATH")
    }
}
