import ArgumentParser
import WharfClient

struct PS: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ps", abstract: "List containers")

    @Flag(name: .shortAndLong, help: "Show all containers (default shows just running)") var all = false
    @Flag(name: .shortAndLong, help: "Only display container IDs") var quiet = false
    @Option(name: [.customShort("n"), .long], help: "Show n last created containers (includes all states)") var last: Int = -1
    @Flag(name: [.customShort("l"), .long], help: "Show the latest created container (includes all states)") var latest = false
    @Option(name: [.customShort("f"), .long], help: "Filter output based on conditions provided") var filter: [String] = []
    @Flag(name: .customLong("no-trunc"), help: "Don't truncate output") var noTrunc = false
    @Flag(name: .shortAndLong, help: "Display total file sizes") var size = false
    @Option(help: "Format output using a custom template") var format: String?

    func run() throws {
        let client = try CLIContext.client()
        var limit = last
        if latest && limit == -1 { limit = 1 }
        var q = Query()
        q.flag("all", all)
        if limit > 0 { q.add("limit", String(limit)) }
        let f = format ?? ""
        let wantSize = size || f.contains(".Size") || f.contains("json .") || f == "json"
        q.flag("size", wantSize && !quiet)
        if let f = try FilterFlags.encode(filter) { q.add("filters", f) }
        let list = try client.json("GET", "/containers/json", query: q).array ?? []
        var fmt = format ?? ""
        if quiet { fmt = "{{.ID}}" }
        if fmt.isEmpty || fmt == "table" {
            fmt = ContainerRow.defaultTable
            if size { fmt += "\t{{.Size}}" }
        }
        let now = Clock.now()
        let rows = list.map { ContainerRow.make($0, truncate: !noTrunc, now: now) }
        Output.out(try ListFormat.render(format: fmt, rows: rows, headers: ContainerRow.headers))
    }
}
