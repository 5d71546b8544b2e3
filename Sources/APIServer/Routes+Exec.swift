import Engine
import NIOHTTP1
import WharfAPI
import WharfCore

extension Router {
    /// `POST /containers/{id}/exec`.
    func createExec(_ r: APIRequest, container: String, _ out: Responder) async throws {
        let config = try decodeBody(ExecConfig.self, r)
        out.json(IDResponse(Id: try await execs.createExec(container: container, config: config)), status: .created)
    }

    /// `/exec/...`. Returns false when no route matched.
    func routeExec(_ r: APIRequest, _ segs: [String], _ out: Responder, _ hijacker: Hijacker) async throws -> Bool {
        guard segs.count == 3 else { return false }
        let id = segs[1]
        switch (r.method, segs[2]) {
        case ("POST", "start"):
            try await startExec(r, id, out, hijacker)
        case ("POST", "resize"):
            try await execs.resizeExec(id, height: try r.query.int("h") ?? 0, width: try r.query.int("w") ?? 0)
            out.send(status: .ok, body: nil)
        case ("GET", "json"):
            out.json(try await execs.inspectExec(id))
        default:
            return false
        }
        return true
    }

    private func startExec(_ r: APIRequest, _ id: String, _ out: Responder, _ hijacker: Hijacker) async throws {
        let body = try decodeBody(ExecStartConfig.self, r, emptyAllowed: true)
        var o = ExecStartOptions()
        o.detach = body.Detach ?? false
        if r.version >= APIVersion(1, 42), let cs = body.ConsoleSize, cs.count == 2, cs[0] > 0, cs[1] > 0 {
            o.consoleSize = (UInt16(clamping: cs[0]), UInt16(clamping: cs[1]))
        }
        let tty = try await execs.execHasTTY(id)
        if o.detach {
            _ = try await execs.startExec(id, options: o, sink: DiscardSink())
            out.send(status: .ok, body: nil)
            return
        }
        let contentType = (!tty && r.version >= APIVersion(1, 42))
            ? "application/vnd.docker.multiplexed-stream" : "application/vnd.docker.raw-stream"
        var head = r.wantsUpgrade
            ? "HTTP/1.1 101 UPGRADED\r\nContent-Type: \(contentType)\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n"
            : "HTTP/1.1 200 OK\r\nContent-Type: \(contentType)\r\n"
        for h in Responder.standardHeaders() where h.name != "Date" {
            head += "\(h.name): \(h.value)\r\n"
        }
        head += "\r\n"
        let sink = HijackSink(tty: tty)
        guard let input = try await execs.startExec(id, options: o, sink: sink) else { return }
        let stream = try await hijacker.hijack(headBytes: Array(head.utf8))
        sink.connect(stream)
        stream.forward(to: input)
    }
}

/// Output nobody reads (a detached exec).
final class DiscardSink: StreamSink {
    func write(_ stream: StdStream, _ bytes: [UInt8]) {}
    func finish() {}
    var isClosed: Bool { false }
}
