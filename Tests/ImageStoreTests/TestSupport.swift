import Archive
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// A fresh directory under /tmp, removed by `cleanup()`.
struct TempDir {
    let path: String
    init() {
        var template = Array("/tmp/wharf-imgstore-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
    }
    func cleanup() {
        try? FS.removeAll(path)
    }
}

/// A tar built in memory with the Archive writer.
func makeTar(_ build: (TarWriter) throws -> Void) rethrows -> [UInt8] {
    let sink = BytesSink()
    let w = TarWriter(sink)
    try build(w)
    try! w.finish()
    return sink.bytes
}

func gzip(_ bytes: [UInt8]) -> [UInt8] {
    let sink = BytesSink()
    let gz = try! GzipCompressor(sink)
    try! gz.write(bytes)
    try! gz.finish()
    return sink.bytes
}

func file(_ path: String, _ text: String, mode: UInt32 = 0o644) -> (TarEntry, [UInt8]) {
    (TarEntry(path: path, kind: .file, mode: mode, modified: Timestamp(seconds: 1_700_000_000)), Array(text.utf8))
}

/// A small root file system: /bin/hello, /etc/hostname, /app/.
func sampleRootfs() -> [UInt8] {
    try! sampleRootfsThrowing()
}

private func sampleRootfsThrowing() throws -> [UInt8] {
    try makeTar { w in
        try w.add(TarEntry(path: "bin/", kind: .directory))
        let (e, c) = file("bin/hello", "#!/bin/sh\necho hi\n", mode: 0o755)
        try w.add(e, contents: c)
        try w.add(TarEntry(path: "etc/", kind: .directory))
        let (h, hc) = file("etc/hostname", "box\n")
        try w.add(h, contents: hc)
        try w.add(TarEntry(path: "app", kind: .directory))
    }
}

func isRoot() -> Bool { geteuid() == 0 }

func readText(_ path: String) -> String? { try? FS.readString(path) }
