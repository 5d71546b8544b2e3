import Archive
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// Docker's volume copy-up: a new, empty volume mounted over a directory of the image starts
/// with that directory's content, owners, modes, times and xattrs (moby `copyExistingContents`).
enum CopyUp {
    static func isEmptyDirectory(_ path: String) -> Bool {
        FS.listDirectory(path).isEmpty
    }

    /// Copies what `source` holds into `target` (an existing directory), and gives `target`
    /// the owner and mode of `source`. Never follows a symlink: links are copied as links.
    static func copy(from source: String, to target: String) throws {
        var st = stat()
        guard lstat(source, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return }
        try copyChildren(source, target)
        _ = lchown(target, st.st_uid, st.st_gid)
        _ = chmod(target, st.st_mode & 0o7777)
    }

    private static func copyChildren(_ src: String, _ dst: String) throws {
        for name in FS.listDirectory(src) {
            try copyEntry(src + "/" + name, dst + "/" + name)
        }
    }

    private static func copyEntry(_ src: String, _ dst: String) throws {
        var st = stat()
        guard lstat(src, &st) == 0 else { return }
        let mode = st.st_mode & 0o7777
        switch st.st_mode & S_IFMT {
        case S_IFDIR:
            if mkdir(dst, mode) != 0 && errno != EEXIST { throw WharfError.internalError(errnoMessage("mkdir", dst, errno)) }
            try copyChildren(src, dst)
        case S_IFREG:
            try copyFile(src, dst, mode: mode)
        case S_IFLNK:
            var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(src, &buf, buf.count - 1)
            guard n >= 0 else { return }
            buf[n] = 0
            if symlink(buf, dst) != 0 { throw WharfError.internalError(errnoMessage("symlink", dst, errno)) }
        case S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK:
            if mknod(dst, st.st_mode, st.st_rdev) != 0 { throw WharfError.internalError(errnoMessage("mknod", dst, errno)) }
        default:
            return
        }
        _ = lchown(dst, st.st_uid, st.st_gid)
        if (st.st_mode & S_IFMT) != S_IFLNK { _ = chmod(dst, mode) }
        for name in Xattrs.list(src) {
            if let v = Xattrs.get(src, name) { _ = Xattrs.set(dst, name, v) }
        }
        var times = [st.st_atim, st.st_mtim]
        _ = utimensat(AT_FDCWD, dst, &times, AT_SYMLINK_NOFOLLOW)
    }

    private static func copyFile(_ src: String, _ dst: String, mode: mode_t) throws {
        let inFD = open(src, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard inFD >= 0 else { throw WharfError.internalError(errnoMessage("open", src, errno)) }
        defer { close(inFD) }
        let outFD = open(dst, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard outFD >= 0 else { throw WharfError.internalError(errnoMessage("open", dst, errno)) }
        defer { close(outFD) }
        var buf = [UInt8](repeating: 0, count: 128 * 1024)
        while true {
            let n = buf.withUnsafeMutableBytes { read(inFD, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw WharfError.internalError(errnoMessage("read", src, errno)) }
            if n == 0 { break }
            var off = 0
            while off < n {
                let w = buf.withUnsafeBytes { write(outFD, $0.baseAddress! + off, n - off) }
                if w < 0 && errno == EINTR { continue }
                if w < 0 { throw WharfError.internalError(errnoMessage("write", dst, errno)) }
                off += w
            }
        }
    }
}
