import Testing
import WharfCore
@testable import OCI

@Suite struct ReferenceTests {
    @Test func normalisesLikeDocker() throws {
        let r = try Reference(parsing: "busybox").withDefaultTag()
        #expect(r.domain == "docker.io")
        #expect(r.path == "library/busybox")
        #expect(r.tag == "latest")
        #expect(r.familiarName == "busybox")
        #expect(r.familiarString == "busybox:latest")
        #expect(r.fullString == "docker.io/library/busybox:latest")

        let u = try Reference(parsing: "user/app:1.0")
        #expect(u.fullString == "docker.io/user/app:1.0")
        #expect(u.familiarString == "user/app:1.0")

        let l = try Reference(parsing: "localhost:5000/a/b:v1")
        #expect(l.domain == "localhost:5000")
        #expect(l.path == "a/b")
        #expect(l.tag == "v1")
        #expect(l.familiarName == "localhost:5000/a/b")

        let full = try Reference(parsing: "docker.io/library/busybox:latest")
        #expect(full.familiarString == "busybox:latest")
        let idx = try Reference(parsing: "index.docker.io/library/busybox")
        #expect(idx.domain == "docker.io")

        let hex = String(repeating: "0123456789abcdef", count: 4)
        let d = try Reference(parsing: "x@sha256:" + hex)
        #expect(d.path == "library/x")
        #expect(d.digest?.encoded == hex)
        #expect(d.tag == nil)
        #expect(d.withDefaultTag().tag == nil)
        #expect(d.familiarString == "x@sha256:" + hex)

        let both = try Reference(parsing: "ghcr.io/o/r:t@sha256:" + hex)
        #expect(both.domain == "ghcr.io")
        #expect(both.tag == "t")
        #expect(both.digest != nil)

        let lh = try Reference(parsing: "localhost/foo")
        #expect(lh.domain == "localhost")
        #expect(lh.familiarName == "localhost/foo")
    }

    @Test func rejectsLikeDocker() {
        func message(_ s: String) -> String? {
            do { _ = try Reference(parsing: s); return nil } catch { return (error as? WharfError)?.message }
        }
        #expect(message("UPPER") == "invalid reference format: repository name (library/UPPER) must be lowercase")
        #expect(message("busybox:") == "invalid reference format")
        #expect(message("a b") == "invalid reference format")
        #expect(message("") == "invalid reference format")
        #expect(message("-x") == "invalid reference format")
        #expect(message("x/") == "invalid reference format")
        #expect(message("x:tag@sha256:123") == "invalid reference format")
        #expect(message("a__b") == nil)
        #expect(message("a___b") == "invalid reference format")
        #expect(message("a..b") == "invalid reference format")
        #expect(message(String(repeating: "ab", count: 32))?.hasPrefix("invalid repository name") == true)
    }
}
