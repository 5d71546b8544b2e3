import Foundation
import OCI
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

    func testExecCommandsRoundTrip() throws {
        var process = RuntimeSpecProcess(terminal: true, consoleSize: RuntimeSpecBox(height: 33, width: 77),
                                          user: RuntimeSpecUser(uid: 1000, gid: 1000, additionalGids: [10]),
                                          args: ["sh", "-c", "echo \"hé\""], env: ["PATH=/bin"], cwd: "/tmp",
                                          capabilities: RuntimeSpecCapabilities(bounding: ["CAP_KILL"], effective: ["CAP_KILL"],
                                                                                permitted: ["CAP_KILL"]),
                                          noNewPrivileges: true)
        process.apparmorProfile = nil
        let id = String(repeating: "ab", count: 32)
        let commands: [ShimCommand] = [.execStart(ExecRequest(id: id, process: process, tty: true, stdin: true)),
                                       .execStart(ExecRequest(id: "x", process: RuntimeSpecProcess(args: ["true"]),
                                                              tty: false, stdin: false)),
                                       .execStdin(id: id, [0, 1, 0xff]), .execStdin(id: "é", []),
                                       .execCloseStdin(id: id), .execResize(id: id, rows: 40, cols: 120),
                                       .start, .kill(9)]
        var wire: [UInt8] = []
        for c in commands { wire += ShimFrame.encode(c) }
        var d = ShimFrameDecoder()
        var out: [ShimCommand] = []
        for b in wire {
            d.feed([b])
            while let f = try d.next() { out.append(try ShimFrame.decodeCommand(type: f.type, payload: f.payload)) }
        }
        XCTAssertEqual(out, commands)
    }

    func testExecEventsRoundTrip() throws {
        let message = #"OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown"#
        let events: [ShimEvent] = [.execStarted(id: "e1", pid: 4242), .execOutput(id: "e1", stream: 1, Array("hi\n".utf8)),
                                   .execOutput(id: "e1", stream: 2, []), .execExited(id: "e1", exitCode: 137),
                                   .execExited(id: "e2", exitCode: -1),
                                   .execFailed(id: "e3", message: message, exitCode: 127),
                                   .output(stream: 1, [0x41]), .execFailed(id: "", message: "", exitCode: 126)]
        var wire: [UInt8] = []
        for e in events { wire += ShimFrame.encode(e) }
        var d = ShimFrameDecoder()
        d.feed(wire)
        var out: [ShimEvent] = []
        while let f = try d.next() { out.append(try ShimFrame.decodeEvent(type: f.type, payload: f.payload)) }
        XCTAssertEqual(out, events)
    }

    func testExecFrameLayout() {
        XCTAssertEqual(ShimFrame.encode(.execCloseStdin(id: "ab")), [0x08, 0, 0, 0, 4, 0, 2, 0x61, 0x62])
        XCTAssertEqual(ShimFrame.encode(.execResize(id: "a", rows: 2, cols: 3)), [0x09, 0, 0, 0, 7, 0, 1, 0x61, 0, 2, 0, 3])
        XCTAssertEqual(ShimFrame.encode(.execOutput(id: "a", stream: 2, [0x41])), [0x87, 0, 0, 0, 5, 0, 1, 0x61, 2, 0x41])
        XCTAssertEqual(ShimFrame.encode(.execExited(id: "a", exitCode: 3)), [0x88, 0, 0, 0, 7, 0, 1, 0x61, 0, 0, 0, 3])
        XCTAssertEqual(ShimFrame.encode(.execStarted(id: "a", pid: 258)), [0x86, 0, 0, 0, 7, 0, 1, 0x61, 0, 0, 1, 2])
        XCTAssertEqual(ShimFrame.encode(.execFailed(id: "a", message: "m", exitCode: 126)),
                       [0x89, 0, 0, 0, 10, 0, 1, 0x61, 0, 0, 0, 126, 0, 1, 0x6d])
        // The request travels as JSON.
        let start = ShimFrame.encode(.execStart(ExecRequest(id: "a", process: RuntimeSpecProcess(args: ["true"]),
                                                            tty: false, stdin: false)))
        XCTAssertEqual(start.first, 0x06)
        XCTAssertEqual(start.dropFirst(5).first, UInt8(ascii: "{"))
    }

    func testTruncatedExecFrameIsAnError() {
        XCTAssertThrowsError(try ShimFrame.decodeEvent(type: 0x86, payload: [0, 5, 0x61][...]))
        XCTAssertThrowsError(try ShimFrame.decodeCommand(type: 0x09, payload: [0, 1, 0x61, 0][...]))
        XCTAssertThrowsError(try ShimFrame.decodeCommand(type: 0x06, payload: Array("{}".utf8)[...]))
    }

    func testExecProcessJSON() throws {
        let p = RuntimeSpecProcess(terminal: false, consoleSize: RuntimeSpecBox(height: 3, width: 4), args: ["stty", "size"])
        let tty = try JSONDecoder().decode(RuntimeSpecProcess.self,
                                           from: Data(ExecRequest(id: "a", process: p, tty: true, stdin: false).runcProcessJSON()))
        XCTAssertEqual(tty.terminal, true)
        XCTAssertEqual(tty.consoleSize, RuntimeSpecBox(height: 3, width: 4))
        let plain = try JSONDecoder().decode(RuntimeSpecProcess.self,
                                             from: Data(ExecRequest(id: "a", process: p, tty: false, stdin: false).runcProcessJSON()))
        XCTAssertEqual(plain.terminal, false)
        XCTAssertNil(plain.consoleSize)
        XCTAssertEqual(plain.args, ["stty", "size"])
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
