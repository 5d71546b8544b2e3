import Archive
import FoundationEssentials
import OCI
import Testing
import WharfCore
@testable import ImageStore

@Suite struct ImportTests {
    @Test func importAppliesChangesAndUnpacks() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path)
        let img = try store.importImage(
            from: BytesSource(sampleRootfs()),
            changes: ["CMD [\"/bin/hello\"]", "ENV A=1 B=\"two words\" D=$A", "ENV PATH=/bin:$A", "ENV C  spaced value",
                      "WORKDIR /app", "WORKDIR sub", "ENTRYPOINT /bin/sh -c", "EXPOSE 80 53/udp", "LABEL k=v",
                      "USER nobody", "VOLUME /data", "STOPSIGNAL SIGTERM"],
            message: nil, reference: "test:v1")
        let c = try #require(img.config.config)
        #expect(c.cmd == ["/bin/hello"])
        #expect(c.entrypoint == ["/bin/sh", "-c", "/bin/sh -c"])
        // Values see the environment from before their own instruction, as in Docker.
        #expect(c.env == ["A=1", "B=two words", "D=", "PATH=/bin:1", "C=spaced value"])
        #expect(c.workingDir == "/app/sub")
        #expect(c.exposedPorts.map { Set($0.keys) } == ["80/tcp", "53/udp"])
        #expect(c.labels == ["k": "v"])
        #expect(c.user == "nobody")
        #expect(c.volumes?["/data"] != nil)
        #expect(c.stopSignal == "SIGTERM")
        #expect(img.config.os == "linux")
        #expect(img.config.architecture == Platform.current.architecture)
        #expect(img.config.history?.first?.comment == "Imported from -")
        #expect(img.repoTags == ["test:v1"])
        #expect(img.id == Digest.sha256(img.configBytes))
        #expect(img.chainIDs.count == 1)
        #expect(img.chainIDs[0] == img.config.rootfs.diffIDs[0])
        #expect(img.chainIDs[0] == Digest.sha256(sampleRootfs()))
        #expect(img.size == Int64("#!/bin/sh\necho hi\n".utf8.count + "box\n".utf8.count))
        #expect(img.created != nil)

        let diffs = store.layerDiffPaths(for: img)
        #expect(diffs == ["\(tmp.path)/layers/\(img.chainIDs[0].encoded)/diff"])
        #expect(readText(diffs[0] + "/etc/hostname") == "box\n")
        #expect(FS.isDirectory(diffs[0] + "/app"))
        // The blob as received, its manifest and config are in the content store.
        let manifestDigest = try #require(img.manifestDigest)
        let manifest = try JSONDecoder().decode(
            Manifest.self, from: Data(try FS.readFile("\(tmp.path)/content/blobs/sha256/\(manifestDigest.encoded)")))
        #expect(manifest.config.digest == img.id)
        #expect(manifest.layers[0].mediaType == MediaTypes.ociLayer)
        #expect(FS.exists("\(tmp.path)/content/blobs/sha256/\(manifest.layers[0].digest.encoded)"))
        #expect(FS.listDirectory("\(tmp.path)/content/ingest").isEmpty)
    }

    @Test func resolvesByTagIDAndPrefix() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path)
        let img = try store.importImage(from: BytesSource(sampleRootfs()), reference: "localhost:5000/a/b:v1")
        #expect(try store.resolve("localhost:5000/a/b:v1").id == img.id)
        #expect(try store.resolve(img.id.string).id == img.id)
        #expect(try store.resolve(img.id.encoded).id == img.id)
        #expect(try store.resolve(String(img.id.encoded.prefix(5))).id == img.id)
        #expect(try store.resolve("sha256:" + img.id.encoded.prefix(3)).id == img.id)
        #expect(store.list().map(\.id) == [img.id])

        let other = try store.importImage(from: BytesSource(sampleRootfs()), reference: "busybox")
        #expect(other.repoTags == ["busybox:latest"])
        #expect(try store.resolve("busybox").id == other.id)
        #expect(try store.resolve("docker.io/library/busybox:latest").id == other.id)
        #expect(store.list().count == 2)

        func notFound(_ s: String) -> String? {
            do { _ = try store.resolve(s); return nil } catch let e as WharfError {
                return e.code == .notFound ? e.message : "\(e.code): \(e.message)"
            } catch { return "\(error)" }
        }
        #expect(notFound("nothere") == "No such image: nothere:latest")
        #expect(notFound("localhost:5000/a/b") == "No such image: localhost:5000/a/b:latest")
        #expect(notFound("sha256:" + String(repeating: "0", count: 64)) == "No such image: sha256:" + String(repeating: "0", count: 64))
        #expect(notFound("UPPER") == "invalidArgument: invalid reference format: repository name (library/UPPER) must be lowercase")
        // An ambiguous prefix is not found: both IDs share the empty prefix "".
        let common = commonPrefix(img.id.encoded, other.id.encoded)
        if !common.isEmpty { #expect(notFound(common) != nil) }
    }

    @Test func identicalContentSharesTheLayerAndGzipWorks() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path)
        let a = try store.importImage(from: BytesSource(sampleRootfs()), reference: "a")
        let b = try store.importImage(from: BytesSource(gzip(sampleRootfs())), message: "hello", reference: "b")
        #expect(a.chainIDs == b.chainIDs)
        #expect(b.config.history?.first?.comment == "hello")
        #expect(b.config.comment == "hello")
        let layerDirs = FS.listDirectory(tmp.path + "/layers").filter { $0 != "l" }
        #expect(layerDirs == [a.chainIDs[0].encoded])
        let manifest = try JSONDecoder().decode(
            Manifest.self, from: Data(try FS.readFile("\(tmp.path)/content/blobs/sha256/\(b.manifestDigest!.encoded)")))
        #expect(manifest.layers[0].mediaType == MediaTypes.ociLayerGzip)
        #expect(manifest.layers[0].digest == Digest.sha256(gzip(sampleRootfs())))
    }

    @Test func persistsAcrossInstances() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let id: Digest
        do {
            let store = try ImageStore(root: tmp.path)
            id = try store.importImage(from: BytesSource(sampleRootfs()), changes: ["CMD echo hi"], reference: "keep:me").id
            try store.tag("keep:me", repo: "docker.io/library/second", tag: nil)
        }
        let again = try ImageStore(root: tmp.path)
        let img = try again.resolve("keep:me")
        #expect(img.id == id)
        #expect(img.repoTags == ["keep:me", "second:latest"])
        #expect(img.config.config?.cmd == ["/bin/sh", "-c", "echo hi"])
        #expect(img.size > 0)
        #expect(img.lastTagTime != nil)
        // repositories.json is Docker-shaped and left no temporary files behind.
        let repos = try JSONDecoder().decode([String: [String: [String: String]]].self,
                                             from: Data(try FS.readFile(tmp.path + "/images/repositories.json")))
        #expect(repos["Repositories"]?["keep"]?["keep:me"] == id.string)
        #expect(FS.listDirectory(tmp.path + "/images").sorted() == ["meta", "repositories.json"])
    }

    @Test func rejectsBadInputBeforeReadingTheBody() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path)
        func message(_ changes: [String], _ ref: String? = nil) -> String? {
            do { _ = try store.importImage(from: BytesSource(sampleRootfs()), changes: changes, reference: ref); return nil }
            catch let e as WharfError { return e.message } catch { return "\(error)" }
        }
        #expect(message(["FOO bar"]) == "foo is not a valid change command")
        #expect(message(["RUN echo"]) == "run is not a valid change command")
        #expect(message([], "UPPER") == "invalid reference format: repository name (library/UPPER) must be lowercase")
        #expect(message([], "a@sha256:" + String(repeating: "a", count: 64)) == "refusing to create a tag with a digest reference")
        #expect(store.list().isEmpty)
        #expect(FS.listDirectory(tmp.path + "/layers") == ["l"])
    }

    @Test func unsupportedCompressionIsAClearError() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path)
        #expect(throws: WharfError.self) {
            _ = try store.importImage(from: BytesSource([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]))
        }
        #expect(FS.listDirectory(tmp.path + "/layers") == ["l"])
    }

    @Test func escapesStayInside() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path + "/root")
        // Rooted ".." clamps at the root; a symlink to "/" is followed inside the layer.
        let tar = try makeTar { w in
            let (e, c) = file("/abs/../../x", "x")
            try w.add(e, contents: c)
            try w.add(TarEntry(path: "a", kind: .symlink, linkName: "/"))
            try w.add(TarEntry(path: "etc", kind: .directory))
            let (p, pc) = file("a/etc/passwd", "root:x:0:0::/root:/bin/sh\n")
            try w.add(p, contents: pc)
        }
        let img = try store.importImage(from: BytesSource(tar))
        let diff = store.layerDiffPaths(for: img)[0]
        #expect(readText(diff + "/x") == "x")
        #expect(readText(diff + "/etc/passwd") == "root:x:0:0::/root:/bin/sh\n")
        #expect(!FS.exists(tmp.path + "/x"))
        #expect(!FS.exists(tmp.path + "/root/x"))

        // A relative "../" is a break-out attempt: the import fails and leaves nothing.
        let evil = try makeTar { w in
            let (e, c) = file("../evil", "boom")
            try w.add(e, contents: c)
        }
        #expect(throws: WharfError.self) { _ = try store.importImage(from: BytesSource(evil)) }
        #expect(!FS.exists(tmp.path + "/evil"))
        #expect(!FS.exists(tmp.path + "/root/layers/evil"))
        #expect(FS.listDirectory(tmp.path + "/root/layers").filter { $0.hasPrefix("tmp-") }.isEmpty)
    }
}

func commonPrefix(_ a: String, _ b: String) -> String {
    String(zip(a, b).prefix(while: { $0 == $1 }).map(\.0))
}
