import Engine
import NIOHTTP1
import WharfAPI
import WharfCore

extension Router {
    /// `/volumes/...`. Returns false when no route matched.
    func routeVolumes(_ r: APIRequest, _ segs: [String], _ out: Responder) async throws -> Bool {
        switch (r.method, segs.count) {
        case ("GET", 1):
            out.json(try await volumes.list(filters: try Filters(query: r.query["filters"])))
        case ("POST", 2) where segs[1] == "create":
            out.json(try await volumes.create(try decodeBody(VolumeCreateRequest.self, r, emptyAllowed: true)), status: .created)
        case ("POST", 2) where segs[1] == "prune":
            out.json(try await volumes.prune(filters: try Filters(query: r.query["filters"])))
        case ("GET", 2):
            out.json(try await volumes.inspect(segs[1]))
        case ("DELETE", 2):
            try await volumes.remove(segs[1], force: r.query.bool("force"))
            out.empty()
        default:
            return false
        }
        return true
    }
}
