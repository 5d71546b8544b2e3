import Foundation
import OCI
import XCTest
@testable import Runtime

/// Runs real containers through wharf-shim and runc. Needs root, runc and the built
/// wharf-shim next to the test bundle; skipped otherwise.
final class ShimIntegrationTests: XCTestCase {
    var fixture: ContainerFixture!

    override func setUpWithError() throws {
        fixture = try ContainerFixture.make()
    }

    override func tearDown() {
        fixture?.cleanUp()
        fixture = nil
    }

    func testEchoHi() throws {
        let run = try fixture.launch(args: ["echo", "hi"])
        try run.connection.send(.start)
        let events = try run.waitForExit()
        XCTAssertEqual(events.first, .state(.created))
        XCTAssertTrue(events.contains { if case .started = $0 { return true } else { return false } })
        XCTAssertEqual(run.output(stream: 1), Array("hi\n".utf8))
        XCTAssertEqual(run.exitInfo?.exitCode, 0)
        let log = try String(contentsOfFile: run.options.logPath, encoding: .utf8)
        XCTAssertTrue(log.hasPrefix(#"{"log":"hi\n","stream":"stdout","time":""#), log)
        XCTAssertTrue(log.hasSuffix("Z\"}\n"), log)
        let exitJSON = try String(contentsOfFile: run.options.bundle + "/exit.json", encoding: .utf8)
        XCTAssertTrue(exitJSON.hasPrefix(#"{"exitCode":0,"finishedAt":""#), exitJSON)
        try run.waitForShimGone()
    }

    func testExitCodeAndStderr() throws {
        let run = try fixture.launch(args: ["sh", "-c", "echo oops >&2; exit 3"])
        try run.connection.send(.start)
        _ = try run.waitForExit()
        XCTAssertEqual(run.exitInfo?.exitCode, 3)
        XCTAssertEqual(run.output(stream: 2), Array("oops\n".utf8))
        let log = try String(contentsOfFile: run.options.logPath, encoding: .utf8)
        XCTAssertTrue(log.hasPrefix(#"{"log":"oops\n","stream":"stderr""#), log)
        try run.waitForShimGone()
    }

    func testManyLinesReachLogAndClient() throws {
        let run = try fixture.launch(args: ["sh", "-c", "yes abcdefghijklmnopqrstuvwxyz | head -n 200000"])
        let t0 = Date()
        try run.connection.send(.start)
        _ = try run.waitForExit()
        print(String(format: "200000 lines (5.4 MB) in %.0f ms", Date().timeIntervalSince(t0) * 1000))
        XCTAssertEqual(run.exitInfo?.exitCode, 0)
        XCTAssertEqual(run.output(stream: 1).count, 200_000 * 27)
        let log = try String(contentsOfFile: run.options.logPath, encoding: .utf8)
        let lines = log.split(separator: "\n")
        XCTAssertEqual(lines.count, 200_000)
        XCTAssertTrue(lines.allSatisfy { $0.hasPrefix(#"{"log":"abcdefghijklmnopqrstuvwxyz\n","stream":"stdout","time":""#) })
    }

    func testLogRotation() throws {
        // `--log-opt max-size=20000 --log-opt max-file=3`, about 200 KB of output.
        let run = try fixture.launch(args: ["seq", "1", "35000"], logMaxSize: 20000, logMaxFile: 3)
        try run.connection.send(.start)
        _ = try run.waitForExit()
        XCTAssertEqual(run.exitInfo?.exitCode, 0)
        XCTAssertEqual(run.output(stream: 1).count, (1...35000).reduce(0) { $0 + String($1).count + 1 })
        let path = run.options.logPath
        let names = try FileManager.default.contentsOfDirectory(atPath: run.options.bundle)
            .filter { $0.hasPrefix((path as NSString).lastPathComponent) }.sorted()
        let base = (path as NSString).lastPathComponent
        XCTAssertEqual(names, [base, base + ".1", base + ".2"])
        var numbers: [Int] = []
        for p in [path + ".2", path + ".1", path] {
            let data = try Data(contentsOf: URL(fileURLWithPath: p))
            XCTAssertLessThanOrEqual(data.count, 20000, p)
            XCTAssertEqual(data.last, 0x0a, p)
            for line in data.split(separator: 0x0a) {
                let obj = try JSONSerialization.jsonObject(with: Data(line)) as? [String: Any]
                XCTAssertEqual(obj?["stream"] as? String, "stdout")
                XCTAssertNotNil(obj?["time"] as? String)
                guard let log = obj?["log"] as? String, log.hasSuffix("\n"), let n = Int(log.dropLast()) else {
                    XCTFail("bad entry in \(p): \(String(decoding: line, as: UTF8.self))")
                    continue
                }
                numbers.append(n)
            }
        }
        // The newest entries, in order, none missing: only what went past max-file is gone.
        XCTAssertEqual(numbers.last, 35000)
        XCTAssertGreaterThan(numbers.first ?? 0, 1)
        XCTAssertEqual(numbers, Array((numbers.first ?? 0)...35000))
        try run.waitForShimGone()
    }

    func testRestartRightAfterExit() throws {
        // `docker start` again as soon as `exited` arrives, while the first shim may still
        // be running `runc delete`.
        let first = try fixture.launch(args: ["echo", "one"])
        try first.connection.send(.start)
        _ = try first.waitForExit()
        first.connection.close()
        let second = try fixture.launch(args: ["echo", "two"], reuse: first)
        try second.connection.send(.start)
        _ = try second.waitForExit()
        XCTAssertEqual(second.exitInfo?.exitCode, 0)
        XCTAssertEqual(second.output(stream: 1), Array("two\n".utf8))
        // The first shim must not have removed the second one's socket (same path).
        let sleeper = try fixture.launch(args: ["sleep", "10"], reuse: second)
        try sleeper.connection.send(.start)
        try sleeper.waitFor { evs in evs.contains { if case .started = $0 { true } else { false } } }
        usleep(200_000)
        let again = try ShimConnection.connect(socketPath: sleeper.options.socketPath)
        again.close()
        // (SIGTERM would be ignored: sleep is the namespace's init and has no handler.)
        try sleeper.connection.send(.kill(SIGKILL))
        _ = try sleeper.waitForExit()
        XCTAssertEqual(sleeper.exitInfo?.exitCode, 137)
    }

    func testMissingExecutableFails() throws {
        let run = try fixture.launch(args: ["/nonexistent-cmd"])
        try run.connection.send(.start)
        let events = try run.waitForExit()
        let failure = events.compactMap { if case .failed(let t) = $0 { return t } else { return nil } }.first
        XCTAssertNotNil(failure)
        XCTAssertTrue(failure?.hasPrefix("failed to create shim task: OCI runtime create failed: ") ?? false, failure ?? "")
        XCTAssertTrue(failure?.contains("no such file or directory") ?? false, failure ?? "")
        XCTAssertTrue(failure?.hasSuffix(": unknown") ?? false, failure ?? "")
        XCTAssertEqual(run.exitInfo?.exitCode, 127)
        try run.waitForShimGone()
    }

    func testStdinAndKill() throws {
        let run = try fixture.launch(args: ["cat"], openStdin: true)
        try run.connection.send(.start)
        try run.waitFor { events in events.contains { if case .started = $0 { return true } else { return false } } }
        try run.connection.send(.stdin(Array("ping\n".utf8)))
        try run.waitFor { _ in run.output(stream: 1) == Array("ping\n".utf8) }
        try run.connection.send(.closeStdin)
        _ = try run.waitForExit()
        XCTAssertEqual(run.exitInfo?.exitCode, 0)

        let sleeper = try fixture.launch(args: ["sleep", "100"])
        try sleeper.connection.send(.start)
        try sleeper.waitFor { events in events.contains { if case .started = $0 { return true } else { return false } } }
        // The shim is detached: not our child, leader of its own session.
        let shimPid = try XCTUnwrap(Int32(String(contentsOfFile: sleeper.options.bundle + "/shim.pid", encoding: .utf8)))
        let stat = try String(contentsOfFile: "/proc/\(shimPid)/stat", encoding: .utf8)
        let fields = stat[stat.range(of: ") ")!.upperBound...].split(separator: " ")
        XCTAssertNotEqual(Int32(fields[1]), getpid())  // ppid
        XCTAssertEqual(Int32(fields[3]), shimPid)  // session id
        try sleeper.connection.send(.kill(SIGKILL))
        _ = try sleeper.waitForExit()
        XCTAssertEqual(sleeper.exitInfo?.exitCode, 137)
    }

    func testTTYAndReconnect() throws {
        let run = try fixture.launch(args: ["sh", "-c", "read x; echo got:$x"], tty: true, openStdin: true)
        try run.connection.send(.start)
        try run.waitFor { events in events.contains { if case .started = $0 { return true } else { return false } } }
        try run.connection.send(.resize(rows: 40, cols: 120))

        // A second client (a restarted daemon) sees the state first, then the same output.
        let second = try ShimConnection.connect(socketPath: run.options.socketPath)
        let secondEvents = Locked<[ShimEvent]>([])
        second.run { e in secondEvents.withLock { $0.append(e) } }
        defer { second.close() }

        try run.connection.send(.stdin(Array("abc\r".utf8)))
        _ = try run.waitForExit()
        XCTAssertEqual(run.exitInfo?.exitCode, 0)
        let text = String(decoding: run.output(stream: 1), as: UTF8.self)
        XCTAssertTrue(text.contains("got:abc\r\n"), text)
        let log = try String(contentsOfFile: run.options.logPath, encoding: .utf8)
        XCTAssertTrue(log.contains(#"got:abc\r\n","stream":"stdout""#), log)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, !secondEvents.withLock({ $0.contains { if case .exited = $0 { true } else { false } } }) {
            usleep(10_000)
        }
        let seen = secondEvents.withLock { $0 }
        XCTAssertEqual(seen.first, .state(.running(pid: run.pid ?? -1)))
        XCTAssertTrue(seen.contains { if case .exited(let i) = $0 { i.exitCode == 0 } else { false } })
    }

    // MARK: - exec

    /// A running `sleep 30` container to exec into.
    func sleeper() throws -> ContainerRun {
        let run = try fixture.launch(args: ["sleep", "30"])
        try run.connection.send(.start)
        try run.waitFor { evs in evs.contains { if case .started = $0 { true } else { false } } }
        return run
    }

    /// Kills the container and checks that no exec outlives it and no exec file is left.
    func finish(_ run: ContainerRun) throws {
        try run.connection.send(.kill(SIGKILL))
        _ = try run.waitForExit()
        XCTAssertEqual(run.exitInfo?.exitCode, 137)
        try run.waitForShimGone()
        let left = try FileManager.default.contentsOfDirectory(atPath: run.options.bundle).filter { $0.hasPrefix("exec-") }
        XCTAssertEqual(left, [])
    }

    func testExecEchoHi() throws {
        let run = try sleeper()
        try run.connection.send(.execStart(try fixture.execRequest(run, id: "e1", args: ["echo", "hi"])))
        let end = try run.waitForExec("e1")
        XCTAssertEqual(end, .execExited(id: "e1", exitCode: 0))
        XCTAssertEqual(run.execOutput("e1", stream: 1), Array("hi\n".utf8))
        XCTAssertEqual(run.execOutput("e1", stream: 2), [])
        // Started first, with the process's pid, then output, then the exit.
        let mine = run.events.withLock { $0.filter { $0.execID == "e1" } }
        guard case .execStarted(_, let pid) = mine.first else { return XCTFail("\(mine)") }
        XCTAssertGreaterThan(pid, 0)
        XCTAssertNotEqual(pid, run.pid)
        XCTAssertEqual(mine.last, .execExited(id: "e1", exitCode: 0))
        // Docker never logs exec output.
        let log = (try? String(contentsOfFile: run.options.logPath, encoding: .utf8)) ?? ""
        XCTAssertFalse(log.contains("hi"), log)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.options.bundle + "/exec-e1.json"))
        try finish(run)
    }

    func testExecStdinAndExitCode() throws {
        let run = try sleeper()
        try run.connection.send(.execStart(try fixture.execRequest(run, id: "cat", args: ["sh", "-c", "cat; echo err >&2; exit 3"],
                                                                   stdin: true)))
        // Input may arrive before the process runs: it waits in the pipe.
        try run.connection.send(.execStdin(id: "cat", Array("ping\n".utf8)))
        try run.waitFor { _ in run.execOutput("cat", stream: 1) == Array("ping\n".utf8) }
        try run.connection.send(.execStdin(id: "cat", Array("pong\n".utf8)))
        try run.connection.send(.execCloseStdin(id: "cat"))
        XCTAssertEqual(try run.waitForExec("cat"), .execExited(id: "cat", exitCode: 3))
        XCTAssertEqual(run.execOutput("cat", stream: 1), Array("ping\npong\n".utf8))
        XCTAssertEqual(run.execOutput("cat", stream: 2), Array("err\n".utf8))
        XCTAssertEqual(run.output(stream: 1), [])  // nothing leaks into the container's output
        try finish(run)
    }

    func testExecMissingBinaryFails() throws {
        let run = try sleeper()
        try run.connection.send(.execStart(try fixture.execRequest(run, id: "nope", args: ["nope"])))
        XCTAssertEqual(try run.waitForExec("nope"),
                       .execFailed(id: "nope", message: #"OCI runtime exec failed: exec failed: unable to start container process: exec: "nope": executable file not found in $PATH: unknown"#,
                                   exitCode: 127))
        // runc's error text is never shown as output.
        let mine = run.events.withLock { $0.filter { $0.execID == "nope" } }
        XCTAssertEqual(mine.count, 1, "\(mine)")
        try run.connection.send(.execStart(try fixture.execRequest(run, id: "abs", args: ["/no/such"])))
        guard case .execFailed(_, let message, let code) = try run.waitForExec("abs") else { return XCTFail() }
        XCTAssertEqual(code, 127)
        XCTAssertTrue(message.hasPrefix("OCI runtime exec failed: exec failed: unable to start container process: "), message)
        XCTAssertTrue(message.hasSuffix("no such file or directory: unknown"), message)
        // The container goes on.
        try run.connection.send(.execStart(try fixture.execRequest(run, id: "ok", args: ["true"])))
        XCTAssertEqual(try run.waitForExec("ok"), .execExited(id: "ok", exitCode: 0))
        try finish(run)
    }

    func testExecTTYAndResize() throws {
        let run = try sleeper()
        var req = try fixture.execRequest(run, id: "t1", args: ["stty", "size"], tty: true)
        req.process.consoleSize = RuntimeSpecBox(height: 33, width: 77)
        try run.connection.send(.execStart(req))
        XCTAssertEqual(try run.waitForExec("t1"), .execExited(id: "t1", exitCode: 0))
        XCTAssertEqual(String(decoding: run.execOutput("t1", stream: 1), as: UTF8.self), "33 77\r\n")

        // Resized after the start, then asked.
        try run.connection.send(.execStart(try fixture.execRequest(run, id: "t2", args: ["sh", "-c", "read x; echo got:$x; stty size; exit 5"],
                                                                   tty: true, stdin: true)))
        try run.waitFor { evs in evs.contains { if case .execStarted("t2", _) = $0 { true } else { false } } }
        try run.connection.send(.execResize(id: "t2", rows: 40, cols: 100))
        try run.connection.send(.execStdin(id: "t2", Array("go\r".utf8)))
        XCTAssertEqual(try run.waitForExec("t2"), .execExited(id: "t2", exitCode: 5))
        let text = String(decoding: run.execOutput("t2", stream: 1), as: UTF8.self)
        XCTAssertTrue(text.contains("got:go\r\n40 100\r\n"), text)
        try finish(run)
    }

    func testConcurrentExecs() throws {
        let run = try sleeper()
        try run.connection.send(.execStart(try fixture.execRequest(run, id: "a", args: ["sh", "-c", "sleep 0.3; echo a; exit 1"])))
        try run.connection.send(.execStart(try fixture.execRequest(run, id: "b", args: ["sh", "-c", "echo b1; sleep 0.1; echo b2"])))
        try run.connection.send(.execStart(try fixture.execRequest(run, id: "c", args: ["cat"], stdin: true)))
        XCTAssertEqual(try run.waitForExec("b"), .execExited(id: "b", exitCode: 0))
        XCTAssertEqual(try run.waitForExec("a"), .execExited(id: "a", exitCode: 1))
        try run.connection.send(.execStdin(id: "c", Array("c\n".utf8)))
        try run.connection.send(.execCloseStdin(id: "c"))
        XCTAssertEqual(try run.waitForExec("c"), .execExited(id: "c", exitCode: 0))
        XCTAssertEqual(run.execOutput("a", stream: 1), Array("a\n".utf8))
        XCTAssertEqual(run.execOutput("b", stream: 1), Array("b1\nb2\n".utf8))
        XCTAssertEqual(run.execOutput("c", stream: 1), Array("c\n".utf8))
        // The same ID can be used again once the previous exec is over.
        try run.connection.send(.execStart(try fixture.execRequest(run, id: "a", args: ["echo", "again"])))
        try run.waitFor { evs in evs.filter { if case .execExited("a", _) = $0 { true } else { false } }.count == 2 }
        XCTAssertEqual(run.execOutput("a", stream: 1), Array("a\nagain\n".utf8))
        try finish(run)
    }

    func testExecEndsWithTheContainer() throws {
        let run = try sleeper()
        try run.connection.send(.execStart(try fixture.execRequest(run, id: "long", args: ["sleep", "100"])))
        try run.connection.send(.execStart(try fixture.execRequest(run, id: "tty", args: ["sleep", "100"], tty: true)))
        try run.waitFor { evs in
            evs.filter { if case .execStarted = $0 { true } else { false } }.count == 2
        }
        let t0 = Date()
        try run.connection.send(.kill(SIGKILL))
        let events = try run.waitForExit()
        XCTAssertLessThan(Date().timeIntervalSince(t0), 3)
        // Both execs are reported (killed with the pid namespace), before the container's exit.
        let exitIndex = events.firstIndex { if case .exited = $0 { true } else { false } }!
        for id in ["long", "tty"] {
            let i = events.firstIndex { $0 == .execExited(id: id, exitCode: 137) }
            XCTAssertNotNil(i, "\(events)")
            XCTAssertLessThan(i ?? .max, exitIndex)
        }
        try run.waitForShimGone()
    }

    func testExecRefusedWhenNotRunning() throws {
        let run = try fixture.launch(args: ["sleep", "30"])
        // Not started yet (`runc run` may still be running): refused.
        try run.connection.send(.execStart(try fixture.execRequest(run, id: "early", args: ["true"])))
        let end = try run.waitForExec("early")
        if case .execFailed(_, let message, let code) = end {
            XCTAssertEqual(message, "Container \(run.options.id) is not running")
            XCTAssertEqual(code, 126)
        } else {
            // runc was fast enough: the container already ran.
            XCTAssertEqual(end, .execExited(id: "early", exitCode: 0))
        }
        try run.connection.send(.start)
        try run.waitFor { evs in evs.contains { if case .started = $0 { true } else { false } } }
        try finish(run)
    }
}

extension ShimEvent {
    var execID: String? {
        switch self {
        case .execStarted(let id, _), .execOutput(let id, _, _), .execExited(let id, _), .execFailed(let id, _, _): id
        default: nil
        }
    }
}

/// One container run: its connection and everything it reported.
final class ContainerRun: @unchecked Sendable {
    let options: ShimLaunchOptions
    let connection: ShimConnection
    let events = Locked<[ShimEvent]>([])

    init(options: ShimLaunchOptions, connection: ShimConnection) {
        self.options = options
        self.connection = connection
        connection.run { [events] e in events.withLock { $0.append(e) } }
    }

    var exitInfo: ExitInfo? {
        events.withLock { evs in
            evs.compactMap { if case .exited(let i) = $0 { return i } else { return nil } }.first
        }
    }

    var pid: Int32? {
        events.withLock { evs in
            evs.compactMap { if case .started(let p) = $0 { return p } else { return nil } }.first
        }
    }

    func output(stream: UInt8) -> [UInt8] {
        events.withLock { evs in
            evs.flatMap { e -> [UInt8] in
                if case .output(let s, let b) = e, s == stream { return b }
                return []
            }
        }
    }

    func waitFor(timeout: TimeInterval = 10, _ done: ([ShimEvent]) -> Bool) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if done(events.withLock { $0 }) { return }
            usleep(500)
        }
        XCTFail("timed out; events: \(events.withLock { $0 })")
        throw WharfTestError.timeout
    }

    func execOutput(_ id: String, stream: UInt8) -> [UInt8] {
        events.withLock { evs in
            evs.flatMap { e -> [UInt8] in
                if case .execOutput(let i, let s, let b) = e, i == id, s == stream { return b }
                return []
            }
        }
    }

    /// The exec's `execExited` or `execFailed` (the first one for that ID).
    func waitForExec(_ id: String) throws -> ShimEvent {
        func end(_ evs: [ShimEvent]) -> ShimEvent? {
            evs.first { e in
                switch e {
                case .execExited(let i, _), .execFailed(let i, _, _): i == id
                default: false
                }
            }
        }
        try waitFor { end($0) != nil }
        return end(events.withLock { $0 })!
    }

    func waitForExit() throws -> [ShimEvent] {
        try waitFor { evs in evs.contains { if case .exited = $0 { return true } else { return false } } }
        return events.withLock { $0 }
    }

    /// The shim exits once its last client leaves; its socket goes with it.
    func waitForShimGone() throws {
        connection.close()
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if access(options.socketPath, F_OK) != 0 { return }
            usleep(5_000)
        }
        XCTFail("shim did not exit")
    }
}

enum WharfTestError: Error { case timeout, skipped }

/// A temp dir with a busybox rootfs and an exec root; removes every container, cgroup and
/// file it made, also when a test fails.
final class ContainerFixture: @unchecked Sendable {
    let dir: String
    let rootfs: String
    let runtimeRoot: String
    let shimPath: String
    var runs: [ContainerRun] = []
    var counter = 0
    var specMillis = 0.0

    static func make() throws -> ContainerFixture {
        guard getuid() == 0 else { throw XCTSkip("needs root") }
        let runcPaths = ["/usr/sbin/runc", "/usr/bin/runc"]
        guard runcPaths.contains(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("runc not installed")
        }
        let busyboxPaths = ["/bin/busybox", "/usr/bin/busybox"]
        guard let busybox = busyboxPaths.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else {
            throw XCTSkip("busybox-static not installed")
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var shim = exe.deletingLastPathComponent().appendingPathComponent("wharf-shim").path
        if !FileManager.default.isExecutableFile(atPath: shim) {
            // xctest bundles on Linux are executables in the build dir; be lenient.
            shim = exe.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("wharf-shim").path
        }
        guard FileManager.default.isExecutableFile(atPath: shim) else {
            throw XCTSkip("wharf-shim not built (swift build --product wharf-shim)")
        }
        let dir = "/tmp/wrt-\(getpid())-\(Int.random(in: 0..<1_000_000))"
        let f = ContainerFixture(dir: dir, shimPath: shim)
        try FileManager.default.createDirectory(atPath: f.rootfs + "/bin", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: f.runtimeRoot, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: busybox, toPath: f.rootfs + "/bin/busybox")
        for applet in ["sh", "echo", "cat", "sleep", "true", "ls", "yes", "head", "stty", "seq"] {
            try FileManager.default.createSymbolicLink(atPath: f.rootfs + "/bin/" + applet, withDestinationPath: "busybox")
        }
        return f
    }

    init(dir: String, shimPath: String) {
        self.dir = dir
        rootfs = dir + "/rootfs"
        runtimeRoot = dir + "/runc"
        self.shimPath = shimPath
    }

    func launch(args: [String], tty: Bool = false, openStdin: Bool = false, reuse: ContainerRun? = nil,
                logMaxSize: Int64? = nil, logMaxFile: Int? = nil) throws -> ContainerRun {
        counter += 1
        let id = reuse?.options.id ?? "wrt-\(getpid())-\(counter)"
        let bundle = dir + "/\(id)"
        unlink(bundle + "/exit.json")
        var cfg = ContainerRuntimeConfig(id: id, rootfs: rootfs, args: args,
                                         env: ["PATH=/bin", "HOSTNAME=test"], tty: tty, hostname: "test")
        cfg.network = .none
        let t0 = Date()
        let spec = try SpecBuilder.build(cfg)
        try SpecBuilder.writeBundle(spec, to: bundle)
        specMillis = Date().timeIntervalSince(t0) * 1000
        let o = ShimLaunchOptions(id: id, bundle: bundle, runtimePath: "runc", runtimeRoot: runtimeRoot,
                                  logPath: bundle + "/\(id)-json.log", tty: tty, openStdin: openStdin,
                                  shimPath: shimPath, socketPath: reuse?.options.socketPath ?? dir + "/\(counter).sock",
                                  logMaxSize: logMaxSize, logMaxFile: logMaxFile)
        let run = ContainerRun(options: o, connection: try ShimConnection.launch(o))
        runs.append(run)
        return run
    }

    /// An exec of `args` with the container's own process settings (as Docker's exec
    /// inherits the container's capabilities, environment and user).
    func execRequest(_ run: ContainerRun, id: String, args: [String], tty: Bool = false,
                     stdin: Bool = false) throws -> ExecRequest {
        let spec = try JSONDecoder().decode(RuntimeSpec.self,
                                            from: Data(contentsOf: URL(fileURLWithPath: run.options.bundle + "/config.json")))
        var p = try XCTUnwrap(spec.process)
        p.args = args
        p.terminal = tty
        p.consoleSize = nil
        return ExecRequest(id: id, process: p, tty: tty, stdin: stdin)
    }

    func cleanUp() {
        let runc = Runc(path: "runc", root: runtimeRoot)
        for r in runs {
            r.connection.close()
            // A shim left behind by a failed test: kill its container and the shim itself.
            try? runc.kill(id: r.options.id, signal: SIGKILL, all: true)
            if let pid = try? String(contentsOfFile: r.options.bundle + "/shim.pid", encoding: .utf8),
               let p = Int32(pid), access(r.options.socketPath, F_OK) == 0 {
                usleep(100_000)
                if access(r.options.socketPath, F_OK) == 0 { kill(p, SIGKILL) }
            }
            try? runc.delete(id: r.options.id, force: true)
            rmdir("/sys/fs/cgroup/wharf/\(r.options.id)")
        }
        try? FileManager.default.removeItem(atPath: dir)
    }
}
