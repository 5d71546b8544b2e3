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
        Task.detached { [self] in
            var offset: Int64 = 0
            do {
                offset = try await blocking { try self.readLog(c, options: options, from: 0, sink: sink, stopAtEOF: true) }
                if options.follow {
                    // Follow: poll the file for growth until the container stops (then read
                    // what is left once more) or the client goes away.
                    while !sink.isClosed {
                        let running = c.isRunning || c.live.withLock { $0.starting }
                        var o = options
                        o.tail = nil
                        let (opts, from) = (o, offset)
                        offset = try await blocking { try self.readLog(c, options: opts, from: from, sink: sink, stopAtEOF: true) }
                        if !running { break }
                        try await Task.sleep(nanoseconds: 50_000_000)
                    }
                }
            } catch {}
            sink.finish()
        }
        return c.tty
    }

    /// Reads log entries from `offset` to the end, applying the options; returns the offset
    /// of the first byte not consumed (a partial last line is left for the next read).
    @discardableResult
    func readLog(_ c: Container, options: LogsOptions, from offset: Int64, sink: any StreamSink, stopAtEOF: Bool) throws -> Int64 {
        let fd = open(c.logPath, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return offset }
        defer { close(fd) }
        var st = stat()
        fstat(fd, &st)
        let size = Int64(st.st_size)
        if size <= offset { return offset }
        var data = [UInt8](repeating: 0, count: Int(size - offset))
        var got = 0
        while got < data.count {
            let n = data.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, $0.count - got, off_t(offset) + off_t(got)) }
            if n <= 0 { break }
            got += n
        }
        data.removeLast(data.count - got)
        // Whole lines only.
        guard let lastNL = data.lastIndex(of: 10) else { return offset }
        let consumed = Int64(lastNL + 1)
        var lines = data[..<lastNL].split(separator: 10, omittingEmptySubsequences: true)
        if let tail = options.tail {
            lines = Array(lines.suffix(max(0, tail)))
        }
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
        return offset + consumed
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
