import WharfClient

/// Errors the CLI reports itself; the exit status goes with them.
public enum CLIError: Error, CustomStringConvertible, Equatable {
    /// Printed as is, exit 1.
    case message(String)
    /// Printed as is with this status.
    case status(String, Int32)
    /// Nothing more to print; exit with this status (the container's code, or 1 after errors already printed).
    case exit(Int32)

    public var description: String {
        switch self {
        case .message(let m), .status(let m, _): return m
        case .exit(let c): return "exit status \(c)"
        }
    }
}

/// What any error becomes on stderr: daemon errors as docker prints them.
func describe(_ error: any Error) -> String {
    if let e = error as? APIError { return e.description }
    if let e = error as? ClientError { return e.description }
    if let e = error as? CLIError { return e.description }
    return "\(error)"
}
