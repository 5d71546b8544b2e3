import Logging
import XCTest
@testable import APIServer
import WharfAPI

final class RouterTests: XCTestCase {
    var server: HTTPServer!
    var path = ""

    override func setUp() async throws {
        path = "/tmp/wharf-unit-api-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let router = Router(containers: FakeContainers(), images: FakeImages(), system: FakeSystem(), execs: FakeExecs(),
                            volumes: FakeVolumes(),
                            logger: Logger(label: "test"))
        server = HTTPServer(router: router, spoolDirectory: "/tmp", logger: Logger(label: "test"))
        _ = try await server.bind(["unix://" + path])
    }

    override func tearDown() async throws {
        await server.shutdown()
        unlink(path)
    }

    func request(_ raw: String) throws -> String {
        let c = try RawConnection(path: path)
        c.send(raw)
        return String(decoding: c.readAll(), as: UTF8.self)
    }

    func testPingHeaders() throws {
        let r = try request("GET /_ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(r.hasPrefix("HTTP/1.1 200 OK\r\n"))
        XCTAssertTrue(r.contains("Api-Version: 1.50\r\n"))
        XCTAssertTrue(r.contains("Ostype: linux\r\n"))
        XCTAssertTrue(r.contains("Docker-Experimental: false\r\n"))
        XCTAssertTrue(r.hasSuffix("\r\n\r\nOK"))
    }

    func testVersionPrefixesAndRange() throws {
        XCTAssertTrue(try request("GET /v1.24/version HTTP/1.1\r\nConnection: close\r\n\r\n").hasPrefix("HTTP/1.1 200"))
        let old = try request("GET /v1.23/version HTTP/1.1\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(old.hasPrefix("HTTP/1.1 400"))
        XCTAssertTrue(old.contains("Content-Type: application/json\r\n"))
        XCTAssertTrue(old.contains(#"{"message":"client version 1.23 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version"}"#))
        let new = try request("GET /v1.51/info HTTP/1.1\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(new.contains("client version 1.51 is too new. Maximum supported API version is 1.50"))
    }

    func testErrorsMapToDockerStatuses() throws {
        XCTAssertTrue(try request("POST /containers/nope/start HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .contains("404 Not Found"))
        XCTAssertTrue(try request("POST /containers/running/start HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .hasPrefix("HTTP/1.1 304"))
        let dup = try request("POST /containers/create?name=dup HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 19\r\nConnection: close\r\n\r\n{\"Image\":\"busybox\"}")
        XCTAssertTrue(dup.hasPrefix("HTTP/1.1 409"))
        let bad = try request("POST /containers/create HTTP/1.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\n{nope")
        XCTAssertTrue(bad.hasPrefix("HTTP/1.1 400"))
        XCTAssertTrue(try request("GET /nowhere HTTP/1.1\r\nConnection: close\r\n\r\n").contains(#"{"message":"page not found"}"#))
        XCTAssertTrue(try request("POST /containers/c1/wait?condition=soon HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            .hasPrefix("HTTP/1.1 400"))
    }

    func testVolumeRoutes() throws {
        let created = try request("POST /volumes/create HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: 12\r\nConnection: close\r\n\r\n{\"Name\":\"v\"}")
        XCTAssertTrue(created.hasPrefix("HTTP/1.1 201"))
        XCTAssertTrue(created.contains(#""Labels":null"#) && created.contains(#""Options":null"#) && created.contains(#""Scope":"local""#))
        XCTAssertTrue(try request("GET /volumes/nope HTTP/1.1\r\nConnection: close\r\n\r\n")
            .contains(#"{"message":"get nope: no such volume"}"#))
        XCTAssertTrue(try request("DELETE /v1.50/volumes/v HTTP/1.1\r\nConnection: close\r\n\r\n").hasPrefix("HTTP/1.1 409"))
        XCTAssertTrue(try request("GET /volumes HTTP/1.1\r\nConnection: close\r\n\r\n").contains(#"{"Volumes":[],"Warnings":null}"#))
        let pruned = try request("POST /volumes/prune HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(pruned.contains(#""VolumesDeleted":null"#) && pruned.contains(#""SpaceReclaimed":0"#))
    }

    func testPullErrorsBeforeAndDuringTheStream() throws {
        let missing = try request("POST /images/create?fromImage=nope HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(missing.hasPrefix("HTTP/1.1 404"))
        let broken = try request("POST /images/create?fromImage=ok&tag=latest HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(broken.hasPrefix("HTTP/1.1 200"))
        XCTAssertTrue(broken.contains(#""status":"Pulling from library/ok""#) && broken.contains("}\r\n"))
        XCTAssertTrue(broken.contains(#""errorDetail":{"message":"connection reset"}"#))
    }

    func testKeepAliveServesSeveralRequests() throws {
        let c = try RawConnection(path: path)
        c.send("GET /_ping HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(c.read(until: "OK").contains("200 OK"))
        c.send("GET /version HTTP/1.1\r\nHost: x\r\n\r\n")
        XCTAssertTrue(c.read(until: "}\n").contains("\"ApiVersion\":\"1.50\""))
    }

    func testWaitFlushesHeadersThenBody() throws {
        let r = try request("POST /containers/c1/wait HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(r.lowercased().contains("transfer-encoding: chunked"))
        XCTAssertTrue(r.contains(#"{"Error":null,"StatusCode":7}"#))
    }

    func testHijackEchoAndHalfClose() throws {
        let c = try RawConnection(path: path)
        c.send("POST /v1.41/containers/c1/attach?stdin=1&stdout=1&stream=1 HTTP/1.1\r\nContent-Length: 0\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n")
        let head = c.read(until: "\r\n\r\n")
        XCTAssertTrue(head.hasPrefix("HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"))
        c.send("ping")
        c.shutdownWrite()
        let rest = c.readAll()
        XCTAssertEqual(rest, [1, 0, 0, 0, 0, 0, 0, 4] + Array("ping".utf8))
    }

    func testLogsMultiplexedAtNewVersions() throws {
        let r = try request("GET /v1.45/containers/c1/logs?stdout=1&stderr=1 HTTP/1.1\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(r.contains("Content-Type: application/vnd.docker.multiplexed-stream"))
        let old = try request("GET /v1.41/containers/c1/logs?stdout=1&stderr=1 HTTP/1.1\r\nConnection: close\r\n\r\n")
        XCTAssertFalse(old.contains("Content-Type"))
        let none = try request("GET /containers/c1/logs HTTP/1.1\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(none.contains("you must choose at least one stream"))
    }

    func testExecRoutes() throws {
        let missing = try request("GET /exec/nope/json HTTP/1.1\r\nConnection: close\r\n\r\n")
        XCTAssertTrue(missing.hasPrefix("HTTP/1.1 404"))
        XCTAssertTrue(missing.contains(#"{"message":"No such exec instance: nope"}"#))
        let created = try request("POST /containers/c1/exec HTTP/1.1\r\nContent-Length: 14\r\nConnection: close\r\n\r\n{\"Cmd\":[\"ls\"]}")
        XCTAssertTrue(created.hasPrefix("HTTP/1.1 201"))
        XCTAssertTrue(created.contains(#"{"Id":"e1"}"#))
        let detached = try request("POST /exec/e1/start HTTP/1.1\r\nContent-Length: 15\r\nConnection: close\r\n\r\n{\"Detach\":true}")
        XCTAssertTrue(detached.hasPrefix("HTTP/1.1 200 OK"))
    }

    func testQueryDecoding() {
        let q = Query("a=1&changes=CMD+%5B%22sh%22%5D&changes=ENV+A%3Db&flag=0&t=true")
        XCTAssertEqual(q.all("changes"), [#"CMD ["sh"]"#, "ENV A=b"])
        XCTAssertFalse(q.bool("flag"))
        XCTAssertTrue(q.bool("t"))
        XCTAssertFalse(q.bool("missing"))
        XCTAssertEqual(Query.decodePath("a%2Fb+c"), "a/b+c")
    }
}
