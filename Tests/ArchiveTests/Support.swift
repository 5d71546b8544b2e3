import Archive
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

struct TempDir {
    let path: String
    init() {
        var template = Array("/tmp/wharf-archive-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }
    func cleanup() { try? FS.removeAll(path) }
}

func tar(_ build: (TarWriter) throws -> Void) throws -> [UInt8] {
    let sink = BytesSink()
    let w = TarWriter(sink)
    try build(w)
    try w.finish()
    return sink.bytes
}

func fileEntry(_ path: String, mode: UInt32 = 0o644) -> TarEntry {
    TarEntry(path: path, kind: .file, mode: mode, modified: Timestamp(seconds: 1_600_000_000))
}

/// Every entry of an archive with its content.
func readAll(_ bytes: [UInt8]) throws -> [(TarEntry, [UInt8])] {
    let r = TarReader(BytesSource(bytes))
    var out: [(TarEntry, [UInt8])] = []
    while let e = try r.next() { out.append((e, try r.readAll())) }
    return out
}

func fileType(_ path: String) -> mode_t? {
    var st = stat()
    guard lstat(path, &st) == 0 else { return nil }
    return st.st_mode & S_IFMT
}
