import XCTest

final class WharfCLITestsPlaceholder: XCTestCase {
    func testNothing() {}
}
