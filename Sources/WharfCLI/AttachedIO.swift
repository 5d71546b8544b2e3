#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import WharfAPI
import WharfClient

/// Copies between the terminal and a hijacked attach/exec stream, as docker's
/// `hijackedIOStreamer` does: stdin → socket on a thread (half-close at EOF, or at once when
/// there is no stdin), socket → stdout/stderr on the calling thread (demultiplexed unless TTY).
struct AttachedIO {
    var stream: HijackedStream
    var tty: Bool
    var sendStdin: Bool
    /// Streams not attached are dropped, as docker does.
    var stdout = true
    var stderr = true
    /// ctrl-p ctrl-q, scanned in TTY mode like docker's escape proxy.
    var detachKeys: [UInt8] = [16, 17]

    /// Returns when the daemon closes the stream; true if the user detached.
    func run() -> Bool {
        let detached = Locked(false)
        if sendStdin {
            let stream = self.stream
            let tty = self.tty
            let keys = detachKeys
            spawnThread {
                var buf = [UInt8](repeating: 0, count: 32768)
                var held: [UInt8] = []
                while true {
                    let n = buf.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 {
                        if !tty { stream.closeWrite() }
                        return
                    }
                    var out: [UInt8] = []
                    if tty && !keys.isEmpty {
                        for b in buf[0..<n] {
                            if b == keys[held.count] {
                                held.append(b)
                                if held.count == keys.count {
                                    detached.withValue { $0 = true }
                                    if !out.isEmpty { try? stream.write(out) }
                                    stream.shutdown()
                                    return
                                }
                            } else {
                                out += held
                                held = []
                                if b == keys[0] { held.append(b) } else { out.append(b) }
                            }
                        }
                    } else {
                        out = Array(buf[0..<n])
                    }
                    if !out.isEmpty {
                        do { try stream.write(out) } catch { return }
                    }
                }
            }
        } else {
            stream.closeWrite()
        }
        var demux = StreamDemuxer()
        while true {
            guard let piece = try? stream.read() else { break }
            if tty {
                if stdout || stderr { Output.write(1, piece) }
            } else {
                for (which, payload) in demux.feed(piece) {
                    if which == .stderr {
                        if stderr { Output.write(2, payload) }
                    } else if stdout {
                        Output.write(1, payload)
                    }
                }
            }
        }
        return detached.current
    }
}
