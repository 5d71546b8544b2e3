import WharfCore

/// A streaming tar writer: ustar headers, with a PAX header in front when a value does not
/// fit (long paths and link targets, sizes ≥ 8 GiB, large ids, xattrs). Write a header,
/// then exactly `size` bytes of content, then the next header; `finish()` ends the archive.
public final class TarWriter {
    private let sink: any ByteSink
    private var remaining: Int64 = 0
    private var padding = 0
    private var finished = false

    public init(_ sink: any ByteSink) {
        self.sink = sink
    }

    /// Writes `entry`'s header. Regular files must be followed by `entry.size` content bytes.
    public func writeHeader(_ entry: TarEntry) throws {
        try closeEntry()
        var pax: [(String, [UInt8])] = []
        let pathBytes = Array(entry.path.utf8)
        var name = pathBytes
        var prefix: [UInt8] = []
        if pathBytes.count > 100 {
            if let split = Self.splitUstarPath(pathBytes) {
                (prefix, name) = split
            } else {
                pax.append(("path", pathBytes))
                name = Array(pathBytes.suffix(100))
            }
        }
        let link = Array(entry.linkName.utf8)
        if link.count > 100 { pax.append(("linkpath", link)) }
        let size = entry.kind == .file ? entry.size : 0
        if size > 0o77777777777 { pax.append(("size", Array(String(size).utf8))) }
        if entry.uid > 0o7777777 || entry.uid < 0 { pax.append(("uid", Array(String(entry.uid).utf8))) }
        if entry.gid > 0o7777777 || entry.gid < 0 { pax.append(("gid", Array(String(entry.gid).utf8))) }
        if entry.userName.utf8.count > 32 { pax.append(("uname", Array(entry.userName.utf8))) }
        if entry.groupName.utf8.count > 32 { pax.append(("gname", Array(entry.groupName.utf8))) }
        for (k, v) in entry.xattrs.sorted(by: { $0.key < $1.key }) { pax.append(("SCHILY.xattr." + k, v)) }
        for (k, v) in entry.paxRecords.sorted(by: { $0.key < $1.key }) { pax.append((k, Array(v.utf8))) }

        if !pax.isEmpty {
            let body = Self.encodePax(pax)
            var ph = TarEntry(path: "", kind: .other(UInt8(ascii: "x")), size: Int64(body.count), mode: 0o644)
            ph.modified = entry.modified
            let paxName = Array(("PaxHeaders/" + String(decoding: name, as: UTF8.self)).utf8.prefix(100))
            try sink.write(Self.encodeHeader(ph, name: paxName, prefix: [], link: [], size: Int64(body.count)))
            try sink.write(body)
            try writePadding(body.count)
        }
        try sink.write(Self.encodeHeader(entry, name: name, prefix: prefix, link: Array(link.prefix(100)),
                                         size: min(size, 0o77777777777)))
        remaining = size
        padding = (512 - Int(size % 512)) % 512
    }

    /// Content of the current entry.
    public func writeContent(_ buffer: UnsafeRawBufferPointer) throws {
        guard Int64(buffer.count) <= remaining else {
            throw WharfError.internalError("tar: wrote more than the entry's declared size")
        }
        try sink.write(buffer)
        remaining -= Int64(buffer.count)
    }

    /// A whole entry with in-memory content (`entry.size` is set from `contents`).
    public func add(_ entry: TarEntry, contents: [UInt8] = []) throws {
        var e = entry
        if e.kind == .file { e.size = Int64(contents.count) }
        try writeHeader(e)
        if e.kind == .file { try contents.withUnsafeBytes { try writeContent($0) } }
    }

    /// A regular file entry whose content streams from `source` (exactly `entry.size` bytes).
    public func add(_ entry: TarEntry, from source: any ByteSource) throws {
        try writeHeader(entry)
        try withUnsafeTemporaryAllocation(byteCount: 128 * 1024, alignment: 16) { buf in
            while remaining > 0 {
                let want = Int(min(Int64(buf.count), remaining))
                let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buf[0..<want]))
                if n == 0 { throw WharfError.internalError("tar: \(entry.path) shrank while being archived") }
                try writeContent(UnsafeRawBufferPointer(rebasing: buf[0..<n]))
            }
        }
    }

    /// Two zero blocks; the archive is complete. Does not close or flush the sink.
    public func finish() throws {
        guard !finished else { return }
        try closeEntry()
        finished = true
        try sink.write([UInt8](repeating: 0, count: 1024))
    }

    private func closeEntry() throws {
        if remaining > 0 { throw WharfError.internalError("tar: entry content shorter than its size") }
        if padding > 0 { try sink.write([UInt8](repeating: 0, count: padding)) }
        padding = 0
    }

    private func writePadding(_ contentCount: Int) throws {
        let pad = (512 - contentCount % 512) % 512
        if pad > 0 { try sink.write([UInt8](repeating: 0, count: pad)) }
    }

    /// Splits a path of up to 256 bytes at a "/" into ustar's prefix (≤155) and name (≤100).
    static func splitUstarPath(_ p: [UInt8]) -> ([UInt8], [UInt8])? {
        guard p.count <= 256 else { return nil }
        var i = min(p.count - 1, 155)
        while i > 0 {
            if p[i] == UInt8(ascii: "/") {
                let name = Array(p[(i + 1)...])
                if !name.isEmpty && name.count <= 100 { return (Array(p[..<i]), name) }
                if name.count > 100 { return nil }
            }
            i -= 1
        }
        return nil
    }

    /// Records "%d key=value\n", where %d counts the whole record including itself.
    static func encodePax(_ records: [(String, [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        for (k, v) in records {
            let body = 1 + k.utf8.count + 1 + v.count + 1  // " " key "=" value "\n"
            var len = body + String(body).count
            if String(len).count != String(body).count { len = body + String(len).count }
            out += Array(String(len).utf8) + [0x20] + Array(k.utf8) + [UInt8(ascii: "=")] + v + [0x0a]
        }
        return out
    }

    static func encodeHeader(_ e: TarEntry, name: [UInt8], prefix: [UInt8], link: [UInt8], size: Int64) -> [UInt8] {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ bytes: [UInt8], _ f: (Int, Int)) {
            for (i, b) in bytes.prefix(f.1).enumerated() { h[f.0 + i] = b }
        }
        func octal(_ v: Int64, _ f: (Int, Int)) {
            // width-1 digits, zero padded, NUL terminated (what Go and GNU tar write)
            var s = String(max(v, 0), radix: 8)
            let digits = f.1 - 1
            if s.count > digits { s = String(repeating: "7", count: digits) }
            put(Array((String(repeating: "0", count: digits - s.count) + s).utf8), f)
        }
        put(name, TarField.name)
        octal(Int64(e.mode & 0o7777), TarField.mode)
        octal(Int64(min(max(e.uid, 0), 0o7777777)), TarField.uid)
        octal(Int64(min(max(e.gid, 0), 0o7777777)), TarField.gid)
        octal(size, TarField.size)
        octal(e.modified.seconds, TarField.mtime)
        h[TarField.typeFlag] = e.typeFlag
        put(link, TarField.linkName)
        put(Array("ustar\0".utf8), TarField.magic)
        put(Array("00".utf8), TarField.version)
        put(Array(e.userName.utf8), TarField.uname)
        put(Array(e.groupName.utf8), TarField.gname)
        if e.kind == .charDevice || e.kind == .blockDevice {
            octal(Int64(e.devMajor), TarField.devMajor)
            octal(Int64(e.devMinor), TarField.devMinor)
        }
        put(prefix, TarField.prefix)
        // checksum: sum of all bytes with the checksum field as spaces; 6 digits, NUL, space
        for i in 148..<156 { h[i] = 0x20 }
        let sum = h.reduce(0) { $0 + Int($1) }
        let s = String(sum, radix: 8)
        put(Array((String(repeating: "0", count: 6 - s.count) + s).utf8) + [0, 0x20], TarField.checksum)
        return h
    }
}
