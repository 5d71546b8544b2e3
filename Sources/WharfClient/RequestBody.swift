/// What a request carries.
public enum RequestBody: Sendable {
    /// No body: `Content-Length: 0` on POST and PUT, nothing on GET, HEAD and DELETE.
    case none
    /// `Content-Type: application/json`; the bytes should end in `\n` as Go's encoder writes.
    case json([UInt8])
    case bytes([UInt8], contentType: String)
    /// Sent chunked: `next` returns pieces until nil (import and load bodies, stdin uploads).
    case stream(contentType: String, next: @Sendable () throws -> [UInt8]?)

    public static func json(_ value: JSON) -> RequestBody { .json(value.line) }
}
