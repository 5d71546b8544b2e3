import Engine
import FoundationEssentials
import NIOHTTP1
import WharfAPI
import WharfCore

extension Router {
    /// `POST /build` (the classic builder) and `POST /build/prune`.
    func routeBuild(_ r: APIRequest, _ segs: [String], _ out: Responder) async throws -> Bool {
        guard let builds else { throw WharfError(.notImplemented, "this daemon has no builder") }
        if segs.count == 2 && segs[1] == "prune" && r.method == "POST" {
            let (deleted, reclaimed) = try await builds.pruneCache(all: r.query.bool("all"))
            out.json(BuildCachePruneResponse(CachesDeleted: deleted.isEmpty ? nil : deleted, SpaceReclaimed: reclaimed))
            return true
        }
        guard segs.count == 1 && r.method == "POST" else { return false }
        if let remote = r.query["remote"], !remote.isEmpty {
            throw WharfError(.notImplemented, "building from a remote context (\(remote)) is not supported: send the context as a tar")
        }
        guard case .file(let path) = r.body else { throw WharfError.invalid("build needs a context tar as the body") }
        var o = BuildOptions()
        if let d = r.query["dockerfile"], !d.isEmpty { o.dockerfile = d }
        o.tags = r.query.all("t").filter { !$0.isEmpty }
        o.quiet = r.query.bool("q")
        o.noCache = r.query.bool("nocache")
        o.remove = r.query["rm"].map { Query.isTrue($0) } ?? true
        o.forceRemove = r.query.bool("forcerm")
        o.pull = r.query.bool("pull")
        o.target = r.query["target"].flatMap { $0.isEmpty ? nil : $0 }
        o.networkMode = r.query["networkmode"].flatMap { $0.isEmpty || $0 == "default" ? nil : $0 }
        o.platform = r.query["platform"].flatMap { $0.isEmpty ? nil : $0 }
        o.shmSize = Int64(r.query["shmsize"] ?? "") ?? 0
        o.memory = Int64(r.query["memory"] ?? "") ?? 0
        o.authHeader = r.header("X-Registry-Auth")
        func jsonMap<T: Decodable>(_ key: String, _ type: T.Type) throws -> T? {
            guard let text = r.query[key], !text.isEmpty else { return nil }
            do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
                throw WharfError.invalid("invalid \(key): \(text)")
            }
        }
        o.buildArgs = try jsonMap("buildargs", [String: String?].self) ?? [:]
        o.labels = try jsonMap("labels", [String: String].self) ?? [:]
        if let hosts = r.query["extrahosts"], !hosts.isEmpty { o.extraHosts = hosts.split(separator: ",").map(String.init) }
        let options = o
        try await progressStream(out) { begin, progress in
            _ = try await builds.build(contextTar: path, options: options, begin: begin, output: progress)
        }
        return true
    }
}

public struct BuildCachePruneResponse: Encodable, Sendable {
    public var CachesDeleted: [String]?
    public var SpaceReclaimed: Int64
}
