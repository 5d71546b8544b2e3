import XCTest
@testable import WharfAPI

final class WharfAPITests: XCTestCase {
    func testAPIVersionCompare() {
        XCTAssertEqual(APIVersion("1.41"), APIVersion(1, 41))
        XCTAssertTrue(APIVersion(1, 9) < APIVersion(1, 41))
        XCTAssertNil(APIVersion("1"))
        XCTAssertNil(APIVersion("a.b"))
    }

    func testFiltersBothShapes() throws {
        let f = try Filters(query: #"{"name":{"web":true},"status":{"running":true,"exited":false}}"#)
        XCTAssertEqual(f["name"], ["web"])
        XCTAssertEqual(f["status"], ["running"])
        let legacy = try Filters(query: #"{"label":["a=b","c"]}"#)
        XCTAssertEqual(legacy["label"], ["a=b", "c"])
        XCTAssertThrowsError(try Filters(query: "{nope"))
        XCTAssertThrowsError(try f.validate(allowed: ["name"]))
    }

    func testFramingRoundTrip() {
        let frame = StreamFraming.frame(.stdout, Array("hi\n".utf8))
        XCTAssertEqual(frame, [1, 0, 0, 0, 0, 0, 0, 3, 0x68, 0x69, 0x0a])
        var d = StreamDemuxer()
        let both = frame + StreamFraming.frame(.stderr, Array("err\n".utf8))
        // Split at an awkward place: frames come out only when whole.
        XCTAssertTrue(d.feed(both[0..<5]).isEmpty)
        let out = d.feed(both[5...])
        XCTAssertEqual(out.count, 2)
        XCTAssertEqual(out[0].0, .stdout)
        XCTAssertEqual(out[1].1, Array("err\n".utf8))
    }

    func testCreateRequestDecodesDockerCLIBody() throws {
        let body = #"{"Hostname":"caphost","Domainname":"","User":"0","AttachStdin":false,"AttachStdout":true,"AttachStderr":true,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":["FOO=bar"],"Cmd":["-c","echo x"],"Image":"busybox","Volumes":{},"WorkingDir":"/tmp","Entrypoint":["sh"],"OnBuild":null,"Labels":{"cap":"1"},"HostConfig":{"Binds":null,"LogConfig":{"Type":"","Config":{}},"NetworkMode":"default","PortBindings":{},"RestartPolicy":{"Name":"on-failure","MaximumRetryCount":2},"AutoRemove":false,"ConsoleSize":[0,0],"CapAdd":null,"MemorySwappiness":-1,"Unknown":{"x":1}},"NetworkingConfig":{"EndpointsConfig":{"default":{"IPAMConfig":null,"Links":null,"Aliases":null,"MacAddress":"","DriverOpts":null,"GwPriority":0}}}}"#
        let r = try APIJSON.decode(ContainerCreateRequest.self, from: Array(body.utf8))
        XCTAssertEqual(r.config.Image, "busybox")
        XCTAssertEqual(r.config.Entrypoint, ["sh"])
        XCTAssertEqual(r.config.Labels?["cap"], "1")
        XCTAssertEqual(r.hostConfig.RestartPolicy?.Name, "on-failure")
        XCTAssertEqual(r.hostConfig.NetworkMode, "default")
        XCTAssertNotNil(r.networkingConfig?.EndpointsConfig?["default"])
    }

    func testCmdAsStringIsAccepted() throws {
        let r = try APIJSON.decode(ContainerCreateRequest.self, from: Array(#"{"Image":"x","Cmd":"echo hi"}"#.utf8))
        XCTAssertEqual(r.config.Cmd, ["echo hi"])
    }

    func testWaitResponseEncodesNullError() {
        let s = String(decoding: APIJSON.line(ContainerWaitResponse(StatusCode: 3)), as: UTF8.self)
        XCTAssertEqual(s, "{\"Error\":null,\"StatusCode\":3}\n")
    }
}
