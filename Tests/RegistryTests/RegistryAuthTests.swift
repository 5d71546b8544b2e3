@testable import Registry
import XCTest

final class RegistryAuthTests: XCTestCase {
    func testBearerChallenge() {
        let c = AuthChallenge(#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull""#)
        XCTAssertEqual(c?.scheme, "bearer")
        XCTAssertEqual(c?.params["realm"], "https://auth.docker.io/token")
        XCTAssertEqual(c?.params["service"], "registry.docker.io")
        XCTAssertEqual(c?.params["scope"], "repository:library/busybox:pull")
    }

    func testBasicChallengeAndOddSpacing() {
        XCTAssertEqual(AuthChallenge(#"Basic realm="Registry Realm""#)?.scheme, "basic")
        XCTAssertEqual(AuthChallenge(#"Basic realm="Registry Realm""#)?.params["realm"], "Registry Realm")
        let c = AuthChallenge(#"Bearer  realm = "x" , error="insufficient_scope",scope=a\"b"#)
        XCTAssertEqual(c?.params["realm"], "x")
        XCTAssertEqual(c?.params["error"], "insufficient_scope")
        XCTAssertNil(AuthChallenge(""))
    }

    func testRegistryAuthHeader() {
        // base64url of {"username":"alice","password":"s3cret","serveraddress":"127.0.0.1:5000"}
        let h = "eyJ1c2VybmFtZSI6ImFsaWNlIiwicGFzc3dvcmQiOiJzM2NyZXQiLCJzZXJ2ZXJhZGRyZXNzIjoiMTI3LjAuMC4xOjUwMDAifQ"
        let c = RegistryCredentials(header: h)
        XCTAssertEqual(c?.username, "alice")
        XCTAssertEqual(c?.password, "s3cret")
        XCTAssertEqual(c?.basic, "Basic YWxpY2U6czNjcmV0")
        XCTAssertNil(RegistryCredentials(header: "e30="))        // {}: anonymous
        XCTAssertNil(RegistryCredentials(header: nil))
        XCTAssertNil(RegistryCredentials(header: "not base64 !"))
        // Only `auth` (base64 user:pass), as some clients send it.
        let a = RegistryCredentials(header: "eyJhdXRoIjoiWVd4cFkyVTZjek5qY21WMCJ9")
        XCTAssertEqual(a?.username, "alice")
        XCTAssertEqual(a?.password, "s3cret")
    }

    func testServerAddressesAndLoopback() {
        XCTAssertEqual(RegistryCredentials.host(ofServerAddress: "https://index.docker.io/v1/"), "docker.io")
        XCTAssertEqual(RegistryCredentials.host(ofServerAddress: "http://127.0.0.1:5000"), "127.0.0.1:5000")
        XCTAssertEqual(RegistryCredentials.host(ofServerAddress: "registry.example.com/v2/"), "registry.example.com")
        XCTAssertTrue(RegistryClient.isLoopback("localhost:5000"))
        XCTAssertTrue(RegistryClient.isLoopback("127.1.2.3"))
        XCTAssertTrue(RegistryClient.isLoopback("[::1]:5000"))
        XCTAssertFalse(RegistryClient.isLoopback("registry.example.com"))
        XCTAssertFalse(RegistryClient.isLoopback("10.0.0.1:5000"))
    }
}
