import NIOHTTP1
import WharfCore

/// The one place that turns an error code into an HTTP status (moby `httpstatus.FromError`).
enum ErrorMapping {
    static func status(for code: WharfError.Code) -> HTTPResponseStatus {
        switch code {
        case .notFound: return .notFound
        case .invalidArgument: return .badRequest
        case .conflict: return .conflict
        case .forbidden: return .forbidden
        case .notModified: return .notModified
        case .notImplemented: return .notImplemented
        case .unauthorized: return .unauthorized
        case .unavailable: return .serviceUnavailable
        case .internalError: return .internalServerError
        }
    }
}
