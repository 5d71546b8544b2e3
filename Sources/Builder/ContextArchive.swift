import Archive
import OCI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// The build context as the client sent it: indexed in one pass (paths, kinds, modes and a
/// digest of each file's content) and extracted only when a step needs the files. A fully
/// cached build reads the tar once and writes nothing.
final class ContextArchive: @unchecked Sendable {
    struct Entry {
        var kind: TarEntry.Kind
        var mode: UInt32
        var size: Int64
        var linkName: String
        var content: String      // sha256 of a regular file's bytes
    }

    let tarPath: String
    let dir: String
    /// Clean relative paths ("src/a.txt", no trailing slash) → entry.
    private(set) var entries: [String: Entry] = [:]
    private(set) var files: [String: [UInt8]] = [:]
    private var extracted = false

    /// Indexes the tar; the bytes of `keep` (the Dockerfile, its .dockerignore) are kept.
    init(tarPath: String, dir: String, keep: Set<String>) throws {
        self.tarPath = tarPath
        self.dir = dir
        let fd = open(tarPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WharfError.internalError(errnoMessage("open", tarPath, errno)) }
        let (_, plain) = try decompressingSource(FileDescriptorSource(fd: fd, closeWhenDone: true))
        let reader = TarReader(plain)
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        while let e = try reader.next() {
            let path = Self.clean(e.path)
            guard !path.isEmpty else { continue }
            var digest = ""
            if e.kind == .file {
                var h = SHA256Hasher()
                let wanted = keep.contains(path)
                var bytes: [UInt8] = []
                while true {
                    let n = try buf.withUnsafeMutableBytes { try reader.read(into: $0) }
                    if n == 0 { break }
                    buf.withUnsafeBytes { h.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
                    if wanted { bytes += buf[0..<n] }
                }
                digest = h.finalizeDigest().encoded
                if wanted { files[path] = bytes }
            }
            entries[path] = Entry(kind: e.kind, mode: e.mode, size: e.size, linkName: e.linkName, content: digest)
        }
    }

    static func clean(_ p: String) -> String {
        var out: [Substring] = []
        for part in p.split(separator: "/") {
            if part == "." || part.isEmpty { continue }
            if part == ".." { if !out.isEmpty { out.removeLast() }; continue }
            out.append(part)
        }
        return out.joined(separator: "/")
    }

    /// The files on disk (once).
    func ensureExtracted() throws {
        guard !extracted else { return }
        let fd = open(tarPath, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw WharfError.internalError(errnoMessage("open", tarPath, errno)) }
        let (_, plain) = try decompressingSource(FileDescriptorSource(fd: fd, closeWhenDone: true))
        var opts = ExtractOptions()
        opts.preserveOwnership = true
        _ = try extract(TarReader(plain), into: dir, options: opts)
        extracted = true
    }

    /// A digest of what COPY/ADD `sources` name in the context (globs and directories
    /// included), or nil when the index cannot tell (a link is involved: then the files
    /// on disk decide). Only the step's cache key uses it.
    func sourcesDigest(_ sources: [String]) -> String? {
        var h = SHA256Hasher()
        for src in sources {
            let pattern = Self.clean(src)
            let hasGlob = pattern.contains(where: { "*?[".contains($0) })
            let roots = hasGlob ? entries.keys.filter { fnmatch(pattern, $0, FNM_PATHNAME) == 0 } : [pattern]
            let matched = entries.keys.filter { path in
                roots.contains { $0.isEmpty || path == $0 || path.hasPrefix($0 + "/") }
            }
            if matched.isEmpty { return nil }      // a missing source: the step reports it
            h.update(Array("\u{0}src \(src)\n".utf8))
            for path in matched.sorted() {
                let e = entries[path]!
                if e.kind == .symlink || e.kind == .hardLink { return nil }
                h.update(Array("\(path)\u{0}\(e.kind)\u{0}\(e.mode & 0o7777)\u{0}\(e.size)\u{0}\(e.content)\n".utf8))
            }
        }
        return h.finalizeDigest().encoded
    }
}
