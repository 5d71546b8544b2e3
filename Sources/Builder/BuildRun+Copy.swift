import Archive
import Dockerfile
import Engine
import ImageStore
import OCI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// A file or directory a COPY/ADD takes, and where it lands.
struct CopyItem {
    var host: String          // source on the host
    var name: String          // its base name
    var isDir: Bool
}

extension BuildRun {
    /// COPY and ADD: the sources become one layer written directly as a tar (no container),
    /// with Docker's rules for directories, globs, --chown and --chmod; ADD also unpacks
    /// local archives. A rebuild with the same sources hits the cache without copying.
    func copy(_ spec: CopySpec, isAdd: Bool, original: String, _ state: inout BuildState) async throws {
        let env = state.substitution
        let verb = isAdd ? "ADD" : "COPY"
        func x(_ w: String) throws -> String { try ShellWord.expand(w, env: env, escape: file.escape) }
        var root = context
        var mounted: String?
        defer { if let m = mounted { unmountFrom(m) } }
        if let fromRaw = spec.from {
            let m = try await mountFrom(try x(fromRaw))
            mounted = m
            root = m + "/rootfs"
        }
        // Destination, relative to WORKDIR.
        var dest = try x(spec.destination)
        let destIsDirSyntax = dest.hasSuffix("/") || dest == "." || dest.hasSuffix("/.")
        if !dest.hasPrefix("/") { dest = (state.runConfig.workingDir ?? "/").joinedPath(dest) }
        dest = cleanAbsolute(dest)

        // From the context, the cache key comes from the archive's index: a hit needs no
        // file on disk at all.
        var indexKey: String?
        if spec.from == nil, spec.heredocs.isEmpty, let archive {
            let sources = try spec.sources.map(x)
            for src in sources { try checkInsideContext(src, verb: verb) }
            if let d = archive.sourcesDigest(sources) {
                indexKey = Self.cacheKey(verb, "index", d, dest, String(destIsDirSyntax), spec.chown ?? "", spec.chmod ?? "")
                if let hit = cached(state, key: indexKey!) {
                    useCache(hit, &state)
                    return
                }
            }
        }
        if spec.from == nil { try archive?.ensureExtracted() }

        let lookup = try LayerLookup(store: store, image: state.imageID)
        let owner = try spec.chown.map { try resolveOwner(try x($0), lookup) }
        let mode = try spec.chmod.map { c -> UInt32 in
            guard let m = UInt32(c, radix: 8), m <= 0o7777 else { throw BuildFailure(message: "invalid chmod parameter: \(c)", code: 1) }
            return m
        }

        // Sources: heredocs, or paths and globs inside the root.
        var items: [CopyItem] = []
        var heredocFiles: [(String, [UInt8])] = []
        for h in spec.heredocs {
            // Heredoc bodies expand variables but keep their quotes (BuildKit's rule).
            let content = h.expand ? try ShellWord.expandHeredoc(h.content, env: env) : h.content
            heredocFiles.append((h.name, Array(content.utf8)))
        }
        do {
            for raw in spec.sources where !spec.heredocs.contains(where: { "<<" + $0.name == raw || "<<-" + $0.name == raw }) {
                let src = try x(raw)
                if isAdd && (src.hasPrefix("http://") || src.hasPrefix("https://")) {
                    throw BuildFailure(message: "failed to process \"\(src)\": ADD from a URL needs network access, which this build does not have: download it into the context and COPY it", code: 1)
                }
                items += try matchSources(src, root: root, verb: verb)
            }
        }
        let count = items.count + heredocFiles.count
        guard count > 0 else { throw BuildFailure(message: "\(verb) failed: no source files were specified", code: 1) }
        let intoDir = destIsDirSyntax || count > 1 || (items.count == 1 && items[0].isDir)
            || (count == 1 && lookup.isDirectory(dest))

        // The cache key covers every source file's path, metadata and content.
        var hasher = SHA256Hasher()
        hasher.update(Array("\(verb)\n\(dest)\n\(intoDir)\n\(spec.chown ?? "")\n\(spec.chmod ?? "")\n".utf8))
        for item in items { try hashTree(item.host, name: item.name, into: &hasher) }
        for (name, bytes) in heredocFiles { hasher.update(Array(name.utf8)); hasher.update(bytes) }
        let contentHash = hasher.finalizeDigest().encoded
        let key = indexKey ?? Self.cacheKey(verb, contentHash)
        if indexKey == nil, let hit = cached(state, key: key) {
            useCache(hit, &state)
            return
        }

        let tarPath = work + "/layer-" + String(UInt32.random(in: 0...UInt32.max), radix: 16) + ".tar"
        defer { unlink(tarPath) }
        let sink = try FileDescriptorSink(path: tarPath, mode: 0o600)
        let tar = TarWriter(sink)
        let uid = Int(owner?.0 ?? 0), gid = Int(owner?.1 ?? 0)
        var written = Set<String>()
        func parentDirs(of path: String) throws {
            var prefix = ""
            for comp in path.split(separator: "/").dropLast() {
                prefix += "/" + comp
                guard written.insert(prefix).inserted else { continue }
                var e = TarEntry(path: String(prefix.dropFirst()) + "/", kind: .directory, mode: 0o755, uid: uid, gid: gid,
                                 modified: Timestamp.now())
                if let st = lookup.stat(prefix) {
                    // An existing directory keeps what it was.
                    e.mode = UInt32(st.st_mode & 0o7777)
                    e.uid = Int(st.st_uid)
                    e.gid = Int(st.st_gid)
                    e.modified = Timestamp(seconds: Int64(st.st_mtim.tv_sec), nanoseconds: Int32(st.st_mtim.tv_nsec))
                }
                try tar.writeHeader(e)
            }
        }
        for (name, bytes) in heredocFiles {
            let target = intoDir ? dest.joinedPath(name) : dest
            try parentDirs(of: target)
            try tar.add(TarEntry(path: String(target.dropFirst()), kind: .file, mode: mode ?? 0o644, uid: uid, gid: gid,
                                 modified: Timestamp.now()), contents: bytes)
        }
        for item in items {
            if isAdd, !item.isDir, let archive = try? localArchive(item.host) {
                let target = intoDir || destIsDirSyntax ? dest : dest
                try parentDirs(of: target.joinedPath("x"))
                try appendArchive(archive, under: target, tar: tar, owner: owner)
                continue
            }
            let target = item.isDir ? dest : (intoDir ? dest.joinedPath(item.name) : dest)
            try parentDirs(of: target)
            try appendTree(item.host, at: target, tar: tar, uid: uid, gid: gid, mode: mode, isRoot: true, contentOnly: item.isDir,
                           destExists: lookup.isDirectory(target))
        }
        try tar.finish()
        try sink.sync()
        let parent = OCI.chainIDs(diffIDs: state.config.rootfs.diffIDs).last
        let layer = try store.applyLayer(from: try FileDescriptorSource(path: tarPath), parent: parent)
        let what = items.count == 1 && items[0].isDir ? "dir" : (count > 1 ? "multi" : "file")
        do {
            try commit(&state, createdBy: "/bin/sh -c #(nop) \(verb) \(what):\(contentHash) in \(dest) ", layer: layer, cacheKey: key)
        } catch {
            store.releaseLayer(layer.chainID)
            throw error
        }
    }

    /// The root file system of a stage's result or an image (pulled if missing), mounted
    /// under the build's work directory: what `COPY --from` and `RUN --mount=from=` read.
    func mountFrom(_ from: String) async throws -> String {
        let record: ImageRecord
        if let i = file.stageIndex(named: from), let s = try await shared.result(of: i) {
            guard let id = s.imageID else { throw BuildFailure(message: "stage \(from) made no image", code: 1) }
            record = try store.resolve(id.string)
        } else {
            if (try? store.resolve(from)) == nil {
                try await pull(from, platform: options.platform)
            }
            record = try store.resolve(from)
        }
        let m = work + "/from-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        try FS.mkdirAll(m + "/rootfs", mode: 0o700)
        try store.mountRootfs(image: record, containerDir: m, target: m + "/rootfs")
        return m
    }

    func unmountFrom(_ m: String) {
        try? store.unmountRootfs(target: m + "/rootfs")
        try? FS.removeAll(m)
    }

    /// A source pattern's matches in `root`; a missing plain path is Docker's error.
    /// `COPY ../x` climbs out of the context: refused as Docker refuses it.
    func checkInsideContext(_ src: String, verb: String) throws {
        var depth = 0
        for part in src.split(separator: "/") {
            if part == ".." { depth -= 1 } else if part != "." { depth += 1 }
            if depth < 0 {
                throw BuildFailure(message: "\(verb) failed: forbidden path outside the build context: \(src) ()", code: 1)
            }
        }
    }

    func matchSources(_ src: String, root: String, verb: String) throws -> [CopyItem] {
        try checkInsideContext(src, verb: verb)
        let rel = cleanAbsolute("/" + src)
        if rel.contains(where: { "*?[".contains($0) }) {
            var out: [CopyItem] = []
            walk(root, "") { relPath, isDir in
                if fnmatch(String(rel.dropFirst()), relPath, FNM_PATHNAME) == 0 {
                    out.append(CopyItem(host: root + "/" + relPath, name: String(relPath.split(separator: "/").last ?? ""), isDir: isDir))
                    return false
                }
                return true
            }
            return out.sorted { $0.host < $1.host }
        }
        let host = try resolvePathInRoot(root, rel, followLast: true)
        var st = stat()
        guard stat(host, &st) == 0 else {
            throw BuildFailure(message: "\(verb) failed: file not found in build context or excluded by .dockerignore: stat \(src.hasPrefix("/") ? String(src.dropFirst()) : src): file does not exist", code: 1)
        }
        let name = rel == "/" ? "" : String(rel.split(separator: "/").last ?? "")
        return [CopyItem(host: host, name: name, isDir: (st.st_mode & S_IFMT) == S_IFDIR)]
    }

    /// Visits every path under `dir` (relative to the walk's start); `body` returns whether
    /// to descend into a directory.
    func walk(_ dir: String, _ rel: String, _ body: (String, Bool) -> Bool) {
        for name in FS.listDirectory(dir).sorted() {
            let path = dir + "/" + name
            let r = rel.isEmpty ? name : rel + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            let isDir = (st.st_mode & S_IFMT) == S_IFDIR
            if body(r, isDir) && isDir { walk(path, r, body) }
        }
    }

    func hashTree(_ host: String, name: String, into h: inout SHA256Hasher) throws {
        var st = stat()
        guard lstat(host, &st) == 0 else { return }
        h.update(Array("\(name)\0\(st.st_mode)\0\(st.st_size)\0".utf8))
        switch st.st_mode & S_IFMT {
        case S_IFDIR:
            for child in FS.listDirectory(host).sorted() { try hashTree(host + "/" + child, name: name + "/" + child, into: &h) }
        case S_IFREG:
            let src = try FileDescriptorSource(path: host)
            var buf = [UInt8](repeating: 0, count: 1 << 16)
            while true {
                let n = try buf.withUnsafeMutableBytes { try src.read(into: $0) }
                if n == 0 { break }
                buf.withUnsafeBytes { h.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
        case S_IFLNK:
            h.update(Array(readLink(host).utf8))
        default:
            break
        }
    }

    /// Writes `host` at `target`; a directory's content goes under `target` (Docker copies
    /// what a directory holds, not the directory itself).
    func appendTree(_ host: String, at target: String, tar: TarWriter, uid: Int, gid: Int, mode: UInt32?,
                    isRoot: Bool, contentOnly: Bool, destExists: Bool) throws {
        var st = stat()
        guard (isRoot ? stat(host, &st) : lstat(host, &st)) == 0 else { return }
        let mtime = Timestamp(seconds: Int64(st.st_mtim.tv_sec), nanoseconds: Int32(st.st_mtim.tv_nsec))
        let perm = mode ?? UInt32(st.st_mode & 0o7777)
        let path = String(target.dropFirst())
        switch st.st_mode & S_IFMT {
        case S_IFDIR:
            if !(isRoot && destExists) {
                try tar.writeHeader(TarEntry(path: path + "/", kind: .directory, mode: perm, uid: uid, gid: gid, modified: mtime))
            }
            for child in FS.listDirectory(host).sorted() {
                try appendTree(host + "/" + child, at: target.joinedPath(child), tar: tar, uid: uid, gid: gid, mode: mode,
                               isRoot: false, contentOnly: false, destExists: false)
            }
        case S_IFREG:
            try tar.add(TarEntry(path: path, kind: .file, size: Int64(st.st_size), mode: perm, uid: uid, gid: gid, modified: mtime),
                        from: try FileDescriptorSource(path: host))
        case S_IFLNK:
            try tar.writeHeader(TarEntry(path: path, kind: .symlink, mode: 0o777, linkName: readLink(host), uid: uid, gid: gid,
                                         modified: mtime))
        default:
            break
        }
    }

    /// ADD's local archives: a tar, plain or compressed, is unpacked rather than copied.
    func localArchive(_ host: String) throws -> any ByteSource {
        let (_, plain) = try decompressingSource(try FileDescriptorSource(path: host))
        let reader = TarReader(plain)
        guard (try? reader.next()) != nil else { throw WharfError.invalid("not an archive") }
        return try decompressingSource(try FileDescriptorSource(path: host)).1
    }

    func appendArchive(_ source: any ByteSource, under dest: String, tar: TarWriter, owner: (UInt32, UInt32)?) throws {
        let reader = TarReader(source)
        while var e = try reader.next() {
            let clean = cleanAbsolute("/" + e.path)
            guard clean != "/" else { continue }
            e.path = String(dest.joinedPath(String(clean.dropFirst())).dropFirst()) + (e.kind == .directory ? "/" : "")
            if e.kind == .hardLink { e.linkName = String(dest.joinedPath(String(cleanAbsolute("/" + e.linkName).dropFirst())).dropFirst()) }
            if let owner { e.uid = Int(owner.0); e.gid = Int(owner.1) }
            if e.kind == .file {
                try tar.add(e, from: reader)
            } else {
                try tar.writeHeader(e)
            }
        }
    }

    /// `--chown=user[:group]` with names from the image's /etc/passwd and /etc/group.
    func resolveOwner(_ spec: String, _ lookup: LayerLookup) throws -> (UInt32, UInt32) {
        let tmp = work + "/owner-" + String(UInt32.random(in: 0...UInt32.max), radix: 16)
        try FS.mkdirAll(tmp + "/etc", mode: 0o700)
        defer { try? FS.removeAll(tmp) }
        for f in ["/etc/passwd", "/etc/group"] {
            if let bytes = lookup.read(f) { try AtomicFile.write(bytes, to: tmp + f, durable: false) }
        }
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        let user = try UserResolver.resolve(parts[0], rootfs: tmp)
        var gid = user.gid
        if parts.count > 1 {
            if let g = UInt32(parts[1]) { gid = g } else { gid = try UserResolver.resolve("0:" + parts[1], rootfs: tmp).gid }
        } else if UInt32(parts[0]) != nil {
            gid = user.uid
        }
        return (user.uid, gid)
    }

    func cleanAbsolute(_ p: String) -> String { "/" + ContextArchive.clean(p) }

    func readLink(_ path: String) -> String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buf, buf.count - 1)
        guard n >= 0 else { return "" }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Paths in an image without mounting it: the layers' diff directories, top first; a
/// whiteout hides what is below.
struct LayerLookup {
    let diffs: [String]

    init(store: ImageStore, image: Digest?) throws {
        guard let image else { diffs = []; return }
        diffs = store.layerDiffPaths(for: try store.resolve(image.string))
    }

    func stat(_ path: String) -> Glibc.stat? {
        for d in diffs {
            var st = Glibc.stat()
            if lstat(d + path, &st) == 0 {
                if (st.st_mode & S_IFMT) == S_IFCHR && st.st_rdev == 0 { return nil }
                return st
            }
        }
        return nil
    }

    func isDirectory(_ path: String) -> Bool {
        guard let st = stat(path) else { return false }
        return (st.st_mode & S_IFMT) == S_IFDIR
    }

    func read(_ path: String) -> [UInt8]? {
        for d in diffs {
            var st = Glibc.stat()
            if lstat(d + path, &st) == 0 {
                if (st.st_mode & S_IFMT) != S_IFREG { return nil }
                return try? FS.readFile(d + path)
            }
        }
        return nil
    }
}
