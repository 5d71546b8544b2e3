import ArgumentParser
import WharfAPI
import WharfClient
import WharfCore

struct Events: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Get real time events from the server")
    @Option(name: .long, help: "Show all events created since timestamp") var since: String?
    @Option(name: .long, help: "Stream events until this timestamp") var until: String?
    @Option(name: [.customShort("f"), .long], help: "Filter output based on conditions provided") var filter: [String] = []
    @Option(name: .long, help: "Format output using a custom template") var format: String?

    func run() throws {
        let client = try CLIContext.client()
        var q = Query()
        if let f = try FilterFlags.encode(filter) { q.add("filters", f) }
        if let since { q.add("since", try TimeParsing.timestamp(since)) }
        if let until { q.add("until", try TimeParsing.timestamp(until)) }
        let template = try format.map { try GoTemplate($0 == "json" ? "{{json .}}" : $0) }
        let resp = try client.send("GET", "/events", query: q)
        try resp.forEachLine { line in
            guard !line.isEmpty, let e = try? JSON(parsing: line) else { return }
            if let template {
                Output.line(try template.execute(e))
            } else {
                Output.line(Self.plain(e))
            }
        }
    }

    /// docker's default line: `2026-11-29T18:09:19.123456789Z container create ID (image=busybox, name=x)`.
    static func plain(_ e: JSON) -> String {
        let nano = e["timeNano"]?.int64 ?? 0
        let ts = Timestamp(seconds: nano / 1_000_000_000, nanoseconds: Int32(nano % 1_000_000_000)).rfc3339Nano
        let attrs = e["Actor"]?["Attributes"]?.stringDict ?? [:]
        let list = attrs.keys.sorted().map { "\($0)=\(attrs[$0]!)" }.joined(separator: ", ")
        let type = e["Type"]?.string ?? ""
        let action = e["Action"]?.string ?? ""
        let id = e["Actor"]?["ID"]?.string ?? ""
        return "\(ts) \(type) \(action) \(id)" + (list.isEmpty ? "" : " (\(list))")
    }
}
