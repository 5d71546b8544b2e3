import WharfCore

/// A streaming tar reader: ustar, GNU long names (`L`/`K`) and base-256 numbers, PAX
/// (`x`/`g`) path, linkpath, size, mtime, uid/gid, uname/gname and xattrs. It holds one
/// buffer, never an entry's content: after `next()`, read the content through `read(into:)`
/// (the reader is itself a ByteSource over the current entry), or let `next()` skip it.
public final class TarReader: ByteSource {
    private let source: any ByteSource
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0
    private var end = 0
    private var sourceEOF = false
    /// Content bytes of the current entry not yet read, and the padding after them.
    private var remaining: Int64 = 0
    private var padding = 0
    private var globalPax: [String: [UInt8]] = [:]
    private var finished = false

    public init(_ source: any ByteSource, bufferSize: Int = 256 * 1024) {
        self.source = source
        self.buffer = .allocate(byteCount: max(bufferSize, 4096), alignment: 16)
    }

    deinit { buffer.deallocate() }

    /// The next entry's header, or nil at the end of the archive.
    public func next() throws -> TarEntry? {
        try skipContent()
        var longName: [UInt8]?
        var longLink: [UInt8]?
        var pax: [String: [UInt8]] = [:]
        while true {
            if finished { return nil }
            guard let header = try readBlock() else {
                // A stream that simply stops between members: treat as the end (Go does too).
                finished = true
                return nil
            }
            if header.allSatisfy({ $0 == 0 }) {
                finished = true
                return nil
            }
            try verifyChecksum(header)
            let flag = header[TarField.typeFlag]
            let size = try parseNumber(header, TarField.size)
            switch flag {
            case UInt8(ascii: "x"), UInt8(ascii: "g"):
                let records = try parsePax(try readSmallContent(size))
                if flag == UInt8(ascii: "g") {
                    globalPax.merge(records) { $1 }
                } else {
                    pax.merge(records) { $1 }
                }
                continue
            case UInt8(ascii: "L"):
                longName = trimNUL(try readSmallContent(size))
                continue
            case UInt8(ascii: "K"):
                longLink = trimNUL(try readSmallContent(size))
                continue
            default:
                break
            }
            var entry = try decodeHeader(header, size: size)
            if let longName { entry.path = String(decoding: longName, as: UTF8.self) }
            if let longLink { entry.linkName = String(decoding: longLink, as: UTF8.self) }
            try apply(globalPax.merging(pax) { $1 }, to: &entry)
            // The kind again: a long name may end in "/" (pre-POSIX directory marker).
            entry.kind = TarEntry.kind(forTypeFlag: flag, path: entry.path)
            // Only regular files carry data in practice, but any declared size is skipped.
            remaining = entry.size
            padding = (TarField.blockSize - Int(entry.size % 512)) % 512
            return entry
        }
    }

    /// Reads the current entry's content; 0 at its end.
    public func read(into out: UnsafeMutableRawBufferPointer) throws -> Int {
        guard remaining > 0, out.count > 0 else { return 0 }
        let want = Int(min(Int64(out.count), remaining))
        var n: Int
        if start < end {
            n = min(want, end - start)
            out.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: n)
            start += n
        } else if want >= 64 * 1024 {
            // Large reads bypass the buffer: one copy fewer for big files.
            n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: out[0..<want]))
            if n == 0 { throw truncated() }
        } else {
            try fill()
            if start == end { throw truncated() }
            n = min(want, end - start)
            out.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: n)
            start += n
        }
        remaining -= Int64(n)
        return n
    }

    /// Skips what is left of the current entry's content and padding.
    public func skipContent() throws {
        while remaining > 0 {
            if start == end { try fill(); if start == end { throw truncated() } }
            let n = Int(min(Int64(end - start), remaining))
            start += n
            remaining -= Int64(n)
        }
        while padding > 0 {
            if start == end { try fill(); if start == end { throw truncated() } }
            let n = min(end - start, padding)
            start += n
            padding -= n
        }
    }

    // MARK: - buffering

    private func truncated() -> WharfError { WharfError.invalid("archive/tar: unexpected EOF") }

    /// Reads more from the source into the buffer (only when it is empty).
    private func fill() throws {
        guard !sourceEOF else { return }
        if start == end { start = 0; end = 0 }
        let n = try source.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[end...]))
        if n == 0 { sourceEOF = true }
        end += n
    }

    /// Exactly one 512-byte block, nil on a clean EOF before it.
    private func readBlock() throws -> [UInt8]? {
        try readExact(TarField.blockSize, eofOK: true)
    }

    private func readExact(_ count: Int, eofOK: Bool) throws -> [UInt8]? {
        var out = [UInt8]()
        out.reserveCapacity(count)
        while out.count < count {
            if start == end {
                try fill()
                if start == end {
                    if out.isEmpty && eofOK { return nil }
                    throw truncated()
                }
            }
            let n = min(count - out.count, end - start)
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[start..<start + n]))
            start += n
        }
        return out
    }

    /// Content of a metadata member (PAX, GNU long name), with its padding.
    private func readSmallContent(_ size: Int64) throws -> [UInt8] {
        guard size >= 0, size <= 16 * 1024 * 1024 else {
            throw WharfError.invalid("archive/tar: header too large")
        }
        let data = try readExact(Int(size), eofOK: false) ?? []
        let pad = (512 - Int(size % 512)) % 512
        if pad > 0 { _ = try readExact(pad, eofOK: false) }
        return data
    }

    // MARK: - header decoding

    private func verifyChecksum(_ h: [UInt8]) throws {
        let stored = try parseNumber(h, TarField.checksum)
        var unsigned: Int64 = 0
        var signed: Int64 = 0
        for (i, b) in h.enumerated() {
            let v: UInt8 = (i >= 148 && i < 156) ? 0x20 : b
            unsigned += Int64(v)
            signed += Int64(Int8(bitPattern: v))
        }
        if stored != unsigned && stored != signed {
            throw WharfError.invalid("archive/tar: invalid tar header")
        }
    }

    private func decodeHeader(_ h: [UInt8], size: Int64) throws -> TarEntry {
        let magic = Array(h[257..<263])
        let isUstar = magic == Array("ustar\0".utf8)
        var name = field(h, TarField.name)
        if isUstar {
            let prefix = field(h, TarField.prefix)
            if !prefix.isEmpty { name = prefix + [UInt8(ascii: "/")] + name }
        }
        let path = String(decoding: name, as: UTF8.self)
        var e = TarEntry(path: path, kind: TarEntry.kind(forTypeFlag: h[TarField.typeFlag], path: path))
        e.linkName = String(decoding: field(h, TarField.linkName), as: UTF8.self)
        e.mode = UInt32(truncatingIfNeeded: try parseNumber(h, TarField.mode)) & 0o7777
        e.uid = Int(try parseNumber(h, TarField.uid))
        e.gid = Int(try parseNumber(h, TarField.gid))
        e.size = size
        e.modified = Timestamp(seconds: try parseNumber(h, TarField.mtime))
        e.userName = String(decoding: field(h, TarField.uname), as: UTF8.self)
        e.groupName = String(decoding: field(h, TarField.gname), as: UTF8.self)
        e.devMajor = UInt32(truncatingIfNeeded: try parseNumber(h, TarField.devMajor))
        e.devMinor = UInt32(truncatingIfNeeded: try parseNumber(h, TarField.devMinor))
        return e
    }

    private func field(_ h: [UInt8], _ f: (Int, Int)) -> [UInt8] {
        let slice = h[f.0..<(f.0 + f.1)]
        if let nul = slice.firstIndex(of: 0) { return Array(slice[..<nul]) }
        return Array(slice)
    }

    /// Octal (space/NUL padded) or GNU base-256 (high bit of the first byte set).
    private func parseNumber(_ h: [UInt8], _ f: (Int, Int)) throws -> Int64 {
        let bytes = h[f.0..<(f.0 + f.1)]
        if let first = bytes.first, first & 0x80 != 0 {
            // base-256, two's complement; 0xff marks a negative number
            var v: Int64 = first == 0xff ? -1 : 0
            for (i, b) in bytes.enumerated() {
                let byte = i == 0 ? (first & 0x7f) | (first == 0xff ? 0x80 : 0) : b
                v = (v << 8) | Int64(byte)
            }
            return v
        }
        var v: Int64 = 0
        var seenDigit = false
        for b in bytes {
            if b == 0 { break }
            if b == 0x20 { if seenDigit { break } else { continue } }
            guard b >= 0x30 && b <= 0x37 else { throw WharfError.invalid("archive/tar: invalid tar header") }
            v = v * 8 + Int64(b - 0x30)
            seenDigit = true
        }
        return v
    }

    private func trimNUL(_ b: [UInt8]) -> [UInt8] {
        if let nul = b.firstIndex(of: 0) { return Array(b[..<nul]) }
        return b
    }

    /// "%d key=value\n" records; values kept as bytes (xattrs may be binary).
    private func parsePax(_ data: [UInt8]) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        var i = 0
        while i < data.count {
            if data[i] == 0 { break }
            var j = i
            var len = 0
            while j < data.count && data[j] >= 0x30 && data[j] <= 0x39 { len = len * 10 + Int(data[j] - 0x30); j += 1 }
            guard j < data.count, data[j] == 0x20, len > j - i, i + len <= data.count, data[i + len - 1] == 0x0a else {
                throw WharfError.invalid("archive/tar: invalid PAX header")
            }
            let record = data[(j + 1)..<(i + len - 1)]
            guard let eq = record.firstIndex(of: UInt8(ascii: "=")) else {
                throw WharfError.invalid("archive/tar: invalid PAX header")
            }
            out[String(decoding: record[..<eq], as: UTF8.self)] = Array(record[(eq + 1)...])
            i += len
        }
        return out
    }

    private func apply(_ pax: [String: [UInt8]], to e: inout TarEntry) throws {
        for (key, raw) in pax {
            let value = String(decoding: raw, as: UTF8.self)
            switch key {
            case "path": e.path = value
            case "linkpath": e.linkName = value
            case "size":
                guard let v = Int64(value), v >= 0 else { throw WharfError.invalid("archive/tar: invalid PAX size") }
                e.size = v
            case "uid": if let v = Int(value) { e.uid = v }
            case "gid": if let v = Int(value) { e.gid = v }
            case "uname": e.userName = value
            case "gname": e.groupName = value
            case "mtime": if let t = Timestamp(dockerQuery: value) { e.modified = t }
            default:
                if key.hasPrefix("SCHILY.xattr.") {
                    e.xattrs[String(key.dropFirst("SCHILY.xattr.".count))] = raw
                } else {
                    e.paxRecords[key] = value
                }
            }
        }
    }
}
