import Archive
import OCI
import Testing
import WharfCore
@testable import ImageStore

@Suite struct RemoveTests {
    private func conflict(_ body: () throws -> Void) -> String? {
        do { try body(); return nil } catch let e as WharfError {
            return e.code == .conflict ? e.message : "\(e.code): \(e.message)"
        } catch { return "\(error)" }
    }

    @Test func untagThenDeleteOnLastReference() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path)
        let img = try store.importImage(from: BytesSource(sampleRootfs()), reference: "app:v1")
        try store.tag("app:v1", repo: "docker.io/library/app", tag: "v2")
        #expect(try store.resolve("app:v2").id == img.id)

        #expect(try store.remove("app:v1", force: false, inUseBy: { _ in nil }) == [.untagged("app:v1")])
        #expect(try store.resolve("app:v2").repoTags == ["app:v2"])

        let items = try store.remove("app:v2", force: false, inUseBy: { _ in nil })
        #expect(items == [.untagged("app:v2"), .deleted(img.id.string), .deleted(img.chainIDs[0].string)])
        #expect(store.list().isEmpty)
        #expect(FS.listDirectory(tmp.path + "/layers") == ["l"])
        #expect(FS.listDirectory(tmp.path + "/layers/l").isEmpty)
        #expect(FS.listDirectory(tmp.path + "/content/blobs/sha256").isEmpty)
        #expect(FS.listDirectory(tmp.path + "/images/meta").isEmpty)
    }

    @Test func deleteByIDWithSeveralRepositoriesNeedsForce() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path)
        let img = try store.importImage(from: BytesSource(sampleRootfs()), reference: "one:latest")
        try store.tag(img.id.string, repo: "two", tag: nil)
        #expect(conflict { _ = try store.remove(img.id.shortID, force: false, inUseBy: { _ in nil }) }
            == "conflict: unable to delete \(img.id.shortID) (must be forced) - image is referenced in multiple repositories")
        let items = try store.remove(img.id.shortID, force: true, inUseBy: { _ in nil })
        #expect(items == [.untagged("one:latest"), .untagged("two:latest"), .deleted(img.id.string),
                          .deleted(img.chainIDs[0].string)])
        #expect(throws: WharfError.self) { _ = try store.resolve("one") }
    }

    @Test func deleteByIDWithOneRepositoryUntagsAndDeletes() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path)
        let img = try store.importImage(from: BytesSource(sampleRootfs()), reference: "solo:1")
        let items = try store.remove(img.id.string, force: false, inUseBy: { _ in nil })
        #expect(items == [.untagged("solo:1"), .deleted(img.id.string), .deleted(img.chainIDs[0].string)])
    }

    @Test func sharedLayerSurvivesUntilTheLastImage() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path)
        let a = try store.importImage(from: BytesSource(sampleRootfs()), reference: "a")
        let b = try store.importImage(from: BytesSource(sampleRootfs()), changes: ["CMD x"], reference: "b")
        #expect(a.id != b.id)
        #expect(try store.remove("a", force: false, inUseBy: { _ in nil }) == [.untagged("a:latest"), .deleted(a.id.string)])
        #expect(FS.isDirectory(store.layerDiffPaths(for: b)[0]))
        #expect(try store.remove("b", force: false, inUseBy: { _ in nil })
            == [.untagged("b:latest"), .deleted(b.id.string), .deleted(b.chainIDs[0].string)])
    }

    @Test func leftoversOfAnUnfinishedPullAreCollectedAtStart() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        var store: ImageStore? = try ImageStore(root: tmp.path)
        let kept = try store!.importImage(from: BytesSource(sampleRootfs()), reference: "kept")
        // A layer applied for an image never made (the daemon died before createImage).
        let orphan = try store!.applyLayer(from: BytesSource(makeTar { w in
            try w.add(TarEntry(path: "orphan.txt", kind: .file), contents: Array("o".utf8))
        }), parent: nil)
        #expect(store!.hasLayer(orphan.chainID))
        store = nil
        let reopened = try ImageStore(root: tmp.path)
        #expect(!reopened.hasLayer(orphan.chainID))
        #expect(reopened.blobPath(orphan.blob.digest) == nil)
        #expect(reopened.hasLayer(kept.chainIDs[0]))
        #expect(try reopened.resolve("kept").id == kept.id)
        #expect(FS.listDirectory(tmp.path + "/layers").allSatisfy { !$0.hasPrefix("trash-") && !$0.hasPrefix("tmp-") })
    }

    @Test func inUseImagesAreProtected() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path)
        let img = try store.importImage(from: BytesSource(sampleRootfs()), reference: "x:v1")
        let container = String(repeating: "c", count: 64)
        let user: (Digest) -> String? = { $0 == img.id ? container : nil }
        #expect(conflict { _ = try store.remove("x:v1", force: false, inUseBy: user) }
            == "conflict: unable to remove repository reference \"x:v1\" (must force) - container cccccccccccc is using its referenced image \(img.id.shortID)")
        #expect(conflict { _ = try store.remove(img.id.string, force: false, inUseBy: user) }
            == "conflict: unable to delete \(img.id.shortID) (must be forced) - image is being used by stopped container cccccccccccc")
        // Forced: the reference goes, the image stays (dangling) for the container.
        #expect(try store.remove("x:v1", force: true, inUseBy: user) == [.untagged("x:v1")])
        #expect(try store.resolve(img.id.string).repoTags.isEmpty)
        #expect(FS.isDirectory(store.layerDiffPaths(for: img)[0]))
        // Once unused, deleting by ID removes it.
        #expect(try store.remove(img.id.string, force: false, inUseBy: { _ in nil })
            == [.deleted(img.id.string), .deleted(img.chainIDs[0].string)])
    }

    @Test func tagValidationAndMoves() throws {
        let tmp = TempDir()
        defer { tmp.cleanup() }
        let store = try ImageStore(root: tmp.path)
        let a = try store.importImage(from: BytesSource(sampleRootfs()), reference: "a")
        let b = try store.importImage(from: BytesSource(sampleRootfs()), changes: ["CMD b"], reference: "b")
        try store.tag("a", repo: "moving", tag: "t")
        #expect(try store.resolve("moving:t").id == a.id)
        try store.tag("b", repo: "docker.io/library/moving", tag: "t")
        #expect(try store.resolve("moving:t").id == b.id)
        #expect(try store.resolve("a").repoTags == ["a:latest"])
        #expect(throws: WharfError.self) { try store.tag("a", repo: "Bad", tag: nil) }
        #expect(throws: WharfError.self) { try store.tag("a", repo: "ok", tag: "-bad") }
        #expect(throws: WharfError.self) { try store.tag("missing", repo: "ok", tag: nil) }
    }
}
