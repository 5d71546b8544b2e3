import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// One line of the json-file log, as Docker writes it.
struct JSONLogLine: Decodable {
    var log: String
    var stream: String
    var time: String
}

extension ContainerService {
    public func logs(_ ref: String, options: LogsOptions, sink: any StreamSink) async throws -> Bool {
        let c = try lookup(ref)
        if c.hostConfig.LogConfig?.`Type` == "none" {
            throw WharfError.invalid("configured logging driver does not support reading")
        }
        let maxFile = (try? LogOptions(c.hostConfig.LogConfig))?.maxFile ?? 1
        Task.detached {
            do {
                // History: the rotated files, oldest first, then the live one.
                var position = try await blocking { () -> LogPosition in
                    var lines: [ArraySlice<UInt8>] = []
                    var position = LogPosition(inode: 0, offset: 0)
                    for path in LogOptions.files(c.logPath, maxFile: maxFile) {
                        let (more, end) = try Self.readLines(path, from: 0)
                        lines += more
                        if path == c.logPath { position = end }
                    }
                    if let tail = options.tail { lines = Array(lines.suffix(max(0, tail))) }
                    Self.emit(lines, options: options, sink: sink)
                    return position
                }
                // Follow: poll the live file until the container stops (then read what is
                // left once more) or the client goes away. A rotation replaces the file:
                // finish the old one (now .1) from where we were, then start the new one.
                while options.follow && !sink.isClosed {
                    let running = c.isRunning || c.live.withLock { $0.starting || $0.restarting }
                    let from = position
                    position = try await blocking { () -> LogPosition in
                        var lines: [ArraySlice<UInt8>] = []
                        var at = from
                        if let live = Self.inode(c.logPath), live != at.inode, at.inode != 0 {
                            if Self.inode(c.logPath + ".1") == at.inode {
                                lines += try Self.readLines(c.logPath + ".1", from: at.offset).lines
                            }
                            at = LogPosition(inode: live, offset: 0)
                        }
                        let (more, end) = try Self.readLines(c.logPath, from: at.offset)
                        lines += more
                        Self.emit(lines, options: options, sink: sink)
                        return end.inode == 0 ? at : end
                    }
                    if !running { break }
                    try await Task.sleep(nanoseconds: 50_000_000)
                }
            } catch {}
            sink.finish()
        }
        return c.tty
    }

    /// Where a follower is: which file (by inode) and how far into it.
    struct LogPosition: Sendable {
        var inode: UInt64
        var offset: Int64
    }

    static func inode(_ path: String) -> UInt64? {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : nil
    }

    /// The whole lines of a log file from `offset` (a partial last line is left for the next
    /// read), and where the next read starts.
    static func readLines(_ path: String, from offset: Int64) throws -> (lines: [ArraySlice<UInt8>], end: LogPosition) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return ([], LogPosition(inode: 0, offset: offset)) }
        defer { close(fd) }
        var st = stat()
        fstat(fd, &st)
        let inode = UInt64(st.st_ino)
        let size = Int64(st.st_size)
        if size <= offset { return ([], LogPosition(inode: inode, offset: offset)) }
        var data = [UInt8](repeating: 0, count: Int(size - offset))
        var got = 0
        while got < data.count {
            let n = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, $0.count - got, off_t(offset) + off_t(got)) }
            if n <= 0 { break }
            got += n
        }
        data.removeLast(data.count - got)
        guard let lastNL = data.lastIndex(of: 10) else { return ([], LogPosition(inode: inode, offset: offset)) }
        let lines = data[..<lastNL].split(separator: 10, omittingEmptySubsequences: true)
        return (lines, LogPosition(inode: inode, offset: offset + Int64(lastNL + 1)))
    }

    /// Log lines to the client, filtered and formatted as the options say.
    static func emit(_ lines: [ArraySlice<UInt8>], options: LogsOptions, sink: any StreamSink) {
        for line in lines {
            if sink.isClosed { break }
            let entry: JSONLogReader.Entry
            if let e = JSONLogReader.parse(line) {
                entry = e
            } else if let d = try? APIJSON.decode(JSONLogLine.self, from: line) {
                entry = .init(log: Array(d.log.utf8), isStderr: d.stream == "stderr", time: Array(d.time.utf8)[...])
            } else {
                continue
            }
            let stream: StdStream = entry.isStderr ? .stderr : .stdout
            if stream == .stdout && !options.stdout { continue }
            if stream == .stderr && !options.stderr { continue }
            if options.since != nil || options.until != nil {
                guard let t = Timestamp(rfc3339: entry.timeString) else { continue }
                if let s = options.since, t < s { continue }
                if let u = options.until, t > u { continue }
            }
            if !options.timestamps && !options.details {
                sink.write(stream, entry.log)
                continue
            }
            var payload: [UInt8] = []
            if options.timestamps {
                let t = Timestamp(rfc3339: entry.timeString).map { $0.rfc3339NanoFixed } ?? entry.timeString
                payload.append(contentsOf: Array(t.utf8))
                payload.append(32)
            }
            if options.details { payload.append(32) }
            payload.append(contentsOf: entry.log)
            sink.write(stream, payload)
        }
        sink.flush()
    }
}

extension Timestamp {
    /// Docker prints log timestamps with all nine digits (`jsonmessage.RFC3339NanoFixed`).
    var rfc3339NanoFixed: String {
        let s = rfc3339Nano
        guard s.hasSuffix("Z") else { return s }
        var base = String(s.dropLast())
        var frac = ""
        if let dot = base.firstIndex(of: ".") {
            frac = String(base[base.index(after: dot)...])
            base = String(base[..<dot])
        }
        while frac.count < 9 { frac += "0" }
        return base + "." + frac + "Z"
    }
}
