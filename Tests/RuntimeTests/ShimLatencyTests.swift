import Foundation
import XCTest
@testable import Runtime

/// Prints how long launch → start → exited takes for `true` (not a timed assertion; the
/// benchmarks in bench/ are the real measure).
final class ShimLatencyTests: XCTestCase {
    func testLatencyOfTrue() throws {
        let fixture = try ContainerFixture.make()
        defer { fixture.cleanUp() }
        var times: [Double] = []
        for _ in 0..<10 {
            let t0 = Date()
            let run = try fixture.launch(args: ["true"])
            let t1 = Date()
            try run.waitFor(timeout: 10) { !$0.isEmpty }
            let tState = Date()
            try run.connection.send(.start)
            try run.waitFor(timeout: 10) { evs in evs.contains { if case .started = $0 { true } else { false } } }
            let t2 = Date()
            _ = try run.waitForExit()
            let t3 = Date()
            XCTAssertEqual(run.exitInfo?.exitCode, 0)
            run.connection.close()
            times.append(t3.timeIntervalSince(t0) * 1000)
            print(String(format: "spec %.1f ms; first event %.1f ms; ", fixture.specMillis, tState.timeIntervalSince(t1) * 1000), terminator: "")
            print(String(format: "launch %.1f ms, create+start %.1f ms, exit %.1f ms, total %.1f ms",
                         t1.timeIntervalSince(t0) * 1000, t2.timeIntervalSince(t1) * 1000,
                         t3.timeIntervalSince(t2) * 1000, t3.timeIntervalSince(t0) * 1000))
        }
        times.sort()
        print("median total: \(times[times.count / 2]) ms")
    }
}
