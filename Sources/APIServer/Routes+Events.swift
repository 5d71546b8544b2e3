import Engine
import NIOHTTP1
import WharfAPI
import WharfCore

extension Router {
    /// `GET /events`: one JSON object and `\n` per chunk, headers flushed at once, until
    /// `until` passes or the client leaves.
    func events(_ r: APIRequest, _ out: Responder) async throws {
        func time(_ key: String) throws -> Timestamp? {
            guard let v = r.query[key], !v.isEmpty else { return nil }
            guard let t = Timestamp(dockerQuery: v) else { throw WharfError.invalid("invalid value for \(key): \(v)") }
            return t
        }
        let since = try time("since")
        let until = try time("until")
        let filters = try Filters(query: r.query["filters"])
        let subscription = try system.subscribeEvents(since: since, filters: filters)
        out.startStream(contentType: "application/json")
        out.onClose { subscription.cancel() }
        if let until {
            let delay = until.unixNanoseconds - Timestamp.now().unixNanoseconds
            Task {
                if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay)) }
                subscription.cancel()
            }
        }
        for await e in subscription.events {
            if let until, e.timeNano > until.unixNanoseconds { break }
            out.writeChunk(APIJSON.line(e))
        }
        subscription.cancel()
        out.endStream()
    }
}
