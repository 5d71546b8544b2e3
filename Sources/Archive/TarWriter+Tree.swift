import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// Options for archiving a file-system tree.
public struct TreeArchiveOptions: Sendable {
    /// Turn overlayfs whiteouts (0/0 character devices, `trusted.overlay.opaque=y`) back into
    /// `.wh.` entries: for tarring a container's upper dir into a layer (commit, build).
    public var overlayWhiteouts: Bool
    /// Called with each path relative to the archived root ("etc/passwd"); false skips it
    /// (and a directory's whole subtree).
    public var include: (@Sendable (String) -> Bool)?

    public init(overlayWhiteouts: Bool = false, include: (@Sendable (String) -> Bool)? = nil) {
        self.overlayWhiteouts = overlayWhiteouts
        self.include = include
    }
}

extension TarWriter {
    /// Archives `path` (a file, link or directory tree) under the name `name`; with an empty
    /// name a directory's contents go at the top level (how layers and exports look).
    /// Names are sorted, so equal trees give equal archives; hard links become tar hard
    /// links; times are whole seconds (as Docker writes them); only `security.capability`
    /// is kept of the xattrs, as Docker does. Sockets are skipped.
    public func appendTree(_ path: String, as name: String = "", options: TreeArchiveOptions = TreeArchiveOptions()) throws {
        var links: [HardLinkKey: String] = [:]
        try appendNode(path, name: name, relative: "", options: options, links: &links)
    }

    private struct HardLinkKey: Hashable {
        let dev: UInt64
        let ino: UInt64
    }

    private func appendNode(_ path: String, name: String, relative: String, options: TreeArchiveOptions,
                            links: inout [HardLinkKey: String]) throws {
        var st = stat()
        if lstat(path, &st) != 0 { throw WharfError.internalError(errnoMessage("lstat", path, errno)) }
        let type = st.st_mode & S_IFMT
        var entry = TarEntry(path: name, kind: .file, mode: UInt32(st.st_mode & 0o7777),
                             uid: Int(st.st_uid), gid: Int(st.st_gid),
                             modified: Timestamp(seconds: Int64(st.st_mtim.tv_sec)))
        if let cap = Xattrs.get(path, "security.capability") { entry.xattrs["security.capability"] = cap }

        switch type {
        case S_IFDIR:
            if !name.isEmpty {
                entry.kind = .directory
                entry.path = name + "/"
                try writeHeader(entry)
                if options.overlayWhiteouts, Xattrs.get(path, "trusted.overlay.opaque") == [UInt8(ascii: "y")] {
                    try add(TarEntry(path: name + "/.wh..wh..opq", kind: .file, modified: entry.modified))
                }
            }
            for child in FS.listDirectory(path).sorted() {
                let rel = relative.isEmpty ? child : relative + "/" + child
                if let include = options.include, !include(rel) { continue }
                try appendNode(path + "/" + child, name: name.isEmpty ? child : name + "/" + child,
                               relative: rel, options: options, links: &links)
            }
        case S_IFREG:
            if st.st_nlink > 1 {
                let key = HardLinkKey(dev: UInt64(st.st_dev), ino: UInt64(st.st_ino))
                if let first = links[key] {
                    entry.kind = .hardLink
                    entry.linkName = first
                    entry.size = 0
                    try writeHeader(entry)
                    return
                }
                links[key] = name
            }
            entry.size = Int64(st.st_size)
            try add(entry, from: FileDescriptorSource(path: path))
        case S_IFLNK:
            entry.kind = .symlink
            entry.linkName = try readLinkTarget(path)
            try writeHeader(entry)
        case S_IFCHR, S_IFBLK:
            if options.overlayWhiteouts && type == S_IFCHR && st.st_rdev == 0 {
                let slash = name.lastIndex(of: "/")
                let dir = slash.map { String(name[...$0]) } ?? ""
                let base = slash.map { String(name[name.index(after: $0)...]) } ?? name
                try add(TarEntry(path: dir + ".wh." + base, kind: .file, modified: entry.modified))
                return
            }
            entry.kind = type == S_IFCHR ? .charDevice : .blockDevice
            let rdev = UInt64(st.st_rdev)
            entry.devMajor = UInt32(((rdev >> 32) & 0xffff_f000) | ((rdev >> 8) & 0xfff))
            entry.devMinor = UInt32(((rdev >> 12) & 0xffff_ff00) | (rdev & 0xff))
            try writeHeader(entry)
        case S_IFIFO:
            entry.kind = .fifo
            try writeHeader(entry)
        default:
            return  // sockets: not archivable
        }
    }

    private func readLinkTarget(_ path: String) throws -> String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buf, buf.count - 1)
        if n < 0 { throw WharfError.internalError(errnoMessage("readlink", path, errno)) }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
