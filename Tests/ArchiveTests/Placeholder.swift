import XCTest

final class ArchiveTestsPlaceholder: XCTestCase {
    func testNothing() {}
}
