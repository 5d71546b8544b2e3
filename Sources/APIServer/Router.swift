import Engine
import Logging
import NIOHTTP1
import WharfAPI
import WharfCore

/// Version middleware, route table and error handling. Handlers (Routes+*.swift) are thin:
/// they turn path, query and body into options, call one backend method and encode.
public final class Router: Sendable {
    let containers: any ContainerBackend
    let images: any ImageBackend
    let system: any SystemBackend
    let execs: any ExecBackend
    let volumes: any VolumeBackend
    let builds: (any BuildBackend)?
    let logger: Logger

    public init(containers: any ContainerBackend, images: any ImageBackend, system: any SystemBackend,
                execs: any ExecBackend, volumes: any VolumeBackend, builds: (any BuildBackend)? = nil, logger: Logger) {
        self.builds = builds
        self.containers = containers
        self.images = images
        self.system = system
        self.execs = execs
        self.volumes = volumes
        self.logger = logger
    }

    func handle(head: HTTPRequestHead, body: RequestBody, responder: Responder, hijacker: Hijacker) async {
        let uri = head.uri
        logger.debug("\(head.method.rawValue) \(uri)")
        let parts = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        var path = String(parts[0])
        var version = APIVersion.current
        // Optional `/vX.Y` prefix; versions outside the supported range get Docker's 400.
        if path.hasPrefix("/v"), let slash = path.dropFirst(2).firstIndex(of: "/") {
            let vs = path[path.index(path.startIndex, offsetBy: 2)..<slash]
            if !vs.isEmpty, vs.allSatisfy({ $0.isNumber || $0 == "." }) {
                guard let v = APIVersion(vs) else {
                    responder.error(WharfError.invalid("invalid API version \(vs)"))
                    return
                }
                if v < APIVersion.minimum {
                    responder.error(WharfError.invalid("client version \(vs) is too old. Minimum supported API version is \(APIVersion.minimum), please upgrade your client to a newer version"))
                    return
                }
                if v > APIVersion.current {
                    responder.error(WharfError.invalid("client version \(vs) is too new. Maximum supported API version is \(APIVersion.current)"))
                    return
                }
                version = v
                path = String(path[slash...])
            }
        }
        let headers = head.headers.map { ($0.name, $0.value) }
        let request = APIRequest(method: head.method.rawValue, path: path, version: version,
                                 query: Query(parts.count > 1 ? parts[1] : nil), headers: headers, body: body)
        do {
            try await route(request, responder, hijacker)
        } catch {
            let e = WharfError.from(error)
            if e.code == .internalError {
                logger.error("\(request.method) \(request.path): \(e.message)")
            } else {
                logger.debug("\(request.method) \(request.path): \(e.message)")
            }
            responder.error(e)
        }
    }

    private func route(_ r: APIRequest, _ out: Responder, _ hijacker: Hijacker) async throws {
        let segs = r.path.split(separator: "/", omittingEmptySubsequences: true).map { Query.decodePath($0) }
        let m = r.method
        switch (m, segs.first ?? "") {
        case ("GET", "_ping"), ("HEAD", "_ping"):
            return ping(r, out)
        case ("GET", "version") where segs.count == 1:
            return out.json(await system.version())
        case ("GET", "info") where segs.count == 1:
            return out.json(await system.info())
        case ("POST", "auth") where segs.count == 1:
            return out.json(try await system.login(try decodeBody(AuthRequest.self, r)))
        case ("GET", "system") where segs.count == 2 && segs[1] == "df":
            return out.json(try await system.diskUsage())
        case ("GET", "events") where segs.count == 1:
            return try await events(r, out)
        case ("POST", "commit") where segs.count == 1:
            guard let container = r.query["container"], !container.isEmpty else {
                throw WharfError.invalid("container is required")
            }
            let id = try await containers.commit(
                container, repo: r.query["repo"], tag: r.query["tag"], comment: r.query["comment"],
                author: r.query["author"], changes: r.query.all("changes"),
                pause: r.query["pause"].map { Query.isTrue($0) } ?? true)
            return out.json(IDResponse(Id: id), status: .created)
        case (_, "containers"):
            if try await routeContainers(r, segs, out, hijacker) { return }
        case (_, "images"):
            if try await routeImages(r, segs, out) { return }
        case (_, "exec"):
            if try await routeExec(r, segs, out, hijacker) { return }
        case (_, "volumes"):
            if try await routeVolumes(r, segs, out) { return }
        case (_, "build"):
            if try await routeBuild(r, segs, out) { return }
        default:
            break
        }
        throw WharfError.notFound("page not found")
    }

    private func ping(_ r: APIRequest, _ out: Responder) {
        let headers = [
            ("Content-Type", "text/plain; charset=utf-8"),
            ("Cache-Control", "no-cache, no-store, must-revalidate"),
            ("Pragma", "no-cache"),
            ("Builder-Version", "1"),
            ("Swarm", "inactive"),
        ]
        out.send(status: .ok, headers: headers + (r.method == "HEAD" ? [("Content-Length", "0")] : []),
                 body: r.method == "HEAD" ? nil : Array("OK".utf8))
    }

    /// Decodes a JSON body; an empty body decodes as `{}` where the endpoint allows it.
    func decodeBody<T: Decodable>(_ type: T.Type, _ r: APIRequest, emptyAllowed: Bool = false) throws -> T {
        var bytes = r.body.bytes
        if bytes.allSatisfy({ $0 == 32 || $0 == 10 || $0 == 13 || $0 == 9 }) {
            guard emptyAllowed else { throw WharfError.invalid("invalid JSON: request body is empty") }
            bytes = Array("{}".utf8)
        }
        do {
            return try APIJSON.decode(type, from: bytes)
        } catch let e as DecodingError {
            throw WharfError.invalid("invalid JSON: \(Router.describe(e))")
        }
    }

    static func describe(_ e: DecodingError) -> String {
        switch e {
        case .dataCorrupted(let c): return c.debugDescription
        case .keyNotFound(let k, _): return "missing field \(k.stringValue)"
        case .typeMismatch(let t, let c):
            return "cannot unmarshal into field \(c.codingPath.map { $0.stringValue }.joined(separator: ".")) of type \(t)"
        case .valueNotFound(let t, let c):
            return "missing value of type \(t) for \(c.codingPath.map { $0.stringValue }.joined(separator: "."))"
        @unknown default: return "\(e)"
        }
    }
}
