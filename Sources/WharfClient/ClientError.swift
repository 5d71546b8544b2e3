/// An error answer of the daemon: the status and the `message` of its JSON body. Printed the
/// way the docker CLI prints it.
public struct APIError: Error, Sendable, CustomStringConvertible, Equatable {
    public var status: Int
    public var message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { "Error response from daemon: " + message }
}

/// Failures on the client's side: no daemon, a broken connection, a malformed answer.
public enum ClientError: Error, Sendable, CustomStringConvertible, Equatable {
    case cannotConnect(String)
    case invalidHost(String)
    case connection(String)
    case protocolError(String)
    case upgradeFailed(Int)

    public var description: String {
        switch self {
        case .cannotConnect(let h): return "Cannot connect to the Wharf daemon at \(h). Is the wharf daemon running?"
        case .invalidHost(let h): return "unable to parse docker host `\(h)`"
        case .connection(let m): return "error during connect: \(m)"
        case .protocolError(let m): return "malformed response from daemon: \(m)"
        case .upgradeFailed(let s): return "unable to upgrade to tcp, received \(s)"
        }
    }
}
