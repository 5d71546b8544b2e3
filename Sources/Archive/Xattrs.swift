import CWharf
#if canImport(Glibc)
import Glibc
#endif

/// Extended attributes of a path, never following a final symlink.
public enum Xattrs {
    /// The value, or nil when absent or unreadable.
    public static func get(_ path: String, _ name: String) -> [UInt8]? {
        let size = cwharf_lgetxattr(path, name, nil, 0)
        guard size >= 0 else { return nil }
        var value = [UInt8](repeating: 0, count: size)
        let n = value.withUnsafeMutableBytes { cwharf_lgetxattr(path, name, $0.baseAddress, size) }
        guard n >= 0 else { return nil }
        return Array(value[0..<n])
    }

    /// Sets `name`; false when the file system or privileges refuse.
    @discardableResult
    public static func set(_ path: String, _ name: String, _ value: [UInt8]) -> Bool {
        value.withUnsafeBytes { cwharf_lsetxattr(path, name, $0.baseAddress, value.count) } == 0
    }

    /// The names present, [] when none or unsupported.
    public static func list(_ path: String) -> [String] {
        let size = cwharf_llistxattr(path, nil, 0)
        guard size > 0 else { return [] }
        var buf = [CChar](repeating: 0, count: size)
        let n = cwharf_llistxattr(path, &buf, size)
        guard n > 0 else { return [] }
        return buf[0..<n].split(separator: 0).map { String(decoding: $0.map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    }
}
