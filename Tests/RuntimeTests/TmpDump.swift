import Foundation
import XCTest
@testable import Runtime
final class TmpDumpTests: XCTestCase {
    func testDump() throws {
        guard let out = ProcessInfo.processInfo.environment["WHARF_SPEC_OUT"] else { return }
        let cfg = ContainerRuntimeConfig(id: "x", rootfs: out + "/rootfs", args: ["true"], env: ["PATH=/bin"], hostname: "x")
        try SpecBuilder.writeBundle(try SpecBuilder.build(cfg), to: out)
    }
}
