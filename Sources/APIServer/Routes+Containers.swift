import Engine
import NIOHTTP1
import Synchronization
import WharfAPI
import WharfCore

extension Router {
    /// `/containers/...`. Returns false when no route matched.
    func routeContainers(_ r: APIRequest, _ segs: [String], _ out: Responder, _ hijacker: Hijacker) async throws -> Bool {
        let m = r.method
        if segs.count == 2 {
            switch (m, segs[1]) {
            case ("POST", "create"):
                let req = try decodeBody(ContainerCreateRequest.self, r)
                let name = r.query["name"].flatMap { $0.isEmpty ? nil : $0 }
                out.json(try await containers.create(name: name, request: req, apiVersion: r.version), status: .created)
                return true
            case ("POST", "prune"):
                out.json(try await containers.prune(filters: try Filters(query: r.query["filters"])))
                return true
            case ("GET", "json"):
                var o = ListContainersOptions()
                o.all = r.query.bool("all")
                o.limit = try r.query.int("limit")
                o.size = r.query.bool("size")
                o.filters = try Filters(query: r.query["filters"])
                out.json(try await containers.list(o))
                return true
            default:
                break
            }
            if m == "DELETE" {
                try await containers.remove(segs[1], force: r.query.bool("force"), removeVolumes: r.query.bool("v"))
                out.empty()
                return true
            }
            return false
        }
        guard segs.count == 3 else { return false }
        let id = segs[1]
        switch (m, segs[2]) {
        case ("GET", "json"):
            out.json(try await containers.inspect(id, size: r.query.bool("size")))
        case ("POST", "start"):
            try await containers.start(id)
            out.empty()
        case ("POST", "stop"):
            try await containers.stop(id, signal: r.query["signal"], timeout: try r.query.int("t"))
            out.empty()
        case ("POST", "restart"):
            try await containers.restart(id, signal: r.query["signal"], timeout: try r.query.int("t"))
            out.empty()
        case ("POST", "kill"):
            try await containers.kill(id, signal: r.query["signal"])
            out.empty()
        case ("POST", "wait"):
            try await wait(r, id, out)
        case ("POST", "attach"):
            try await attach(r, id, out, hijacker)
        case ("POST", "resize"):
            let h = try r.query.int("h") ?? 0
            let w = try r.query.int("w") ?? 0
            try await containers.resize(id, height: h, width: w)
            out.send(status: .ok, body: nil)
        case ("GET", "logs"):
            try await logs(r, id, out)
        case ("POST", "exec"):
            try await createExec(r, container: id, out)
        case ("POST", "pause"):
            try await containers.pause(id)
            out.empty()
        case ("POST", "unpause"):
            try await containers.unpause(id)
            out.empty()
        case ("POST", "rename"):
            guard let name = r.query["name"], !name.isEmpty else { throw WharfError.invalid("name cannot be empty") }
            try await containers.rename(id, to: name)
            out.empty()
        case ("HEAD", "archive"):
            let stat = try await containers.statArchivePath(id, path: try archivePath(r))
            out.send(status: .ok, headers: [("X-Docker-Container-Path-Stat", stat.headerValue),
                                            ("Content-Type", "application/json")], body: nil)
        case ("GET", "archive"):
            let path = try archivePath(r)
            try await containers.getArchive(id, path: path) { stat in
                let sink = ResponderSink(responder: out)
                sink.tty = true
                out.startStream(contentType: "application/x-tar", extraHeaders: [("X-Docker-Container-Path-Stat", stat.headerValue)])
                return sink
            }
        case ("PUT", "archive"):
            guard case .file(let tarPath) = r.body else { throw WharfError.invalid("archive upload needs a tar body") }
            try await containers.putArchive(id, path: try archivePath(r), tarPath: tarPath,
                                            noOverwriteDirNonDir: r.query.bool("noOverwriteDirNonDir"),
                                            copyUIDGID: r.query.bool("copyUIDGID"))
            out.send(status: .ok, body: nil)
        case ("GET", "export"):
            let sink = ResponderSink(responder: out)
            sink.tty = true
            out.startStream(contentType: "application/octet-stream")
            try await containers.export(id, sink: sink)
        case ("GET", "stats"):
            let stream = r.query["stream"].map { Query.isTrue($0) } ?? true
            if stream {
                // Docker sends stats without a Content-Type, one JSON and "\n" per chunk.
                out.startStream(contentType: nil)
                try await containers.stats(id, stream: true, oneShot: false) { s in
                    out.writeChunk(APIJSON.line(s))
                    return !out.isClosed
                }
                out.endStream()
            } else {
                let box = StatsBox()
                try await containers.stats(id, stream: false, oneShot: r.query.bool("one-shot")) { s in
                    box.value = s
                    return false
                }
                if let s = box.value { out.json(s) }
            }
        case ("POST", "update"):
            let warnings = try await containers.update(id, with: try decodeBody(HostConfig.self, r))
            out.json(UpdateResponse(Warnings: warnings.isEmpty ? nil : warnings))
        case ("GET", "changes"):
            out.json(try await containers.changes(id))
        case ("GET", "top"):
            out.json(try await containers.top(id, psArgs: r.query["ps_args"]))
        default:
            return false
        }
        return true
    }

    private func archivePath(_ r: APIRequest) throws -> String {
        guard let p = r.query["path"], !p.isEmpty else { throw WharfError.invalid("path is required") }
        return p
    }

    private func wait(_ r: APIRequest, _ id: String, _ out: Responder) async throws {
        let cond: WaitCondition
        switch r.query["condition"] ?? "" {
        case "", "not-running": cond = .notRunning
        case "next-exit": cond = .nextExit
        case "removed": cond = .removed
        case let other: throw WharfError.invalid("invalid condition: \"\(other)\"")
        }
        let waiter = try await containers.wait(id, condition: cond)
        // Headers first: the docker CLI sends /start only once it has them.
        out.startStream(contentType: "application/json")
        let result = await waiter.result()
        out.writeChunk(APIJSON.line(result))
        out.endStream()
    }

    private func attach(_ r: APIRequest, _ id: String, _ out: Responder, _ hijacker: Hijacker) async throws {
        var o = AttachOptions()
        o.stdin = r.query.bool("stdin")
        o.stdout = r.query.bool("stdout")
        o.stderr = r.query.bool("stderr")
        o.stream = r.query.bool("stream")
        o.logs = r.query.bool("logs")
        o.detachKeys = r.query["detachKeys"]
        let tty = try await containers.hasTTY(id)
        let contentType = (!tty && r.version >= APIVersion(1, 42))
            ? "application/vnd.docker.multiplexed-stream" : "application/vnd.docker.raw-stream"
        let head = r.wantsUpgrade
            ? "HTTP/1.1 101 UPGRADED\r\nContent-Type: \(contentType)\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n"
            : "HTTP/1.1 200 OK\r\nContent-Type: \(contentType)\r\n\r\n"
        let sink = HijackSink(tty: tty)
        let input = try await containers.attach(id, options: o, sink: sink)
        let stream = try await hijacker.hijack(headBytes: Array(head.utf8))
        sink.connect(stream)
        stream.forward(to: input)
    }

    private func logs(_ r: APIRequest, _ id: String, _ out: Responder) async throws {
        var o = LogsOptions()
        o.follow = r.query.bool("follow")
        o.stdout = r.query.bool("stdout")
        o.stderr = r.query.bool("stderr")
        o.timestamps = r.query.bool("timestamps")
        o.details = r.query.bool("details")
        if let s = r.query["since"], !s.isEmpty, s != "0" {
            guard let t = Timestamp(dockerQuery: s) else { throw WharfError.invalid("invalid value for \"since\": \(s)") }
            o.since = t
        }
        if let s = r.query["until"], !s.isEmpty, s != "0" {
            guard let t = Timestamp(dockerQuery: s) else { throw WharfError.invalid("invalid value for \"until\": \(s)") }
            o.until = t
        }
        if let t = r.query["tail"], !t.isEmpty, t != "all" {
            guard let n = Int(t) else { throw WharfError.invalid("invalid value for \"tail\": \(t)") }
            o.tail = n < 0 ? nil : n
        }
        if !o.stdout && !o.stderr {
            throw WharfError.invalid("Bad parameters: you must choose at least one stream")
        }
        let sink = ResponderSink(responder: out)
        let tty = try await containers.hasTTY(id)
        sink.tty = tty
        let contentType: String? = r.version >= APIVersion(1, 42)
            ? (tty ? "application/vnd.docker.raw-stream" : "application/vnd.docker.multiplexed-stream") : nil
        sink.startLazily { out.startStream(contentType: contentType) }
        _ = try await containers.logs(id, options: o, sink: sink)
    }
}

/// Carries the one sample of a non-streaming stats call out of its callback.
final class StatsBox: Sendable {
    private let box = Mutex<ContainerStats?>(nil)
    var value: ContainerStats? {
        get { box.withLock { $0 } }
        set { box.withLock { $0 = newValue } }
    }
}

struct UpdateResponse: Encodable {
    var Warnings: [String]?
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(Warnings, forKey: .Warnings)
    }
    enum Keys: String, CodingKey { case Warnings }
}
