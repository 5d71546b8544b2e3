import Archive
import OCI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// Content-addressed blobs: `content/blobs/sha256/<hex>`. Writers go through an ingest file
/// in `content/ingest/` that is hashed while written and renamed into place only once
/// complete, so a blob path never holds partial or unverified bytes.
struct ContentStore: Sendable {
    let root: String

    var blobsDir: String { root + "/blobs/sha256" }
    var ingestDir: String { root + "/ingest" }

    init(root: String) throws {
        self.root = root
        try FS.mkdirAll(root + "/blobs/sha256")
        try FS.mkdirAll(root + "/ingest")
    }

    func path(_ d: Digest) -> String { "\(root)/blobs/\(d.algorithm)/\(d.encoded)" }

    func exists(_ d: Digest) -> Bool { FS.exists(path(d)) }

    func read(_ d: Digest) throws -> [UInt8] { try FS.readFile(path(d)) }

    /// Stores small in-memory content (configs, manifests) and returns its digest.
    @discardableResult
    func writeIfMissing(_ bytes: [UInt8]) throws -> Digest {
        let d = Digest.sha256(bytes)
        if !exists(d) { try AtomicFile.write(bytes, to: path(d)) }
        return d
    }

    func delete(_ d: Digest) {
        unlink(path(d))
    }

    func newIngest() throws -> IngestFile {
        let p = "\(ingestDir)/\(randomHex(16))"
        return try IngestFile(path: p, store: self)
    }

    /// Drops ingests left by a crash (nothing in flight at start-up).
    func cleanIngest() {
        for name in FS.listDirectory(ingestDir) { unlink(ingestDir + "/" + name) }
    }
}

/// A blob being written: hashes every byte on its way to the ingest file.
final class IngestFile: ByteSink {
    let path: String
    private let store: ContentStore
    private let sink: FileDescriptorSink
    private var hasher = SHA256Hasher()
    private(set) var size: Int64 = 0
    private var done = false

    init(path: String, store: ContentStore) throws {
        self.path = path
        self.store = store
        sink = try FileDescriptorSink(path: path)
    }

    deinit { if !done { unlink(path) } }

    func write(_ buffer: UnsafeRawBufferPointer) throws {
        hasher.update(buffer)
        size += Int64(buffer.count)
        try sink.write(buffer)
    }

    /// Finishes writing: syncs the file and returns the digest. Slow for big blobs, so it
    /// runs before any lock is taken; `publish()` then makes the blob visible.
    func finish() throws -> Digest {
        let d = hasher.finalizeDigest()
        try sink.sync()
        digest = d
        return d
    }

    /// Renames the finished ingest into `blobs/` (an existing identical blob wins).
    func publish() throws {
        guard let d = digest else { preconditionFailure("publish before finish") }
        done = true
        let dest = store.path(d)
        if FS.exists(dest) {
            unlink(path)
        } else if rename(path, dest) != 0 {
            let e = errno
            unlink(path)
            throw WharfError.internalError(errnoMessage("rename", dest, e))
        }
    }

    private var digest: Digest?
}

/// `n` random bytes as hex: names for temporary files and layer links.
func randomHex(_ n: Int) -> String {
    var g = SystemRandomNumberGenerator()
    return hexString((0..<n).map { _ in UInt8.random(in: 0...255, using: &g) })
}
