#if canImport(Glibc)
import Glibc
#endif
import Testing
import WharfAPI
@testable import WharfCLI
import WharfClient

/// `wharf` commands end to end against the fake daemon: the request order of docker's
/// traffic document and the exit codes.
@Suite(.serialized) struct RunFlowTests {
    static let id = String(repeating: "a", count: 64)

    static func daemon(status: Int = 3, startError: String? = nil) throws -> FakeServer {
        try FakeServer { req, c in
            let path = req.target
            if path == "/_ping" { return FakeServer.response("200 OK") }
            if path.hasPrefix("/v1.45/containers/create") {
                return FakeServer.response("201 Created", "{\"Id\":\"\(id)\",\"Warnings\":[]}\n")
            }
            if path.contains("/attach") {
                let head = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
                let bytes = Array(head.utf8)
                bytes.withUnsafeBytes { _ = send(c, $0.baseAddress, $0.count, 0) }
                usleep(100_000)  // until start
                return nil
            }
            if path.contains("/wait") {
                return FakeServer.chunked([Array("{\"Error\":null,\"StatusCode\":\(status)}\n".utf8)])
            }
            if path.contains("/start") {
                if let e = startError { return FakeServer.response("400 Bad Request", "{\"message\":\"\(e)\"}\n") }
                return FakeServer.response("204 No Content", "", headers: [])
            }
            return FakeServer.response("404 Not Found", "{\"message\":\"No such container: x\"}\n")
        }
    }

    @Test func attachedRunOrderAndExitCode() throws {
        let server = try Self.daemon()
        let rc = WharfMain.main(["-H", "unix://" + server.path, "run", "--rm", "busybox", "true"])
        #expect(rc == 3)
        let seen = server.requests.current.map { "\($0.method) \($0.target)" }
        #expect(seen == [
            "HEAD /_ping",
            "POST /v1.45/containers/create",
            "POST /v1.45/containers/\(Self.id)/attach?stderr=1&stdout=1&stream=1",
            "POST /v1.45/containers/\(Self.id)/wait?condition=removed",
            "POST /v1.45/containers/\(Self.id)/start",
        ])
        let conns = server.requests.current.map(\.connection)
        #expect(conns[0] == conns[1] && conns[1] == conns[3])
        #expect(conns[2] != conns[0] && conns[4] != conns[0] && conns[4] != conns[2])
    }

    @Test func detachedRun() throws {
        let server = try Self.daemon()
        let rc = WharfMain.main(["-H", "unix://" + server.path, "run", "-d", "--name", "x", "busybox", "sleep", "9"])
        #expect(rc == 0)
        let seen = server.requests.current.map { "\($0.method) \($0.target)" }
        #expect(seen == [
            "HEAD /_ping",
            "POST /v1.45/containers/create?name=x",
            "POST /v1.45/containers/\(Self.id)/wait?condition=next-exit",
            "POST /v1.45/containers/\(Self.id)/start",
        ])
    }

    @Test func startFailureExitCodes() throws {
        let notFound = try Self.daemon(startError: "exec: \\\"foo\\\": executable file not found in $PATH")
        #expect(WharfMain.main(["-H", "unix://" + notFound.path, "run", "-d", "busybox", "foo"]) == 127)
        let denied = try Self.daemon(startError: "exec /etc: permission denied")
        #expect(WharfMain.main(["-H", "unix://" + denied.path, "run", "-d", "busybox", "/etc"]) == 126)
        let other = try Self.daemon(startError: "boom")
        #expect(WharfMain.main(["-H", "unix://" + other.path, "run", "-d", "busybox"]) == 125)
    }

    @Test func removeContinuesAfterFailures() throws {
        let server = try FakeServer { req, _ in
            if req.target == "/_ping" { return FakeServer.response("200 OK") }
            if req.target.contains("/b") { return FakeServer.response("404 Not Found", "{\"message\":\"No such container: b\"}\n") }
            return FakeServer.response("204 No Content", "", headers: [])
        }
        #expect(WharfMain.main(["-H", "unix://" + server.path, "rm", "-f", "a", "b", "c"]) == 1)
        let deletes = server.requests.current.filter { $0.method == "DELETE" }.map(\.target).sorted()
        #expect(deletes == ["/v1.45/containers/a?force=1", "/v1.45/containers/b?force=1", "/v1.45/containers/c?force=1"])
    }

    @Test func badFlagsExit125() {
        #expect(WharfMain.main(["-H", "unix:///nonexistent.sock", "ps", "--bogus"]) == 125)
        #expect(WharfMain.main(["-H", "unix:///nonexistent.sock", "run", "--bogus", "busybox"]) == 125)
    }
}
