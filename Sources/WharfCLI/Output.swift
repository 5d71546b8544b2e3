#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Unbuffered writes to stdout and stderr (fd 1 and 2), with a buffered variant for tables.
public enum Output {
    public static func write(_ fd: Int32, _ bytes: [UInt8]) {
        var off = 0
        bytes.withUnsafeBytes { raw in
            while off < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + off, raw.count - off)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                off += n
            }
        }
    }

    public static func out(_ s: String) { write(1, Array(s.utf8)) }
    public static func err(_ s: String) { write(2, Array(s.utf8)) }
    /// A line to stdout.
    public static func line(_ s: String) { out(s + "\n") }
    /// A line to stderr.
    public static func errLine(_ s: String) { err(s + "\n") }

    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) == 1 }
}

/// Collects text and writes it once: tables print in one write.
struct TextBuffer {
    var bytes: [UInt8] = []
    mutating func add(_ s: String) { bytes.append(contentsOf: s.utf8) }
    mutating func line(_ s: String) { add(s); bytes.append(10) }
    func flush(_ fd: Int32 = 1) { Output.write(fd, bytes) }
}
