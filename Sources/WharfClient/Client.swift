import WharfAPI

/// What `/_ping` reported.
public struct PingInfo: Sendable {
    public var apiVersion: String?
    public var osType: String?
    public var experimental: Bool
    public var builderVersion: String?
    public var swarm: String?
}

/// A blocking HTTP/1.1 client for the Engine API, as the docker CLI behaves: one
/// `HEAD /_ping` first, version negotiation (`min(server, 1.50)`, 1.24 when the header is
/// missing), `/v{version}/` prefixes, keep-alive reuse, a fresh connection for each hijack.
///
/// Thread-safe: the CLI waits on one connection while it starts the container on another.
public final class Client: @unchecked Sendable {
    public let host: DockerHost
    public var userAgent = "Wharf-Client/\(WharfVersion.version) (linux)"
    /// The highest version this client speaks.
    public let maxVersion: APIVersion
    /// A version the user pinned (`DOCKER_API_VERSION`); negotiation is then skipped.
    public let pinnedVersion: APIVersion?

    private let lock = Lock()
    private var idle: [HTTPConnection] = []
    private var negotiated: APIVersion?
    private var pingInfo: PingInfo?

    public init(host: DockerHost, maxVersion: APIVersion = .current, pinnedVersion: APIVersion? = nil) {
        self.host = host
        self.maxVersion = maxVersion
        self.pinnedVersion = pinnedVersion
    }

    /// The negotiated API version (pings on first use).
    public func version() throws -> APIVersion {
        if let v = lock.withLock({ negotiated }) { return v }
        let info = try ping()
        var v: APIVersion
        if let pinned = pinnedVersion {
            v = pinned
        } else if let s = info.apiVersion, let server = APIVersion(s) {
            v = min(server, maxVersion)
        } else {
            v = APIVersion(1, 24)
        }
        lock.withLock { negotiated = v }
        return v
    }

    /// The last ping's answer, pinging if there was none.
    public func pingResult() throws -> PingInfo {
        if let p = lock.withLock({ pingInfo }) { return p }
        return try ping()
    }

    /// `HEAD /_ping`, then `GET /_ping` when the HEAD was refused (as docker does).
    @discardableResult
    public func ping() throws -> PingInfo {
        var resp = try perform(method: "HEAD", target: "/_ping", body: .none, extraHeaders: [])
        if resp.status != 200 && resp.status != 500 {
            resp = try perform(method: "GET", target: "/_ping", body: .none, extraHeaders: [])
            _ = try resp.readAll()
        }
        let h = resp.head
        let info = PingInfo(apiVersion: h.header("Api-Version"), osType: h.header("Ostype"),
                            experimental: h.header("Docker-Experimental") == "true",
                            builderVersion: h.header("Builder-Version"), swarm: h.header("Swarm"))
        lock.withLock { pingInfo = info }
        return info
    }

    /// `/v1.50` + path + `?query`.
    public func target(_ path: String, _ query: Query = Query()) throws -> String {
        var t = "/v\(try version())" + path
        if !query.isEmpty { t += "?" + query.encoded }
        return t
    }

    /// Sends a request and returns the response once its head has arrived, whatever the
    /// status. Read or close the body.
    public func open(_ method: String, _ path: String, query: Query = Query(), body: RequestBody = .none,
                     headers: [(String, String)] = []) throws -> HTTPResponse {
        try perform(method: method, target: try target(path, query), body: body, extraHeaders: headers)
    }

    /// Like `open`, but a status of 400 or more becomes an `APIError` thrown.
    public func send(_ method: String, _ path: String, query: Query = Query(), body: RequestBody = .none,
                     headers: [(String, String)] = []) throws -> HTTPResponse {
        let resp = try open(method, path, query: query, body: body, headers: headers)
        if resp.status >= 400 { throw try apiError(resp, target: try target(path, query)) }
        return resp
    }

    /// The whole body of a successful response.
    public func data(_ method: String, _ path: String, query: Query = Query(), body: RequestBody = .none,
                     headers: [(String, String)] = []) throws -> [UInt8] {
        try send(method, path, query: query, body: body, headers: headers).readAll()
    }

    /// A successful response's body parsed as JSON (`null` when empty).
    public func json(_ method: String, _ path: String, query: Query = Query(), body: RequestBody = .none) throws -> JSON {
        let bytes = try data(method, path, query: query, body: body)
        if bytes.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 }) { return .null }
        return try JSON(parsing: bytes)
    }

    /// A successful response's body decoded into a WharfAPI type.
    public func decode<T: Decodable>(_ type: T.Type, _ method: String, _ path: String, query: Query = Query(),
                                     body: RequestBody = .none) throws -> T {
        try APIJSON.decode(type, from: try data(method, path, query: query, body: body))
    }

    /// Turns an error response into an `APIError` the way docker's `checkResponseErr` does.
    public func apiError(_ resp: HTTPResponse, target: String) throws -> APIError {
        let body = (try? resp.readAll()) ?? []
        var message: String
        if body.isEmpty {
            message = "request returned \(resp.status) \(resp.head.reason) for API route and version \(target), check if the server supports the requested API version"
        } else if resp.header("Content-Type") == "application/json",
                  let j = try? JSON(parsing: body), let m = j["message"]?.string {
            message = m
        } else {
            message = String(decoding: body, as: UTF8.self)
            while message.hasSuffix("\n") { message.removeLast() }
        }
        return APIError(status: resp.status, message: message)
    }

    // MARK: connections

    func acquire() throws -> (HTTPConnection, reused: Bool) {
        if let c = lock.withLock({ idle.popLast() }) { return (c, true) }
        return (HTTPConnection(fd: try Socket.connect(to: host)), false)
    }

    func release(_ c: HTTPConnection) {
        lock.withLock {
            if idle.count < 4 { idle.append(c) } else { c.closeNow() }
        }
    }

    /// Closes the idle connections.
    public func closeIdle() {
        let conns = lock.withLock { () -> [HTTPConnection] in
            let c = idle
            idle = []
            return c
        }
        for c in conns { c.closeNow() }
    }

    func requestHead(method: String, target: String, body: RequestBody, extraHeaders: [(String, String)]) -> [UInt8] {
        var h = "\(method) \(target) HTTP/1.1\r\nHost: api.moby.localhost\r\nUser-Agent: \(userAgent)\r\n"
        switch body {
        case .none:
            if method == "POST" || method == "PUT" { h += "Content-Length: 0\r\n" }
        case .json(let b):
            h += "Content-Length: \(b.count)\r\nContent-Type: application/json\r\n"
        case .bytes(let b, let ct):
            h += "Content-Length: \(b.count)\r\nContent-Type: \(ct)\r\n"
        case .stream(let ct, _):
            h += "Content-Type: \(ct)\r\nTransfer-Encoding: chunked\r\n"
        }
        for (k, v) in extraHeaders { h += "\(k): \(v)\r\n" }
        h += "\r\n"
        return Array(h.utf8)
    }

    func writeBody(_ body: RequestBody, to c: HTTPConnection) throws {
        switch body {
        case .none: break
        case .json(let b), .bytes(let b, _): try c.write(b)
        case .stream(_, let next):
            while let piece = try next() {
                if piece.isEmpty { continue }
                try c.write(Array(String(piece.count, radix: 16).utf8) + [13, 10] + piece + [13, 10])
            }
            try c.write(Array("0\r\n\r\n".utf8))
        }
    }

    func perform(method: String, target: String, body: RequestBody, extraHeaders: [(String, String)]) throws -> HTTPResponse {
        let head = requestHead(method: method, target: target, body: body, extraHeaders: extraHeaders)
        var attempt = 0
        while true {
            attempt += 1
            let (c, reused) = try acquire()
            do {
                switch body {
                case .json(let b), .bytes(let b, _):
                    try c.write(head + b)
                default:
                    try c.write(head)
                    try writeBody(body, to: c)
                }
                let respHead = try c.readHead()
                return HTTPResponse(head: respHead, connection: c, isHead: method == "HEAD") { [weak self] conn in
                    self?.release(conn)
                }
            } catch let e as ClientError {
                c.closeNow()
                // A kept-alive connection the server closed while idle: dial again once.
                var retryable = reused && !c.sawResponseBytes && attempt == 1
                if case .stream = body { retryable = false }
                if retryable { continue }
                throw e
            }
        }
    }
}
