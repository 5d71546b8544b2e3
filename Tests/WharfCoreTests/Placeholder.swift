import XCTest

final class WharfCoreTestsPlaceholder: XCTestCase {
    func testNothing() {}
}
