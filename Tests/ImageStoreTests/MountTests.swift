import Archive
import OCI
import Testing
import WharfCore
@testable import ImageStore
#if canImport(Glibc)
import Glibc
#endif

/// Real overlay mounts: root only. Everything mounted is unmounted in `defer`, even when
/// an expectation fails.
@Suite(.enabled(if: isRoot())) struct MountTests {
    @Test func mountsLayersWithAWritableUpper() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path + "/data")
        let base = try store.importImage(from: BytesSource(sampleRootfs()), reference: "base")
        let container = tmp.path + "/data/containers/c1"
        let target = container + "/rootfs"
        try store.mountRootfs(image: base, containerDir: container, target: target)
        defer { try? store.unmountRootfs(target: target) }

        #expect(readText(target + "/etc/hostname") == "box\n")
        try AtomicFile.write("new\n", to: target + "/etc/hostname")
        #expect(readText(container + "/rw/upper/etc/hostname") == "new\n")
        #expect(readText(store.layerDiffPaths(for: base)[0] + "/etc/hostname") == "box\n")

        try store.unmountRootfs(target: target)
        #expect(!FS.exists(target + "/etc"))
        try store.unmountRootfs(target: target)  // not mounted: fine
    }

    @Test func whiteoutsHideLowerFiles() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path + "/data")
        // A layer with whiteouts, mounted alone: the char-device whiteout hides nothing
        // below, but the file must not show up as a device in the merged view.
        let tar = try makeTar { w in
            try w.add(TarEntry(path: "etc/", kind: .directory))
            try w.add(TarEntry(path: "etc/.wh.hostname", kind: .file))
            try w.add(TarEntry(path: "opq/", kind: .directory))
            try w.add(TarEntry(path: "opq/.wh..wh..opq", kind: .file))
        }
        let img = try store.importImage(from: BytesSource(tar))
        let diff = store.layerDiffPaths(for: img)[0]
        var st = stat()
        #expect(lstat(diff + "/etc/hostname", &st) == 0)
        #expect((st.st_mode & S_IFMT) == S_IFCHR && st.st_rdev == 0)
        #expect(Xattrs.get(diff + "/opq", "trusted.overlay.opaque") == [UInt8(ascii: "y")])

        let container = tmp.path + "/data/containers/c2"
        let target = container + "/rootfs"
        try store.mountRootfs(image: img, containerDir: container, target: target)
        defer { try? store.unmountRootfs(target: target) }
        #expect(!FS.exists(target + "/etc/hostname"))
        #expect(FS.isDirectory(target + "/opq"))
    }

    @Test func emptyImageStillMounts() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path + "/data")
        let img = try store.importImage(from: BytesSource([]))
        #expect(img.chainIDs == [Digest.sha256([UInt8]())])
        // And an image with no layers at all (FROM scratch with only metadata).
        let bare = try store.createImage(config: ImageConfig(architecture: "amd64", os: "linux"), layerBlobs: [])
        #expect(bare.chainIDs.isEmpty)
        let bareTarget = tmp.path + "/data/containers/c4/rootfs"
        try store.mountRootfs(image: bare, containerDir: tmp.path + "/data/containers/c4", target: bareTarget)
        defer { try? store.unmountRootfs(target: bareTarget) }
        #expect(FS.listDirectory(bareTarget).isEmpty)
        let container = tmp.path + "/data/containers/c3"
        let target = container + "/rootfs"
        try store.mountRootfs(image: img, containerDir: container, target: target)
        defer { try? store.unmountRootfs(target: target) }
        try AtomicFile.write("x", to: target + "/file")
        #expect(readText(container + "/rw/upper/file") == "x")
    }

    @Test func deepImagesMountPastThePageLimit() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path + "/data")
        var parent: Digest?
        var diffIDs: [Digest] = []
        var blobs: [Descriptor] = []
        for i in 0..<120 {
            let layer = try store.applyLayer(from: BytesSource(try makeTar { w in
                let (e, c) = file("f\(i)", "\(i)")
                try w.add(e, contents: c)
                let (s, sc) = file("shared", "\(i)")
                try w.add(s, contents: sc)
            }), parent: parent)
            parent = layer.chainID
            diffIDs.append(layer.diffID)
            blobs.append(layer.blob)
        }
        let img = try store.createImage(config: ImageConfig(architecture: "amd64", os: "linux", rootfs: RootFS(diffIDs: diffIDs)),
                                        layerBlobs: blobs)
        let container = tmp.path + "/data/containers/deep"
        let target = container + "/rootfs"
        try store.mountRootfs(image: img, containerDir: container, target: target)
        defer { try? store.unmountRootfs(target: target) }
        #expect(readText(target + "/f0") == "0")
        #expect(readText(target + "/f119") == "119")
        #expect(readText(target + "/shared") == "119")
    }
}
