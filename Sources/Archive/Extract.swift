import CWharf
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// Unpacks a tar stream (plain or gzip, detected) into `root`. Every path stays inside
/// root (see PathScope); returns the bytes of regular-file content written, which is what
/// Docker reports as a layer's size.
@discardableResult
public func extract(tar source: any ByteSource, into root: String, options: ExtractOptions = ExtractOptions()) throws -> Int64 {
    let (_, plain) = try decompressingSource(source)
    return try extract(TarReader(plain), into: root, options: options)
}

/// Unpacks the remaining entries of `reader` into `root`. See `extract(tar:into:options:)`.
@discardableResult
public func extract(_ reader: TarReader, into root: String, options: ExtractOptions = ExtractOptions()) throws -> Int64 {
    try FS.mkdirAll(root)
    let extractor = Extractor(root: root, options: options)
    while let entry = try reader.next() {
        try extractor.add(entry, content: reader)
    }
    try extractor.finish()
    return extractor.size
}

/// The per-archive state of an extraction: directory metadata applied at the end (so
/// creating their children does not disturb mtimes or hit read-only modes) and, for
/// `.apply` whiteouts, the paths this archive created.
final class Extractor {
    let scope: PathScope
    let options: ExtractOptions
    private(set) var size: Int64 = 0
    private var directories: [(path: String, entry: TarEntry)] = []
    private var created: Set<String> = []
    private let buffer: UnsafeMutableRawBufferPointer

    init(root: String, options: ExtractOptions) {
        scope = PathScope(root: root)
        self.options = options
        buffer = .allocate(byteCount: 256 * 1024, alignment: 16)
    }

    deinit { buffer.deallocate() }

    func add(_ entry: TarEntry, content: TarReader) throws {
        guard let components = PathScope.clean(entry.path) else {
            throw WharfError.invalid("invalid tar entry \"\(entry.path)\": path escapes the destination")
        }
        if components.isEmpty {
            // "./": the root itself; only its metadata applies.
            if entry.kind == .directory { directories.append((scope.root, entry)) }
            return
        }
        let name = components[components.count - 1]
        let parentComponents = Array(components.dropLast())

        if options.whiteouts != .keep && name.hasPrefix(".wh.") {
            try whiteout(name: name, parent: parentComponents)
            return
        }

        let parent = try scope.resolve(parentComponents, followLast: true)
        try FS.mkdirAll(parent)
        let path = parent == "/" ? "/" + name : parent + "/" + name
        if options.whiteouts == .apply { markCreated(parentComponents + [name]) }

        var st = stat()
        if lstat(path, &st) == 0 {
            let isDir = (st.st_mode & S_IFMT) == S_IFDIR
            if !(isDir && entry.kind == .directory) {
                try FS.removeAll(path)
            }
        }

        switch entry.kind {
        case .directory:
            if mkdir(path, 0o755) != 0 && errno != EEXIST { throw err("mkdir", path) }
            directories.append((path, entry))
            return
        case .file:
            try writeFile(path, entry: entry, content: content)
        case .symlink:
            if symlink(entry.linkName, path) != 0 { throw err("symlink", path) }
        case .hardLink:
            guard let target = PathScope.clean(entry.linkName), !target.isEmpty else {
                throw WharfError.invalid("invalid hardlink \"\(entry.path)\" -> \"\(entry.linkName)\": target escapes the destination")
            }
            let source = try scope.resolve(target, followLast: false)
            if link(source, path) != 0 { throw err("link \(source)", path) }
            return  // the target's metadata is already right; do not rewrite a shared inode
        case .charDevice, .blockDevice:
            guard options.createDevices else { return }
            let type = entry.kind == .charDevice ? S_IFCHR : S_IFBLK
            if mknod(path, type | mode_t(entry.mode & 0o7777), makeDevice(entry.devMajor, entry.devMinor)) != 0 {
                throw err("mknod", path)
            }
        case .fifo:
            if mkfifo(path, mode_t(entry.mode & 0o7777)) != 0 { throw err("mkfifo", path) }
        case .other:
            return  // GNU volume labels, Solaris ACLs…: nothing to create
        }
        try applyMetadata(path, entry)
    }

    /// Directory modes and times, last, deepest first.
    func finish() throws {
        for (path, entry) in directories.reversed() {
            try applyMetadata(path, entry)
        }
        directories = []
    }

    private func writeFile(_ path: String, entry: TarEntry, content: TarReader) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        if fd < 0 { throw err("open", path) }
        defer { close(fd) }
        while true {
            let n = try content.read(into: buffer)
            if n == 0 { break }
            var off = 0
            while off < n {
                let w = Glibc.write(fd, buffer.baseAddress! + off, n - off)
                if w < 0 {
                    if errno == EINTR { continue }
                    throw err("write", path)
                }
                off += w
            }
        }
        size += entry.size
    }

    private func applyMetadata(_ path: String, _ entry: TarEntry) throws {
        if options.preserveOwnership {
            if lchown(path, uid_t(truncatingIfNeeded: entry.uid), gid_t(truncatingIfNeeded: entry.gid)) != 0 {
                throw err("lchown", path)
            }
        }
        if options.applyXattrs {
            for (key, value) in entry.xattrs {
                // Best effort: the file system or our privileges may not allow the namespace.
                _ = value.withUnsafeBytes { cwharf_lsetxattr(path, key, $0.baseAddress, value.count) }
            }
        }
        // chmod after chown: chown clears setuid/setgid bits.
        if entry.kind != .symlink {
            if chmod(path, mode_t(entry.mode & 0o7777)) != 0 { throw err("chmod", path) }
        }
        var times = [
            timespec(tv_sec: time_t(entry.modified.seconds), tv_nsec: Int(entry.modified.nanoseconds)),
            timespec(tv_sec: time_t(entry.modified.seconds), tv_nsec: Int(entry.modified.nanoseconds)),
        ]
        if utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW) != 0 && errno != ENOTSUP && errno != EOPNOTSUPP {
            throw err("utimensat", path)
        }
    }

    private func whiteout(name: String, parent: [String]) throws {
        let dir = try scope.resolve(parent, followLast: true)
        if name == ".wh..wh..opq" {
            switch options.whiteouts {
            case .overlay:
                try FS.mkdirAll(dir)
                let value: [UInt8] = [UInt8(ascii: "y")]
                let rc = value.withUnsafeBytes { cwharf_lsetxattr(dir, "trusted.overlay.opaque", $0.baseAddress, 1) }
                if rc != 0 { throw err("setxattr trusted.overlay.opaque", dir) }
            case .apply:
                // Everything in the directory that this archive did not create goes.
                for child in FS.listDirectory(dir) where !created.contains((parent + [child]).joined(separator: "/")) {
                    try FS.removeAll(dir + "/" + child)
                }
            case .keep:
                break
            }
            return
        }
        if name.hasPrefix(".wh..wh.") { return }  // AUFS bookkeeping (.wh..wh.plnk etc.)
        let target = String(name.dropFirst(4))
        guard !target.isEmpty, target != ".", target != ".." else { return }
        let path = (dir == "/" ? "" : dir) + "/" + target
        try FS.removeAll(path)
        if options.whiteouts == .overlay {
            try FS.mkdirAll(dir)
            if mknod(path, S_IFCHR, 0) != 0 { throw err("mknod (overlay whiteout)", path) }
        }
    }

    private func markCreated(_ components: [String]) {
        for i in 1...components.count { created.insert(components[0..<i].joined(separator: "/")) }
    }

    private func err(_ op: String, _ path: String) -> WharfError {
        WharfError.internalError(errnoMessage(op, path, errno))
    }
}

/// glibc's makedev(), which Swift cannot import (a macro).
func makeDevice(_ major: UInt32, _ minor: UInt32) -> dev_t {
    let ma = UInt64(major), mi = UInt64(minor)
    return dev_t(((ma & 0xffff_f000) << 32) | ((ma & 0xfff) << 8) | ((mi & 0xffff_ff00) << 12) | (mi & 0xff))
}
