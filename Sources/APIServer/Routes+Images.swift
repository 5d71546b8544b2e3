import Engine
import Synchronization
import NIOHTTP1
import WharfAPI
import WharfCore

extension Router {
    /// `/images/...`. Image names contain slashes and colons, so the name is everything
    /// between `/images/` and the action.
    func routeImages(_ r: APIRequest, _ segs: [String], _ out: Responder) async throws -> Bool {
        let m = r.method
        if segs.count == 2 && m == "POST" && segs[1] == "create" {
            try await create(r, out)
            return true
        }
        if segs.count == 2 && m == "POST" && segs[1] == "prune" {
            out.json(try await images.prune(filters: try Filters(query: r.query["filters"])))
            return true
        }
        if segs.count == 2 && m == "GET" && segs[1] == "get" {
            try await save(r.query.all("names"), out)
            return true
        }
        if segs.count == 2 && m == "POST" && segs[1] == "load" {
            guard case .file(let path) = r.body else { throw WharfError.invalid("load needs a tar body") }
            let quiet = r.query.bool("quiet")
            try await progressStream(out) { begin, progress in
                let lines = try await self.images.load(tarPath: path, quiet: quiet, progress: progress)
                for l in lines { progress(JSONMessage(stream: l + "\n")) }
            }
            return true
        }
        if segs.count == 2 && m == "GET" && segs[1] == "json" {
            let filters = try Filters(query: r.query["filters"])
            out.json(try await images.list(all: r.query.bool("all"), filters: filters, sharedSize: r.query.bool("shared-size")))
            return true
        }
        guard segs.count >= 2 else { return false }
        if m == "DELETE" {
            let name = segs[1...].joined(separator: "/")
            out.json(try await images.remove(name, force: r.query.bool("force"), noPrune: r.query.bool("noprune")))
            return true
        }
        guard segs.count >= 3 else { return false }
        let name = segs[1..<(segs.count - 1)].joined(separator: "/")
        switch (m, segs.last!) {
        case ("GET", "json"):
            out.json(try await images.inspect(name))
        case ("GET", "history"):
            out.json(try await images.history(name))
        case ("GET", "get"):
            try await save([name], out)
        case ("POST", "push"):
            try await progressStream(out) { begin, progress in
                try await self.images.push(name: name, tag: r.query["tag"], authHeader: r.header("X-Registry-Auth"),
                                           begin: begin, progress: progress)
            }
        case ("POST", "tag"):
            guard let repo = r.query["repo"], !repo.isEmpty else {
                throw WharfError.invalid("repository name must have at least one component")
            }
            try await images.tag(name, repo: repo, tag: r.query["tag"])
            out.send(status: .created, body: nil)
        default:
            return false
        }
        return true
    }

    /// `POST /images/create`: `fromSrc=-` imports the body; `fromImage` pulls.
    private func create(_ r: APIRequest, _ out: Responder) async throws {
        if let src = r.query["fromSrc"] {
            var o = ImportOptions()
            o.changes = r.query.all("changes")
            o.message = r.query["message"]
            var repo = r.query["repo"] ?? ""
            if let tag = r.query["tag"], !tag.isEmpty, !repo.isEmpty { repo += ":" + tag }
            o.reference = repo.isEmpty ? nil : repo
            // Errors before any progress are plain HTTP errors; the id is one status line.
            let id: String
            if src == "-" {
                guard case .file(let path) = r.body else { throw WharfError.invalid("import needs a tar body") }
                id = try await images.importImage(bodyPath: path, options: o)
            } else {
                id = try await images.importImage(url: src, options: o)
            }
            out.startStream(contentType: "application/json")
            var line = APIJSON.line(JSONMessage(status: id))
            line.insert(13, at: line.count - 1)
            out.writeChunk(line)
            out.endStream()
            return
        }
        if let image = r.query["fromImage"] {
            try await progressStream(out) { begin, progress in
                try await self.images.pull(image: image, tag: r.query["tag"], platform: r.query["platform"],
                                           authHeader: r.header("X-Registry-Auth"), begin: begin, progress: progress)
            }
            return
        }
        throw WharfError.invalid("either fromSrc or fromImage must be given")
    }

    private func save(_ names: [String], _ out: Responder) async throws {
        guard !names.isEmpty else { throw WharfError.invalid("no images to save: give names=…") }
        try await images.save(names: names) {
            let sink = ResponderSink(responder: out)
            sink.tty = true
            out.startStream(contentType: "application/x-tar")
            return sink
        }
    }

    /// A progress stream (pull, push, load): JSON lines ending in CRLF, as Docker writes
    /// them. An error before the first line is an HTTP error; after it, an `errorDetail` line.
    func progressStream(_ out: Responder,
                        _ body: @escaping (@escaping @Sendable () -> Void, @escaping @Sendable (JSONMessage) -> Void) async throws -> Void) async throws {
        let started = StreamStarted()
        let begin: @Sendable () -> Void = {
            if started.flag.withLock({ f in defer { f = true }; return !f }) {
                out.startStream(contentType: "application/json")
            }
        }
        let progress: @Sendable (JSONMessage) -> Void = { msg in
            begin()
            var line = APIJSON.line(msg)
            line.insert(13, at: line.count - 1)
            out.writeChunk(line)
        }
        do {
            try await body(begin, progress)
        } catch {
            guard started.flag.withLock({ $0 }) else { throw error }
            var m = JSONMessage(error: (error as? CodedFailure)?.message ?? WharfError.from(error).message)
            m.errorDetail?.code = (error as? CodedFailure)?.exitCode
            progress(m)
        }
        out.endStream()
    }
}

final class StreamStarted: Sendable {
    let flag = Mutex(false)
}
