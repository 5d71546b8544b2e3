/// Docker's stdout/stderr multiplexing (moby `pkg/stdcopy`): an 8-byte header
/// `[stream, 0, 0, 0, size_be32]` before each payload, used on attach, exec and logs
/// whenever the container has no TTY.
public enum StdStream: UInt8, Sendable {
    case stdin = 0
    case stdout = 1
    case stderr = 2
}

public enum StreamFraming {
    public static func frame(_ stream: StdStream, _ payload: some Collection<UInt8>) -> [UInt8] {
        let n = UInt32(payload.count)
        var out: [UInt8] = [stream.rawValue, 0, 0, 0, UInt8(n >> 24), UInt8((n >> 16) & 0xff), UInt8((n >> 8) & 0xff), UInt8(n & 0xff)]
        out.reserveCapacity(8 + payload.count)
        out.append(contentsOf: payload)
        return out
    }
}

/// Incremental demultiplexer: feed bytes as they arrive, get whole frames out.
public struct StreamDemuxer: Sendable {
    private var buffer: [UInt8] = []
    public init() {}

    public mutating func feed(_ bytes: some Collection<UInt8>) -> [(StdStream, [UInt8])] {
        buffer.append(contentsOf: bytes)
        var out: [(StdStream, [UInt8])] = []
        var pos = 0
        while buffer.count - pos >= 8 {
            let size = Int(buffer[pos + 4]) << 24 | Int(buffer[pos + 5]) << 16 | Int(buffer[pos + 6]) << 8 | Int(buffer[pos + 7])
            guard buffer.count - pos >= 8 + size else { break }
            let stream = StdStream(rawValue: buffer[pos]) ?? .stdout
            out.append((stream, Array(buffer[(pos + 8)..<(pos + 8 + size)])))
            pos += 8 + size
        }
        if pos > 0 { buffer.removeFirst(pos) }
        return out
    }
}
