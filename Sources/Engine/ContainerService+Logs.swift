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
            // The live file is read through one descriptor held from the start, so a
            // rotation or the container's removal (docker-py reads a run's output after
            // removing the container) never loses what was written before.
            let live = LiveLog(path: c.logPath)
            do {
                // History: the rotated files, oldest first, then the live one.
                try await blocking {
                    var lines: [ArraySlice<UInt8>] = []
                    for path in LogOptions.files(c.logPath, maxFile: maxFile).dropLast() {
                        lines += try Self.readLines(path, from: 0).lines
                    }
                    lines += live.readNew()
                    if let tail = options.tail { lines = Array(lines.suffix(max(0, tail))) }
                    Self.emit(lines, options: options, sink: sink)
                }
                // Follow: poll until the container stops (then read what is left once
                // more) or the client goes away.
                while options.follow && !sink.isClosed {
                    let running = c.isRunning || c.live.withLock { $0.starting || $0.restarting }
                    try await blocking { Self.emit(live.readNew(), options: options, sink: sink) }
                    if !running { break }
                    try await Task.sleep(nanoseconds: 50_000_000)
                }
            } catch {}
            live.close()
            sink.finish()
        }
        return c.tty
    }

    /// A follower's hold on the live json-file log: the open file, and how far it was read.
    /// Used by one task at a time.
    final class LiveLog: @unchecked Sendable {
        let path: String
        var fd: Int32 = -1
        var inode: UInt64 = 0
        var offset: Int64 = 0

        init(path: String) {
            self.path = path
            reopen()
        }

        private func reopen() {
            if fd >= 0 { Glibc.close(fd) }
            fd = open(path, O_RDONLY | O_CLOEXEC)
            offset = 0
            inode = 0
            var st = stat()
            if fd >= 0, fstat(fd, &st) == 0 { inode = UInt64(st.st_ino) }
        }

        /// The whole lines written since the last call. A rotation renames the file away
        /// (it becomes .1): the rest of the old one comes first, then the new file.
        func readNew() -> [ArraySlice<UInt8>] {
            if fd < 0 {
                reopen()
                if fd < 0 { return [] }
            }
            var lines = readFromFD()
            if let now = ContainerService.inode(path), now != inode {
                reopen()
                lines += readFromFD()
            }
            return lines
        }

        private func readFromFD() -> [ArraySlice<UInt8>] {
            let (lines, end) = ContainerService.readLines(fd: fd, from: offset)
            offset = end
            return lines
        }

        func close() {
            if fd >= 0 { Glibc.close(fd) }
            fd = -1
        }
    }

    static func inode(_ path: String) -> UInt64? {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : nil
    }

    /// The whole lines of a log file from `offset` (a partial last line is left for the next
    /// read), and where the next read starts.
    static func readLines(_ path: String, from offset: Int64) throws -> (lines: [ArraySlice<UInt8>], end: Int64) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return ([], offset) }
        defer { close(fd) }
        return readLines(fd: fd, from: offset)
    }

    static func readLines(fd: Int32, from offset: Int64) -> (lines: [ArraySlice<UInt8>], end: Int64) {
        var st = stat()
        fstat(fd, &st)
        let size = Int64(st.st_size)
        if size <= offset { return ([], offset) }
        var data = [UInt8](repeating: 0, count: Int(size - offset))
        var got = 0
        while got < data.count {
            let n = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, $0.count - got, off_t(offset) + off_t(got)) }
            if n <= 0 { break }
            got += n
        }
        data.removeLast(data.count - got)
        guard let lastNL = data.lastIndex(of: 10) else { return ([], offset) }
        let lines = data[..<lastNL].split(separator: 10, omittingEmptySubsequences: true)
        return (lines, offset + Int64(lastNL + 1))
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
