/// The one error type of Wharf. Every layer throws it; APIServer maps `code` to an HTTP
/// status in exactly one place, and `message` is what Docker clients print, so it keeps
/// Docker's wording ("No such container: x").
public struct WharfError: Error, Sendable, CustomStringConvertible, Equatable {
    public enum Code: String, Sendable, Equatable {
        case notFound          // 404
        case invalidArgument   // 400
        case conflict          // 409
        case forbidden         // 403
        case notModified       // 304
        case notImplemented    // 501
        case unauthorized      // 401
        case unavailable       // 503
        case internalError     // 500
    }

    public var code: Code
    public var message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }

    public static func notFound(_ m: String) -> WharfError { .init(.notFound, m) }
    public static func invalid(_ m: String) -> WharfError { .init(.invalidArgument, m) }
    public static func conflict(_ m: String) -> WharfError { .init(.conflict, m) }
    public static func internalError(_ m: String) -> WharfError { .init(.internalError, m) }

    /// Wraps any error into a WharfError, keeping the code of one that already is.
    public static func from(_ error: any Error) -> WharfError {
        if let w = error as? WharfError { return w }
        return .init(.internalError, "\(error)")
    }
}

/// An errno turned into a readable message, as Go prints `*PathError`.
public func errnoMessage(_ op: String, _ path: String, _ err: Int32) -> String {
    "\(op) \(path): \(errnoText(err))"
}

/// strerror as Go spells it: "no such file or directory", lower case.
public func errnoText(_ err: Int32) -> String {
    let s = String(cString: strerror(err))
    guard let first = s.first else { return s }
    return first.lowercased() + s.dropFirst()
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
