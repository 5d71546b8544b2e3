import Archive
import OCI
import Testing
import WharfCore
#if canImport(Glibc)
import Glibc
#endif
@testable import ImageStore

@Suite struct CreateTests {
    @Test func stackedLayersMakeAnImage() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path)
        let base = try store.applyLayer(from: BytesSource(sampleRootfs()), parent: nil)
        let top = try store.applyLayer(from: BytesSource(gzip(try makeTar { w in
            let (e, c) = file("etc/motd", "hi\n")
            try w.add(e, contents: c)
        })), parent: base.chainID)
        #expect(top.parent == base.chainID)
        #expect(top.chainID == chainID(diffIDs: [base.diffID, top.diffID]))
        #expect(top.blob.mediaType == MediaTypes.ociLayerGzip)

        var config = ImageConfig(architecture: "amd64", os: "linux", created: Timestamp.now().rfc3339Nano,
                                 rootfs: RootFS(diffIDs: [base.diffID, top.diffID]))
        config.config = ContainerConfig()
        let img = try store.createImage(config: config, layerBlobs: [base.blob, top.blob], reference: "built:1")
        #expect(img.chainIDs == [base.chainID, top.chainID])
        #expect(store.layerDiffPaths(for: img).count == 2)
        #expect(store.layerDiffPaths(for: img)[0].hasSuffix(top.chainID.encoded + "/diff"))
        #expect(try store.resolve("built:1").id == img.id)

        // Exact config bytes (a pull) keep their digest as the ID.
        let same = try store.createImage(configBytes: img.configBytes, layerBlobs: [base.blob, top.blob])
        #expect(same.id == img.id)

        // Missing layers are refused.
        var bad = config
        bad.rootfs.diffIDs = [Digest.sha256([1, 2, 3])]
        #expect(throws: WharfError.self) { _ = try store.createImage(config: bad, layerBlobs: [base.blob]) }

        let removed = try store.remove("built:1", force: false, inUseBy: { _ in nil })
        #expect(removed == [.untagged("built:1"), .deleted(img.id.string), .deleted(top.chainID.string),
                            .deleted(base.chainID.string)])
        #expect(FS.listDirectory(tmp.path + "/layers") == ["l"])
    }

    @Test func leasedLayersSurviveRemovalsUntilReleased() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path)
        let img = try store.importImage(from: BytesSource(sampleRootfs()), reference: "base")
        let layer = try store.applyLayer(from: BytesSource(try makeTar { w in
            try w.add(TarEntry(path: "new", kind: .directory))
        }), parent: img.chainIDs[0])
        // rmi of the base must keep the base layer: the pending layer sits on it.
        #expect(try store.remove("base", force: false, inUseBy: { _ in nil }) == [.untagged("base:latest"), .deleted(img.id.string)])
        #expect(store.layerSize(img.chainIDs[0]) != nil)
        store.releaseLayer(layer.chainID)
        #expect(store.layerSize(layer.chainID) == nil)
        #expect(store.layerSize(img.chainIDs[0]) == nil)
        #expect(FS.listDirectory(tmp.path + "/layers") == ["l"])
    }
}

/// commit as the engine will do it: tar the container's upper dir (overlay whiteouts back to
/// `.wh.` files), apply it on the image's top layer, create the image, mount it.
@Suite(.enabled(if: isRoot())) struct CommitFlowTests {
    @Test func upperDirBecomesALayer() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path + "/data")
        let base = try store.importImage(from: BytesSource(sampleRootfs()), reference: "base")
        let c1 = tmp.path + "/data/containers/c1"
        try store.mountRootfs(image: base, containerDir: c1, target: c1 + "/rootfs")
        do {
            defer { try? store.unmountRootfs(target: c1 + "/rootfs") }
            try AtomicFile.write("added\n", to: c1 + "/rootfs/etc/added")
            #expect(unlink(c1 + "/rootfs/etc/hostname") == 0)
        }

        let sink = BytesSink()
        let w = TarWriter(sink)
        try w.appendTree(c1 + "/rw/upper", options: TreeArchiveOptions(overlayWhiteouts: true))
        try w.finish()
        let names = try TarReaderNames(sink.bytes)
        #expect(names.contains("etc/.wh.hostname"))
        #expect(names.contains("etc/added"))

        let layer = try store.applyLayer(from: BytesSource(sink.bytes), parent: base.chainIDs.last)
        var config = base.config
        config.rootfs.diffIDs.append(layer.diffID)
        let baseBlobs = try #require(try store.manifest(for: base)).layers
        #expect(baseBlobs.count == 1)
        #expect(store.blobPath(baseBlobs[0].digest) != nil)
        let committed = try store.createImage(config: config, layerBlobs: baseBlobs + [layer.blob], reference: "committed")

        let c2 = tmp.path + "/data/containers/c2"
        try store.mountRootfs(image: committed, containerDir: c2, target: c2 + "/rootfs")
        defer { try? store.unmountRootfs(target: c2 + "/rootfs") }
        #expect(readText(c2 + "/rootfs/etc/added") == "added\n")
        #expect(!FS.exists(c2 + "/rootfs/etc/hostname"))
        #expect(readText(c2 + "/rootfs/bin/hello") == "#!/bin/sh\necho hi\n")
    }
}

func TarReaderNames(_ bytes: [UInt8]) throws -> [String] {
    let r = TarReader(BytesSource(bytes))
    var out: [String] = []
    while let e = try r.next() { out.append(e.path) }
    return out
}
