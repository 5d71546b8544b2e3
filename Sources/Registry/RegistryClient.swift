import AsyncHTTPClient
import FoundationEssentials
import NIOCore
import NIOHTTP1
import OCI
import Synchronization
import WharfCore

/// A client of one registry for one repository (the OCI distribution spec): manifests and
/// blobs, anonymous, basic or bearer-token auth answering the registry's challenge,
/// retries with back-off on 5xx and connection resets.
public final class RegistryClient: Sendable {
    public let host: String
    public let repository: String
    let baseURL: String
    let http: HTTPClient
    let credentials: RegistryCredentials?
    /// The Authorization header that worked last (a token, or Basic).
    let authorization = Mutex<String?>(nil)
    /// "pull" or "pull,push".
    let actions: String

    /// `host` as in the reference (`docker.io` means Docker Hub's API host). Loopback hosts
    /// and `insecure` ones are spoken to in plain HTTP, as Docker does.
    public init(http: HTTPClient, host: String, repository: String, credentials: RegistryCredentials?,
                insecure: Bool = false, push: Bool = false) {
        self.http = http
        self.host = host
        self.repository = repository
        self.credentials = credentials
        self.actions = push ? "pull,push" : "pull"
        let apiHost = host == "docker.io" ? "registry-1.docker.io" : host
        let plain = insecure || Self.isLoopback(host)
        baseURL = (plain ? "http://" : "https://") + apiHost
    }

    /// The daemon's one HTTP client for registries, never shut down (it lives as long as the
    /// process). A refused connection fails at once (our own retries back off); redirects
    /// to blob storage are followed; a transfer that stalls for a minute fails.
    public static let sharedHTTP: HTTPClient = {
        var c = HTTPClient.Configuration()
        c.redirectConfiguration = .follow(max: 5, allowCycles: false)
        c.timeout = .init(connect: .seconds(15), read: .seconds(60))
        c.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: c)
    }()

    /// localhost, 127.0.0.0/8 and ::1 (with or without a port).
    public static func isLoopback(_ host: String) -> Bool {
        var h = Substring(host)
        if h.hasPrefix("[") { h = h.dropFirst().prefix { $0 != "]" } } else if let c = h.lastIndex(of: ":"), h.filter({ $0 == ":" }).count == 1 { h = h[..<c] }
        return h == "localhost" || h.hasPrefix("127.") || h == "::1"
    }

    // MARK: - requests

    struct Response {
        var status: HTTPResponseStatus
        var headers: HTTPHeaders
        var body: HTTPClientResponse.Body
    }

    /// Sends a request, answering a 401 challenge once, and retrying 5xx and connection
    /// errors with back-off (3 tries). `body` is made anew for each try.
    func send(_ method: HTTPMethod, _ path: String, headers: [(String, String)] = [],
              body: (@Sendable () throws -> HTTPClientRequest.Body)? = nil, timeout: TimeAmount = .seconds(600)) async throws -> Response {
        let url = path.hasPrefix("http://") || path.hasPrefix("https://") ? path : baseURL + path
        var attempt = 0
        var challenged = false
        while true {
            attempt += 1
            var req = HTTPClientRequest(url: url)
            req.method = method
            for (k, v) in headers { req.headers.add(name: k, value: v) }
            if let a = authorization.withLock({ $0 }) { req.headers.replaceOrAdd(name: "Authorization", value: a) }
            if let body { req.body = try body() }
            let resp: HTTPClientResponse
            do {
                resp = try await http.execute(req, timeout: timeout)
            } catch {
                if attempt < 3 {
                    try await Task.sleep(nanoseconds: UInt64(200_000_000 << (attempt - 1)))
                    continue
                }
                throw WharfError.internalError("\(method.rawValue.capitalized) \"\(url)\": \(Self.describe(error))")
            }
            if resp.status == .unauthorized && !challenged {
                challenged = true
                let header = resp.headers.first(name: "WWW-Authenticate") ?? ""
                _ = try? await resp.body.collect(upTo: 1 << 20)
                try await authenticate(AuthChallenge(header))
                continue
            }
            if resp.status.code >= 500 && attempt < 3 {
                _ = try? await resp.body.collect(upTo: 1 << 20)
                try await Task.sleep(nanoseconds: UInt64(200_000_000 << (attempt - 1)))
                continue
            }
            return Response(status: resp.status, headers: resp.headers, body: resp.body)
        }
    }

    /// Answers a challenge: Basic with the credentials, or a bearer token from the realm.
    func authenticate(_ challenge: AuthChallenge?) async throws {
        guard let challenge else { throw unauthorized() }
        switch challenge.scheme {
        case "basic":
            guard let b = credentials?.basic else { throw unauthorized() }
            authorization.withLock { $0 = b }
        case "bearer":
            if let t = credentials?.registrytoken, !t.isEmpty {
                authorization.withLock { $0 = "Bearer " + t }
                return
            }
            guard let realm = challenge.params["realm"] else { throw unauthorized() }
            var comps = URLComponents(string: realm)
            var items = comps?.queryItems ?? []
            if let s = challenge.params["service"] { items.append(URLQueryItem(name: "service", value: s)) }
            items.append(URLQueryItem(name: "scope", value: challenge.params["scope"] ?? "repository:\(repository):\(actions)"))
            comps?.queryItems = items
            guard let tokenURL = comps?.string else { throw unauthorized() }
            var req = HTTPClientRequest(url: tokenURL)
            if let b = credentials?.basic { req.headers.add(name: "Authorization", value: b) }
            let resp = try await http.execute(req, timeout: .seconds(30))
            let body = try await resp.body.collect(upTo: 1 << 20)
            guard resp.status == .ok else {
                throw WharfError(.unauthorized, "Get \"\(realm)\": unauthorized: incorrect username or password")
            }
            struct Token: Decodable { var token: String?; var access_token: String? }
            let t = try? JSONDecoder().decode(Token.self, from: Data(Array(buffer: body)))
            guard let token = t?.token ?? t?.access_token, !token.isEmpty else { throw unauthorized() }
            authorization.withLock { $0 = "Bearer " + token }
        default:
            throw unauthorized()
        }
    }

    func unauthorized() -> WharfError {
        WharfError(.unauthorized, "unauthorized: authentication required")
    }

    /// A transport error as Go's net package words it, where we can tell.
    public static func describe(_ error: any Error) -> String {
        let text = "\(error)"
        let lower = text.lowercased()
        if lower.contains("connection refused") { return "connect: connection refused" }
        if lower.contains("connecttimeout") || lower.contains("connect timeout") { return "dial tcp: i/o timeout" }
        if lower.contains("deadlineexceeded") || lower.contains("readtimeout") { return "net/http: timeout awaiting response headers" }
        return text
    }

    /// The registry's error text (`{"errors":[{"code","message"}]}`), for messages.
    static func errorText(_ body: ByteBuffer) -> String {
        struct Errors: Decodable {
            struct E: Decodable { var code: String?; var message: String? }
            var errors: [E]?
        }
        if let e = try? JSONDecoder().decode(Errors.self, from: Data(Array(buffer: body))), let first = e.errors?.first {
            let code = (first.code ?? "").lowercased().replacing("_", with: " ")
            return code + ": " + (first.message ?? "")
        }
        return trimWhitespace(String(buffer: body))
    }

    /// `GET /v2/` with the credentials (answering the challenge): what `docker login` checks.
    public func checkLogin() async throws {
        let r = try await send(.GET, "/v2/", timeout: .seconds(30))
        let body = try await r.body.collect(upTo: 1 << 20)
        switch r.status.code {
        case 200: return
        case 401: throw WharfError(.unauthorized, "Get \"\(baseURL)/v2/\": unauthorized: incorrect username or password")
        default: throw WharfError.internalError("login to \(host): \(r.status.code) \(Self.errorText(body))")
        }
    }
}
