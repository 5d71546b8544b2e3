#if canImport(Glibc)
import Glibc
#endif

/// Small, blocking file-system helpers shared by the stores. Callers run them off the
/// cooperative pool when they may be slow.
public enum FS {
    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// mkdir -p.
    public static func mkdirAll(_ path: String, mode: mode_t = 0o755) throws {
        if isDirectory(path) { return }
        let parent = AtomicFile.parentDirectory(of: path)
        if parent != path && parent != "." && parent != "/" { try mkdirAll(parent, mode: mode) }
        if mkdir(path, mode) != 0 && errno != EEXIST {
            throw WharfError.internalError(errnoMessage("mkdir", path, errno))
        }
    }

    public static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            throw WharfError(e == ENOENT ? .notFound : .internalError, errnoMessage("open", path, e))
        }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, 65536) }
            if n < 0 {
                if errno == EINTR { continue }
                throw WharfError.internalError(errnoMessage("read", path, errno))
            }
            if n == 0 { break }
            out.append(contentsOf: buf[0..<n])
        }
        return out
    }

    /// Writes all of `bytes` to `fd` (short writes and EINTR retried); `path` names it in errors.
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, path: String) throws {
        var off = 0
        while off < bytes.count {
            let n = write(fd, bytes.baseAddress! + off, bytes.count - off)
            if n < 0 {
                if errno == EINTR { continue }
                throw WharfError.internalError(errnoMessage("write", path, errno))
            }
            off += n
        }
    }

    public static func readString(_ path: String) throws -> String {
        String(decoding: try readFile(path), as: UTF8.self)
    }

    public static func listDirectory(_ path: String) -> [String] {
        guard let d = opendir(path) else { return [] }
        defer { closedir(d) }
        var names: [String] = []
        while let ent = readdir(d) {
            let name = withUnsafePointer(to: ent.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// rm -rf that never crosses into another file system (a mount left under the tree is
    /// skipped, not emptied) and never follows symlinks.
    public static func removeAll(_ path: String) throws {
        var st = stat()
        if lstat(path, &st) != 0 { return }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            let dev = st.st_dev
            for name in listDirectory(path) {
                let child = path + "/" + name
                var cst = stat()
                if lstat(child, &cst) == 0 && (cst.st_mode & S_IFMT) == S_IFDIR && cst.st_dev != dev {
                    throw WharfError.internalError("refusing to remove \(child): it is a mount point")
                }
                try removeAll(child)
            }
            if rmdir(path) != 0 && errno != ENOENT {
                throw WharfError.internalError(errnoMessage("rmdir", path, errno))
            }
        } else if unlink(path) != 0 && errno != ENOENT {
            throw WharfError.internalError(errnoMessage("unlink", path, errno))
        }
    }
}
