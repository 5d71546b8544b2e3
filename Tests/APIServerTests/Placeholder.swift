import XCTest

final class APIServerTestsPlaceholder: XCTestCase {
    func testNothing() {}
}
