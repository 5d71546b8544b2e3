#if canImport(Glibc)
import Glibc
#endif
import Testing
import WharfAPI
@testable import WharfClient

@Suite struct ClientTests {
    @Test func negotiatesDownToServerVersion() throws {
        let server = try FakeServer { req, _ in
            if req.target == "/_ping" { return FakeServer.response("200 OK", apiVersion: "1.41") }
            return FakeServer.response("200 OK", "{\"ok\":true}\n")
        }
        let client = Client(host: server.host)
        #expect(try client.version() == APIVersion(1, 41))
        _ = try client.json("GET", "/info")
        let seen = server.requests.current
        #expect(seen.map(\.method) == ["HEAD", "GET"])
        #expect(seen[1].target == "/v1.41/info")
        #expect(seen[0].headers["host"] == "api.moby.localhost")
    }

    @Test func capsAtCurrentAndFallsBackTo124() throws {
        let newer = try FakeServer { _, _ in FakeServer.response("200 OK", apiVersion: "1.99") }
        #expect(try Client(host: newer.host).version() == APIVersion.current)
        let none = try FakeServer { _, _ in FakeServer.response("200 OK", apiVersion: nil) }
        #expect(try Client(host: none.host).version() == APIVersion(1, 24))
    }

    @Test func reusesOneConnection() throws {
        let server = try FakeServer { req, _ in
            req.target == "/_ping" ? FakeServer.response("200 OK") : FakeServer.response("200 OK", "[]\n")
        }
        let client = Client(host: server.host)
        _ = try client.json("GET", "/containers/json")
        _ = try client.json("GET", "/images/json")
        _ = try client.data("POST", "/containers/x/start")
        let seen = server.requests.current
        #expect(seen.count == 4)
        #expect(Set(seen.map(\.connection)).count == 1)
        #expect(seen[3].headers["content-length"] == "0")
        #expect(seen[1].headers["content-length"] == nil)
    }

    @Test func decodesChunkedBodies() throws {
        let server = try FakeServer { req, _ in
            if req.target == "/_ping" { return FakeServer.response("200 OK") }
            return FakeServer.chunked([Array("[{\"Id\":".utf8), Array("\"abc\"}".utf8), Array("]\n".utf8)])
        }
        let client = Client(host: server.host)
        let j = try client.json("GET", "/containers/json")
        #expect(j[0]?["Id"]?.string == "abc")
        // The connection is reusable after the terminating chunk.
        _ = try client.json("GET", "/containers/json")
        #expect(Set(server.requests.current.map(\.connection)).count == 1)
    }

    @Test func streamsLines() throws {
        let server = try FakeServer { req, _ in
            if req.target == "/_ping" { return FakeServer.response("200 OK") }
            return FakeServer.chunked([Array("{\"status\":\"a\"}\r\n{\"sta".utf8), Array("tus\":\"b\"}\r\n".utf8)])
        }
        let client = Client(host: server.host)
        var lines: [String] = []
        try client.send("POST", "/images/create").forEachLine { lines.append(String(decoding: $0, as: UTF8.self)) }
        #expect(lines == ["{\"status\":\"a\"}", "{\"status\":\"b\"}"])
    }

    @Test func errorsCarryTheDaemonMessage() throws {
        let server = try FakeServer { req, _ in
            if req.target == "/_ping" { return FakeServer.response("200 OK") }
            if req.target.contains("plain") {
                return FakeServer.response("500 Internal Server Error", "boom\n", headers: ["Content-Type: text/plain"])
            }
            if req.target.contains("empty") { return FakeServer.response("404 Not Found", "") }
            return FakeServer.response("404 Not Found", "{\"message\":\"No such container: nope\"}\n")
        }
        let client = Client(host: server.host)
        #expect(throws: APIError(status: 404, message: "No such container: nope")) {
            try client.json("GET", "/containers/nope/json")
        }
        #expect(throws: APIError(status: 500, message: "boom")) { try client.json("GET", "/plain") }
        do {
            _ = try client.json("GET", "/empty")
            Issue.record("expected an error")
        } catch let e as APIError {
            #expect(e.message.hasPrefix("request returned 404 Not Found for API route and version /v1.45/empty"))
            #expect(e.description.hasPrefix("Error response from daemon: "))
        }
    }

    @Test func sendsChunkedRequestBodies() throws {
        let server = try FakeServer { req, _ in
            req.target == "/_ping" ? FakeServer.response("200 OK") : FakeServer.response("200 OK", "{}\n")
        }
        let client = Client(host: server.host)
        let pieces = Locked([Array("hello ".utf8), Array("world".utf8)])
        _ = try client.data("POST", "/images/create", query: ["fromSrc": "-"], body: .stream(contentType: "text/plain") {
            pieces.withValue { $0.isEmpty ? nil : $0.removeFirst() }
        })
        let req = server.requests.current[1]
        #expect(req.headers["transfer-encoding"] == "chunked")
        #expect(req.headers["content-type"] == "text/plain")
        #expect(String(decoding: req.body, as: UTF8.self) == "hello world")
    }

    @Test func hijackKeepsBytesAfterTheHeadAndHalfCloses() throws {
        let gotEOF = Locked(false)
        let server = try FakeServer { req, c in
            if req.target == "/_ping" { return FakeServer.response("200 OK") }
            let head = "HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
            let first = Array(head.utf8) + StreamFraming.frame(.stdout, Array("hi\n".utf8))
            first.withUnsafeBytes { _ = send(c, $0.baseAddress, $0.count, 0) }
            // Wait for the client's half-close, then send more and close.
            var b = [UInt8](repeating: 0, count: 16)
            let n = b.withUnsafeMutableBytes { recv(c, $0.baseAddress, $0.count, 0) }
            gotEOF.withValue { $0 = n == 0 }
            let more = StreamFraming.frame(.stderr, Array("err\n".utf8))
            more.withUnsafeBytes { _ = send(c, $0.baseAddress, $0.count, 0) }
            return nil
        }
        let client = Client(host: server.host)
        let stream = try client.hijack("/containers/x/attach", query: ["stream": "1", "stdout": "1", "stderr": "1"])
        stream.closeWrite()
        var bytes: [UInt8] = []
        while let piece = try stream.read() { bytes += piece }
        var demux = StreamDemuxer()
        let frames = demux.feed(bytes)
        #expect(frames.map(\.0) == [.stdout, .stderr])
        #expect(frames.map { String(decoding: $0.1, as: UTF8.self) } == ["hi\n", "err\n"])
        #expect(gotEOF.current)
        let req = server.requests.current[1]
        #expect(req.target == "/v1.45/containers/x/attach?stderr=1&stdout=1&stream=1")
        #expect(req.headers["upgrade"] == "tcp")
        #expect(req.headers["connection"] == "Upgrade")
        #expect(req.headers["content-type"] == "text/plain")
        #expect(req.connection != server.requests.current[0].connection)
    }

    @Test func hijackDemands101() throws {
        let server = try FakeServer { req, _ in FakeServer.response("200 OK", "") }
        let client = Client(host: server.host)
        #expect(throws: ClientError.upgradeFailed(200)) { try client.hijack("/containers/x/attach") }
    }

    @Test func hostSelection() throws {
        #expect(try DockerHost.resolve(flag: nil, environment: [:]) == .unix("/run/wharf/wharf.sock"))
        #expect(try DockerHost.resolve(flag: nil, environment: ["DOCKER_HOST": "unix:///d.sock"]) == .unix("/d.sock"))
        #expect(try DockerHost.resolve(flag: nil, environment: ["DOCKER_HOST": "unix:///d.sock", "WHARF_HOST": "tcp://1.2.3.4:2375"])
                == .tcp(host: "1.2.3.4", port: 2375))
        #expect(try DockerHost.resolve(flag: "unix:///f.sock", environment: ["WHARF_HOST": "tcp://x:1"]) == .unix("/f.sock"))
        #expect(try DockerHost(parsing: "tcp://[::1]:2376") == .tcp(host: "::1", port: 2376))
    }

    @Test func cannotConnect() {
        let client = Client(host: .unix("/nonexistent/wharf.sock"))
        #expect(throws: ClientError.cannotConnect("unix:///nonexistent/wharf.sock")) { try client.version() }
    }

    @Test func queryEncodingMatchesGo() {
        var q = Query()
        q.add("repo", "NAME:1")
        q.add("changes", "CMD [\"sh\"]")
        q.add("fromSrc", "-")
        q.add("changes", "ENV A=b")
        #expect(q.encoded == "changes=CMD+%5B%22sh%22%5D&changes=ENV+A%3Db&fromSrc=-&repo=NAME%3A1")
    }
}
