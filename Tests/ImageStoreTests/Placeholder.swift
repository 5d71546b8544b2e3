import XCTest

final class ImageStoreTestsPlaceholder: XCTestCase {
    func testNothing() {}
}
