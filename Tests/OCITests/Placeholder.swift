import XCTest

final class OCITestsPlaceholder: XCTestCase {
    func testNothing() {}
}
