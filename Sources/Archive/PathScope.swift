import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// Resolves archive paths inside a root directory as if that directory were `/` (a chroot
/// without the chroot): `..` stops at the root, and symlinks already in the tree are
/// followed with their absolute targets taken relative to the root. So an entry can never
/// land outside the root, whatever links earlier entries (or lower layers) planted.
struct PathScope {
    let root: String
    static let maxSymlinks = 40

    init(root: String) {
        var r = root
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        self.root = r
    }

    /// The archive path's components, cleaned as Go's filepath.Clean does. A relative path
    /// whose `..` climbs above the root is a break-out attempt (nil); a rooted one clamps.
    static func clean(_ path: String) -> [String]? {
        let rooted = path.hasPrefix("/")
        var out: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if out.isEmpty {
                    if rooted { continue }
                    return nil
                }
                out.removeLast()
                continue
            }
            out.append(String(part))
        }
        return out
    }

    /// The host path of `components` (already cleaned), following symlinks in every
    /// component but the last (or in the last too, when `followLast`), scoped to the root.
    func resolve(_ components: [String], followLast: Bool) throws -> String {
        var pending = ArraySlice(components)
        var resolved: [String] = []
        var links = 0
        while let c = pending.first {
            pending = pending.dropFirst()
            if c == "." || c.isEmpty { continue }
            if c == ".." {
                if !resolved.isEmpty { resolved.removeLast() }
                continue
            }
            if pending.isEmpty && !followLast {
                resolved.append(c)
                break
            }
            let candidate = hostPath(resolved + [c])
            var st = stat()
            guard lstat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK else {
                resolved.append(c)
                continue
            }
            links += 1
            if links > Self.maxSymlinks {
                throw WharfError.invalid("too many levels of symbolic links resolving \(components.joined(separator: "/"))")
            }
            let target = try readLink(candidate)
            if target.hasPrefix("/") { resolved = [] }
            let parts = target.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            pending = ArraySlice(parts + Array(pending))
        }
        return hostPath(resolved)
    }

    func hostPath(_ components: [String]) -> String {
        if components.isEmpty { return root }
        return (root == "/" ? "" : root) + "/" + components.joined(separator: "/")
    }

    private func readLink(_ path: String) throws -> String {
        var buf = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlink(path, &buf, buf.count - 1)
        if n < 0 { throw WharfError.internalError(errnoMessage("readlink", path, errno)) }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
