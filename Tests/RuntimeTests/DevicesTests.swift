import OCI
@testable import Runtime
import WharfCore
import XCTest

final class DevicesTests: XCTestCase {
    func testCgroupRules() throws {
        XCTAssertEqual(try HostDevices.parseRule("c 10:229 rwm"),
                       RuntimeSpecDeviceCgroup(allow: true, type: "c", major: 10, minor: 229, access: "rwm"))
        XCTAssertEqual(try HostDevices.parseRule("b *:* r"),
                       RuntimeSpecDeviceCgroup(allow: true, type: "b", major: nil, minor: nil, access: "r"))
        for bad in ["", "c 10:229", "x 1:2 rwm", "c 1 rwm", "c 1:2 rwx", "c -1:2 r", "c a:b r"] {
            XCTAssertThrowsError(try HostDevices.parseRule(bad), bad)
        }
    }

    func testMappingOfANodeAndADirectory() throws {
        let null = try HostDevices.mappings(host: "/dev/null", container: "/dev/x", permissions: "r")
        XCTAssertEqual(null.count, 1)
        XCTAssertEqual(null[0].device.path, "/dev/x")
        XCTAssertEqual(null[0].device.type, "c")
        XCTAssertEqual(null[0].device.major, 1)
        XCTAssertEqual(null[0].device.minor, 3)
        XCTAssertEqual(null[0].rule.access, "r")
        if FS.exists("/dev/net/tun") {
            let dir = try HostDevices.mappings(host: "/dev/net", container: "/dev/n", permissions: "")
            XCTAssertEqual(dir.map(\.device.path), ["/dev/n/tun"])
            XCTAssertEqual(dir[0].rule.access, "rwm")
        }
        XCTAssertThrowsError(try HostDevices.mappings(host: "/dev/nope", container: "", permissions: "")) {
            XCTAssertEqual(($0 as? WharfError)?.message,
                           "error gathering device information while adding custom device \"/dev/nope\": no such file or directory")
        }
        XCTAssertThrowsError(try HostDevices.mappings(host: "/etc/hostname", container: "", permissions: ""))
        XCTAssertThrowsError(try HostDevices.mappings(host: "/dev/null", container: "", permissions: "rwx"))
    }

    func testPrivilegedSpecGetsHostDevicesAndAllowAll() throws {
        var c = ContainerRuntimeConfig(id: "x", rootfs: "/tmp/x", args: ["true"], privileged: true)
        var spec = try SpecBuilder.build(c)
        XCTAssertTrue(spec.linux?.devices?.contains { $0.path == "/dev/null" } ?? false)
        XCTAssertFalse(spec.linux?.devices?.contains { $0.path.hasPrefix("/dev/pts/") || $0.path == "/dev/console" } ?? true)
        XCTAssertEqual(spec.linux?.resources?.devices?.first, RuntimeSpecDeviceCgroup(allow: true, access: "rwm"))
        c.privileged = false
        c.devices = try HostDevices.mappings(host: "/dev/null", container: "/dev/y", permissions: "rw")
        c.deviceRules = [try HostDevices.parseRule("c 10:229 m")]
        spec = try SpecBuilder.build(c)
        XCTAssertEqual(spec.linux?.devices?.map(\.path), ["/dev/y"])
        let rules = spec.linux?.resources?.devices ?? []
        XCTAssertEqual(rules.first?.allow, false)
        XCTAssertEqual(Array(rules.suffix(2)), [
            RuntimeSpecDeviceCgroup(allow: true, type: "c", major: 1, minor: 3, access: "rw"),
            RuntimeSpecDeviceCgroup(allow: true, type: "c", major: 10, minor: 229, access: "m"),
        ])
    }
}
