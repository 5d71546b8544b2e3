import FoundationEssentials
import OCI
import WharfCore

// The daemon ⇄ wharf-shim protocol over a UNIX stream socket. Every message is one frame:
//
//   [type: u8][length: u32 big-endian][payload: length bytes]
//
// Commands (daemon → shim) use types below 0x80, events (shim → daemon) 0x80 and up.
// Integers are big-endian; strings are UTF-8 (inside exec frames, u16-length-prefixed;
// `execStart` carries an `ExecRequest` as JSON). The shim sends `state` first on every
// connection, so a daemon that reconnects after a restart learns where the container is.

/// What the daemon asks of the shim.
public enum ShimCommand: Sendable, Equatable {
    /// `runc start`: the container's process begins. Sent after the daemon has subscribed
    /// to output, so no output is ever lost for an attached client.
    case start
    case stdin([UInt8])
    /// End of the container's stdin (closes the pipe; ignored with a TTY).
    case closeStdin
    case resize(rows: UInt16, cols: UInt16)
    case kill(Int32)
    /// `docker exec`: run one more process in the running container (`runc exec --detach`).
    /// Answered by `execStarted` then `execOutput`… and `execExited`, or by `execFailed`.
    case execStart(ExecRequest)
    case execStdin(id: String, [UInt8])
    /// End of the exec's stdin (closes the pipe; ignored with a TTY).
    case execCloseStdin(id: String)
    case execResize(id: String, rows: UInt16, cols: UInt16)
}

/// One exec process: its id (the daemon's exec ID), the OCI process runc runs, and its stdio.
public struct ExecRequest: Codable, Sendable, Equatable {
    public var id: String
    public var process: RuntimeSpecProcess
    /// Runs on a pty (`process.terminal` is set to match).
    public var tty: Bool
    /// Gets a stdin pipe (else /dev/null); with a TTY, input goes to the pty only when set.
    public var stdin: Bool

    public init(id: String, process: RuntimeSpecProcess, tty: Bool, stdin: Bool) {
        self.id = id
        self.process = process
        self.tty = tty
        self.stdin = stdin
    }

    /// The `--process` file for `runc exec`: `process` with `terminal` matching `tty`.
    public func runcProcessJSON() throws -> [UInt8] {
        var p = process
        p.terminal = tty
        if !tty { p.consoleSize = nil }
        return Array(try JSONEncoder().encode(p))
    }
}

/// Where the container is, as the shim sees it.
public enum ShimState: Sendable, Equatable {
    case created
    case running(pid: Int32)
    case exited(ExitInfo)
}

/// What the shim tells the daemon.
public enum ShimEvent: Sendable, Equatable {
    /// Always the first event of a connection.
    case state(ShimState)
    case started(pid: Int32)
    /// stream 1 is stdout (and the TTY), 2 is stderr.
    case output(stream: UInt8, [UInt8])
    case exited(ExitInfo)
    /// `runc create` or `runc start` failed; the text is the message Docker shows
    /// (`failed to create shim task: OCI runtime create failed: …: unknown`). An `exited`
    /// with the exit code Docker would record (127, 126 or 128) follows.
    case failed(String)
    /// `runc exec` succeeded; `pid` is the exec's process (host pid namespace).
    case execStarted(id: String, pid: Int32)
    /// An exec's output (stream 1 stdout or the TTY, 2 stderr); never in the json-file log.
    case execOutput(id: String, stream: UInt8, [UInt8])
    /// The exec's process ended (128+n for signal n), all its output sent before.
    case execExited(id: String, exitCode: Int32)
    /// The exec never ran: `message` is Docker's (`OCI runtime exec failed: exec failed: …:
    /// unknown`, or `Container <id> is not running`), `exitCode` 127 (not found) or 126.
    case execFailed(id: String, message: String, exitCode: Int32)
    /// The connection ended (the shim exited, or close() was called).
    case closed
}

/// How the container's process ended; also the content of `<bundle>/exit.json`.
public struct ExitInfo: Codable, Sendable, Equatable {
    public var exitCode: Int32
    /// RFC 3339 with nanoseconds, UTC.
    public var finishedAt: String
    public var oomKilled: Bool
    /// Set when the process never ran (runc create/start failed).
    public var error: String?

    public init(exitCode: Int32, finishedAt: String, oomKilled: Bool = false, error: String? = nil) {
        self.exitCode = exitCode
        self.finishedAt = finishedAt
        self.oomKilled = oomKilled
        self.error = error
    }

    /// exit.json, written without Foundation so the shim stays small.
    public var json: String {
        var s = "{\"exitCode\":\(exitCode),\"finishedAt\":"
        JSONLog.appendString(Array(finishedAt.utf8), to: &s)
        s += ",\"oomKilled\":\(oomKilled)"
        if let e = error {
            s += ",\"error\":"
            JSONLog.appendString(Array(e.utf8), to: &s)
        }
        return s + "}\n"
    }
}

/// Frame types on the wire.
public enum ShimFrameType {
    public static let start: UInt8 = 0x01
    public static let stdin: UInt8 = 0x02
    public static let closeStdin: UInt8 = 0x03
    public static let resize: UInt8 = 0x04
    public static let kill: UInt8 = 0x05
    /// Payload: `ExecRequest` as JSON.
    public static let execStart: UInt8 = 0x06
    /// Payload: id, data.
    public static let execStdin: UInt8 = 0x07
    /// Payload: id.
    public static let execCloseStdin: UInt8 = 0x08
    /// Payload: id, rows u16, cols u16.
    public static let execResize: UInt8 = 0x09

    public static let state: UInt8 = 0x81
    public static let started: UInt8 = 0x82
    public static let output: UInt8 = 0x83
    public static let exited: UInt8 = 0x84
    public static let failed: UInt8 = 0x85
    /// Payload: id, pid i32.
    public static let execStarted: UInt8 = 0x86
    /// Payload: id, stream u8, data.
    public static let execOutput: UInt8 = 0x87
    /// Payload: id, exit code i32.
    public static let execExited: UInt8 = 0x88
    /// Payload: id, exit code i32, message (u16-prefixed).
    public static let execFailed: UInt8 = 0x89

    /// Larger frames are a protocol error (output is sent in reads of at most 64 KiB).
    public static let maxPayload = 16 << 20
}

public enum ShimFrame {
    public static func append(type: UInt8, payload: [UInt8], to out: inout [UInt8]) {
        out.reserveCapacity(out.count + 5 + payload.count)
        out.append(type)
        appendU32(UInt32(payload.count), to: &out)
        out.append(contentsOf: payload)
    }

    /// One output frame straight from a read buffer, without an intermediate array.
    public static func appendOutput(stream: UInt8, _ bytes: UnsafeRawBufferPointer, to out: inout [UInt8]) {
        out.reserveCapacity(out.count + 6 + bytes.count)
        out.append(ShimFrameType.output)
        appendU32(UInt32(bytes.count + 1), to: &out)
        out.append(stream)
        out.append(contentsOf: bytes)
    }

    /// One exec output frame straight from a read buffer.
    public static func appendExecOutput(id: String, stream: UInt8, _ bytes: UnsafeRawBufferPointer,
                                        to out: inout [UInt8]) {
        var head: [UInt8] = []
        appendString16(id, to: &head)
        head.append(stream)
        out.reserveCapacity(out.count + 5 + head.count + bytes.count)
        out.append(ShimFrameType.execOutput)
        appendU32(UInt32(head.count + bytes.count), to: &out)
        out.append(contentsOf: head)
        out.append(contentsOf: bytes)
    }

    public static func encode(_ c: ShimCommand) -> [UInt8] {
        var out: [UInt8] = []
        switch c {
        case .start: append(type: ShimFrameType.start, payload: [], to: &out)
        case .stdin(let b): append(type: ShimFrameType.stdin, payload: b, to: &out)
        case .closeStdin: append(type: ShimFrameType.closeStdin, payload: [], to: &out)
        case .resize(let rows, let cols):
            var p: [UInt8] = []
            appendU16(rows, to: &p)
            appendU16(cols, to: &p)
            append(type: ShimFrameType.resize, payload: p, to: &out)
        case .kill(let sig):
            var p: [UInt8] = []
            appendU32(UInt32(bitPattern: sig), to: &p)
            append(type: ShimFrameType.kill, payload: p, to: &out)
        case .execStart(let r):
            // Encoding these plain values cannot fail; an empty payload would be refused.
            let json = (try? JSONEncoder().encode(r)).map { Array($0) } ?? []
            append(type: ShimFrameType.execStart, payload: json, to: &out)
        case .execStdin(let id, let b):
            var p: [UInt8] = []
            appendString16(id, to: &p)
            p.append(contentsOf: b)
            append(type: ShimFrameType.execStdin, payload: p, to: &out)
        case .execCloseStdin(let id):
            var p: [UInt8] = []
            appendString16(id, to: &p)
            append(type: ShimFrameType.execCloseStdin, payload: p, to: &out)
        case .execResize(let id, let rows, let cols):
            var p: [UInt8] = []
            appendString16(id, to: &p)
            appendU16(rows, to: &p)
            appendU16(cols, to: &p)
            append(type: ShimFrameType.execResize, payload: p, to: &out)
        }
        return out
    }

    public static func encode(_ e: ShimEvent) -> [UInt8] {
        var out: [UInt8] = []
        switch e {
        case .state(let s):
            var p: [UInt8] = []
            switch s {
            case .created: p.append(0)
            case .running(let pid):
                p.append(1)
                appendU32(UInt32(bitPattern: pid), to: &p)
            case .exited(let info):
                p.append(2)
                appendExitInfo(info, to: &p)
            }
            append(type: ShimFrameType.state, payload: p, to: &out)
        case .started(let pid):
            var p: [UInt8] = []
            appendU32(UInt32(bitPattern: pid), to: &p)
            append(type: ShimFrameType.started, payload: p, to: &out)
        case .output(let stream, let bytes):
            bytes.withUnsafeBytes { appendOutput(stream: stream, $0, to: &out) }
        case .exited(let info):
            var p: [UInt8] = []
            appendExitInfo(info, to: &p)
            append(type: ShimFrameType.exited, payload: p, to: &out)
        case .failed(let text):
            append(type: ShimFrameType.failed, payload: Array(text.utf8), to: &out)
        case .execStarted(let id, let pid):
            var p: [UInt8] = []
            appendString16(id, to: &p)
            appendU32(UInt32(bitPattern: pid), to: &p)
            append(type: ShimFrameType.execStarted, payload: p, to: &out)
        case .execOutput(let id, let stream, let bytes):
            bytes.withUnsafeBytes { appendExecOutput(id: id, stream: stream, $0, to: &out) }
        case .execExited(let id, let code):
            var p: [UInt8] = []
            appendString16(id, to: &p)
            appendU32(UInt32(bitPattern: code), to: &p)
            append(type: ShimFrameType.execExited, payload: p, to: &out)
        case .execFailed(let id, let message, let code):
            var p: [UInt8] = []
            appendString16(id, to: &p)
            appendU32(UInt32(bitPattern: code), to: &p)
            appendString16(message, to: &p)
            append(type: ShimFrameType.execFailed, payload: p, to: &out)
        case .closed:
            break  // never on the wire: the end of the connection is the event
        }
        return out
    }

    public static func decodeCommand(type: UInt8, payload p: ArraySlice<UInt8>) throws -> ShimCommand {
        var r = ByteReader(p)
        switch type {
        case ShimFrameType.start: return .start
        case ShimFrameType.stdin: return .stdin(Array(p))
        case ShimFrameType.closeStdin: return .closeStdin
        case ShimFrameType.resize: return .resize(rows: try r.u16(), cols: try r.u16())
        case ShimFrameType.kill: return .kill(Int32(bitPattern: try r.u32()))
        case ShimFrameType.execStart:
            do {
                return .execStart(try JSONDecoder().decode(ExecRequest.self, from: Data(p)))
            } catch {
                throw WharfError.internalError("shim protocol: bad exec request: \(error)")
            }
        case ShimFrameType.execStdin:
            let id = try r.string16()
            return .execStdin(id: id, Array(r.bytes))
        case ShimFrameType.execCloseStdin: return .execCloseStdin(id: try r.string16())
        case ShimFrameType.execResize:
            return .execResize(id: try r.string16(), rows: try r.u16(), cols: try r.u16())
        default: throw WharfError.internalError("shim protocol: unknown command type \(type)")
        }
    }

    public static func decodeEvent(type: UInt8, payload p: ArraySlice<UInt8>) throws -> ShimEvent {
        var r = ByteReader(p)
        switch type {
        case ShimFrameType.state:
            switch try r.u8() {
            case 0: return .state(.created)
            case 1: return .state(.running(pid: Int32(bitPattern: try r.u32())))
            case 2: return .state(.exited(try r.exitInfo()))
            case let k: throw WharfError.internalError("shim protocol: unknown state \(k)")
            }
        case ShimFrameType.started: return .started(pid: Int32(bitPattern: try r.u32()))
        case ShimFrameType.output:
            let stream = try r.u8()
            return .output(stream: stream, Array(p.dropFirst()))
        case ShimFrameType.exited: return .exited(try r.exitInfo())
        case ShimFrameType.failed: return .failed(String(decoding: p, as: UTF8.self))
        case ShimFrameType.execStarted:
            return .execStarted(id: try r.string16(), pid: Int32(bitPattern: try r.u32()))
        case ShimFrameType.execOutput:
            let id = try r.string16()
            let stream = try r.u8()
            return .execOutput(id: id, stream: stream, Array(r.bytes))
        case ShimFrameType.execExited:
            return .execExited(id: try r.string16(), exitCode: Int32(bitPattern: try r.u32()))
        case ShimFrameType.execFailed:
            let id = try r.string16()
            let code = Int32(bitPattern: try r.u32())
            return .execFailed(id: id, message: try r.string16(), exitCode: code)
        default: throw WharfError.internalError("shim protocol: unknown event type \(type)")
        }
    }

    static func appendU16(_ v: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(v >> 8))
        out.append(UInt8(v & 0xff))
    }

    static func appendU32(_ v: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(v >> 24))
        out.append(UInt8((v >> 16) & 0xff))
        out.append(UInt8((v >> 8) & 0xff))
        out.append(UInt8(v & 0xff))
    }

    static func appendString(_ s: String, to out: inout [UInt8]) {
        let b = Array(s.utf8)
        appendU32(UInt32(b.count), to: &out)
        out.append(contentsOf: b)
    }

    /// u16 length, then UTF-8; cut at a character boundary below 64 KiB (ids are 64 hex
    /// digits and messages a line, so nothing real is ever cut).
    static func appendString16(_ s: String, to out: inout [UInt8]) {
        var b = Array(s.utf8)
        if b.count > Int(UInt16.max) {
            var n = Int(UInt16.max)
            while n > 0 && b[n] & 0xc0 == 0x80 { n -= 1 }  // not inside a UTF-8 sequence
            b.removeSubrange(n...)
        }
        appendU16(UInt16(b.count), to: &out)
        out.append(contentsOf: b)
    }

    /// exitCode i32, oomKilled u8, finishedAt string, hasError u8, [error string].
    static func appendExitInfo(_ i: ExitInfo, to out: inout [UInt8]) {
        appendU32(UInt32(bitPattern: i.exitCode), to: &out)
        out.append(i.oomKilled ? 1 : 0)
        appendString(i.finishedAt, to: &out)
        if let e = i.error {
            out.append(1)
            appendString(e, to: &out)
        } else {
            out.append(0)
        }
    }
}

/// Reassembles frames from a byte stream that arrives in arbitrary pieces.
public struct ShimFrameDecoder: Sendable {
    private var buffer: [UInt8] = []
    private var start = 0

    public init() {}

    public mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        buffer.append(contentsOf: bytes)
    }

    public mutating func feed(_ bytes: [UInt8]) {
        buffer.append(contentsOf: bytes)
    }

    /// The next complete frame, or nil until more bytes arrive.
    public mutating func next() throws -> (type: UInt8, payload: ArraySlice<UInt8>)? {
        let avail = buffer.count - start
        guard avail >= 5 else { compact(); return nil }
        let len = Int(buffer[start + 1]) << 24 | Int(buffer[start + 2]) << 16
            | Int(buffer[start + 3]) << 8 | Int(buffer[start + 4])
        if len > ShimFrameType.maxPayload {
            throw WharfError.internalError("shim protocol: frame of \(len) bytes is too large")
        }
        guard avail >= 5 + len else { compact(); return nil }
        let type = buffer[start]
        let payload = buffer[(start + 5)..<(start + 5 + len)]
        start += 5 + len
        return (type, payload)
    }

    private mutating func compact() {
        if start > 0 {
            buffer.removeFirst(start)
            start = 0
        }
    }
}

struct ByteReader {
    var bytes: ArraySlice<UInt8>
    init(_ b: ArraySlice<UInt8>) { bytes = b }

    mutating func u8() throws -> UInt8 {
        guard let b = bytes.first else { throw short() }
        bytes = bytes.dropFirst()
        return b
    }

    mutating func u16() throws -> UInt16 {
        UInt16(try u8()) << 8 | UInt16(try u8())
    }

    mutating func u32() throws -> UInt32 {
        var v: UInt32 = 0
        for _ in 0..<4 { v = v << 8 | UInt32(try u8()) }
        return v
    }

    mutating func string() throws -> String {
        let n = Int(try u32())
        guard bytes.count >= n else { throw short() }
        let s = String(decoding: bytes.prefix(n), as: UTF8.self)
        bytes = bytes.dropFirst(n)
        return s
    }

    mutating func string16() throws -> String {
        let n = Int(try u16())
        guard bytes.count >= n else { throw short() }
        let s = String(decoding: bytes.prefix(n), as: UTF8.self)
        bytes = bytes.dropFirst(n)
        return s
    }

    mutating func exitInfo() throws -> ExitInfo {
        let code = Int32(bitPattern: try u32())
        let oom = try u8() != 0
        let at = try string()
        let err = try u8() != 0 ? try string() : nil
        return ExitInfo(exitCode: code, finishedAt: at, oomKilled: oom, error: err)
    }

    func short() -> WharfError {
        WharfError.internalError("shim protocol: truncated frame")
    }
}
