import Archive
import ImageStore
import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// A ByteSink that forwards tar bytes to a stream sink in 64 KiB pieces.
final class StreamByteSink: ByteSink {
    let sink: any StreamSink
    init(sink: any StreamSink) { self.sink = sink }
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        if sink.isClosed { throw WharfError.internalError("client went away") }
        sink.write(.stdout, Array(bytes))
    }
}

extension ContainerService {
    /// Runs `body` with the container's root file system mounted: the running one, or a
    /// mount made for the call when the container is stopped (as Docker does for cp).
    func withRootfs<T: Sendable>(_ c: Container, _ body: @escaping @Sendable (String) throws -> T) async throws -> T {
        if c.isRunning { return try await blocking { try body(c.rootfs) } }
        let image = try await blocking { [images] in try images.resolve(c.record.imageID) }
        return try await blocking { [images] in
            try FS.mkdirAll(c.rootfs, mode: 0o755)
            try images.mountRootfs(image: image, containerDir: c.dir, target: c.rootfs)
            defer { try? images.unmountRootfs(target: c.rootfs) }
            return try body(c.rootfs)
        }
    }

    static func pathStat(hostPath: String, name: String) throws -> PathStat? {
        var st = Glibc.stat()
        guard lstat(hostPath, &st) == 0 else { return nil }
        var mode = UInt32(st.st_mode & 0o777)
        if st.st_mode & S_ISUID != 0 { mode |= PathStat.modeSetuid }
        if st.st_mode & S_ISGID != 0 { mode |= PathStat.modeSetgid }
        if st.st_mode & S_ISVTX != 0 { mode |= PathStat.modeSticky }
        var link = ""
        switch st.st_mode & S_IFMT {
        case S_IFDIR: mode |= PathStat.modeDir
        case S_IFLNK:
            mode |= PathStat.modeSymlink
            var buf = [CChar](repeating: 0, count: 4097)
            let n = readlink(hostPath, &buf, 4096)
            if n > 0 { link = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        case S_IFCHR: mode |= PathStat.modeDevice | PathStat.modeCharDevice
        case S_IFBLK: mode |= PathStat.modeDevice
        case S_IFIFO: mode |= PathStat.modeNamedPipe
        case S_IFSOCK: mode |= PathStat.modeSocket
        default: break
        }
        let mtime = Timestamp(seconds: Int64(st.st_mtim.tv_sec), nanoseconds: Int32(st.st_mtim.tv_nsec)).rfc3339Nano
        return PathStat(name: name, size: Int64(st.st_size), mode: mode, mtime: mtime, linkTarget: link)
    }

    /// The name Docker gives a copied path: its last element ("/etc" → "etc", "/" → "/").
    static func baseName(_ path: String) -> String {
        var p = path
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        if p == "/" || p.isEmpty { return "/" }
        return String(p.split(separator: "/").last ?? "/")
    }

    /// Where `path` of the container is on the host: in a volume or bind when it lies under
    /// one (as the container sees it), else in the root file system; never outside either.
    func hostPath(_ c: Container, root: String, _ path: String, followLast: Bool) throws -> (path: String, readOnly: Bool) {
        let clean = MountParser.cleanPath(path.hasPrefix("/") ? path : "/" + path)
        var best: MountSpec?
        for m in c.record.mounts ?? [] where m.type != .tmpfs {
            if clean == m.destination || clean.hasPrefix(m.destination + "/"),
               m.destination.count > (best?.destination.count ?? 0) {
                best = m
            }
        }
        guard let m = best else { return (try resolvePathInRoot(root, path, followLast: followLast), false) }
        var source = m.source
        if m.type == .volume, let name = m.name {
            source = volumes.dataPath(name)
            if let sub = m.subpath { source = try resolvePathInRoot(source, sub, followLast: true) }
        }
        let rest = String(clean.dropFirst(m.destination.count))
        return (try resolvePathInRoot(source, rest.isEmpty ? "/" : rest, followLast: followLast), m.readOnly)
    }

    public func statArchivePath(_ ref: String, path: String) async throws -> PathStat {
        let c = try lookup(ref)
        let stat = try await withRootfs(c) { root -> PathStat? in
            let host = try self.hostPath(c, root: root, path, followLast: false).path
            return try Self.pathStat(hostPath: host, name: Self.baseName(path))
        }
        guard let stat else { throw WharfError.notFound("Could not find the file \(path) in container \(ref)") }
        return stat
    }

    /// `docker cp CONTAINER:PATH -`: a tar whose top entry is the path's base name. `begin`
    /// gets the path's stat once it is known (for the response head) and returns the sink.
    public func getArchive(_ ref: String, path: String, begin: @escaping @Sendable (PathStat) -> any StreamSink) async throws {
        let c = try lookup(ref)
        try await withRootfs(c) { root in
            let host = try self.hostPath(c, root: root, path, followLast: false).path
            guard let stat = try Self.pathStat(hostPath: host, name: Self.baseName(path)) else {
                throw WharfError.notFound("Could not find the file \(path) in container \(ref)")
            }
            let sink = begin(stat)
            defer { sink.finish() }
            let tar = TarWriter(StreamByteSink(sink: sink))
            // "dir/." archives the directory's content under "./".
            let name = path.hasSuffix("/.") ? "." : stat.name
            try tar.appendTree(host, as: name == "/" ? "." : name)
            try tar.finish()
            sink.flush()
        }
    }

    /// `docker cp - CONTAINER:PATH`: extracts the tar into PATH, which must be a directory;
    /// nothing lands outside the container's root, whatever the tar's paths or links say.
    public func putArchive(_ ref: String, path: String, tarPath: String, noOverwriteDirNonDir: Bool, copyUIDGID: Bool) async throws {
        let c = try lookup(ref)
        if c.hostConfig.ReadonlyRootfs == true {
            throw WharfError(.forbidden, "container rootfs is marked read-only")
        }
        try await withRootfs(c) { root in
            let (host, readOnly) = try self.hostPath(c, root: root, path, followLast: true)
            if readOnly { throw WharfError(.forbidden, "mounted volume is marked read-only") }
            var st = Glibc.stat()
            guard lstat(host, &st) == 0 else {
                throw WharfError.notFound("Could not find the file \(path) in container \(ref)")
            }
            guard (st.st_mode & S_IFMT) == S_IFDIR else {
                throw WharfError.invalid("extraction point is not a directory")
            }
            let fd = open(tarPath, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw WharfError.internalError(errnoMessage("open", tarPath, errno)) }
            var options = ExtractOptions(whiteouts: .keep)
            options.preserveOwnership = copyUIDGID
            do {
                _ = try extract(tar: FileDescriptorSource(fd: fd, closeWhenDone: true), into: host, options: options)
            } catch let e as WharfError {
                throw WharfError(e.code == .internalError ? .invalidArgument : e.code, e.message)
            }
        }
    }

    /// `docker export`: the whole root file system as a tar.
    public func export(_ ref: String, sink: any StreamSink) async throws {
        let c = try lookup(ref)
        try await withRootfs(c) { root in
            defer { sink.finish() }
            let tar = TarWriter(StreamByteSink(sink: sink))
            try tar.appendTree(root, as: "")
            try tar.finish()
            sink.flush()
        }
    }

    /// `docker diff`: what the writable layer holds, against the image's layers. Paths the
    /// runtime creates as mount points (Docker keeps them in an init layer) are left out.
    public func changes(_ ref: String) async throws -> [ContainerChange] {
        let c = try lookup(ref)
        let image = try await blocking { [images] in try images.resolve(c.record.imageID) }
        let lowers = images.layerDiffPaths(for: image)
        let upper = c.dir + "/rw/upper"
        return await (try? blocking { Self.diff(upper: upper, lowers: lowers) }) ?? []
    }

    static let initLayerPaths: Set<String> = [
        "/dev", "/dev/pts", "/dev/shm", "/dev/console", "/dev/mqueue", "/proc", "/sys", "/etc/hosts", "/etc/hostname",
        "/etc/resolv.conf", "/etc/mtab", "/.dockerenv",
    ]

    static func diff(upper: String, lowers: [String]) -> [ContainerChange] {
        var out: [ContainerChange] = []
        func inLower(_ rel: String) -> Bool {
            lowers.contains { var st = Glibc.stat(); return lstat($0 + rel, &st) == 0 }
        }
        /// Returns whether anything under `rel` was reported.
        @discardableResult
        func walk(_ rel: String) -> Bool {
            var any = false
            for name in FS.listDirectory(upper + rel).sorted() {
                let child = rel + "/" + name
                if initLayerPaths.contains(child) { continue }
                var st = Glibc.stat()
                guard lstat(upper + child, &st) == 0 else { continue }
                if (st.st_mode & S_IFMT) == S_IFCHR && st.st_rdev == 0 {
                    out.append(ContainerChange(Path: child, Kind: 2))
                    any = true
                    continue
                }
                let existed = inLower(child)
                let index = out.count
                if (st.st_mode & S_IFMT) == S_IFDIR {
                    let inner = walk(child)
                    if !existed || inner {
                        out.insert(ContainerChange(Path: child, Kind: existed ? 0 : 1), at: index)
                        any = true
                    }
                } else {
                    out.append(ContainerChange(Path: child, Kind: existed ? 0 : 1))
                    any = true
                }
            }
            return any
        }
        walk("")
        return out
    }
}
