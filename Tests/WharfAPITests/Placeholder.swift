import XCTest

final class WharfAPITestsPlaceholder: XCTestCase {
    func testNothing() {}
}
