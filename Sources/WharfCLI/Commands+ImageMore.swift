import ArgumentParser
import WharfClient

struct ImageGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "image", abstract: "Manage images", subcommands: [ImagePrune.self, History.self])
}

struct History: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the history of an image")
    @Option(help: "Format output using a custom template") var format: String?
    @Flag(name: [.customShort("H"), .long], inversion: .prefixedNo, help: "Print sizes and dates in human readable format")
    var human = true
    @Flag(name: .customLong("no-trunc"), help: "Don't truncate output") var noTrunc = false
    @Flag(name: .shortAndLong, help: "Only show image IDs") var quiet = false
    @Argument(help: "IMAGE") var image: String

    static let headers = ["ID": "IMAGE", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT", "CreatedBy": "CREATED BY",
                          "Size": "SIZE", "Comment": "COMMENT"]

    func run() throws {
        let client = try CLIContext.client()
        let rows = try client.json("GET", "/images/\(Query.escapePath(image))/history").array ?? []
        let now = Clock.now()
        var fmt = format ?? ""
        if quiet { fmt = "{{.ID}}" }
        if fmt.isEmpty || fmt == "table" { fmt = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}" }
        let out: [JSON] = rows.map { r in
            let id = r["Id"]?.string ?? ""
            let created = r["Created"]?.int64 ?? 0
            var by = (r["CreatedBy"]?.string ?? "").replacingAll("\t", " ")
            if !noTrunc { by = ListFormat.ellipsis(by, 45) }
            let size = r["Size"]?.int64 ?? 0
            return .obj([
                "ID": .string(noTrunc || id == "<missing>" ? id : ListFormat.truncateID(id)),
                "CreatedSince": .string(human ? HumanUnits.ago(created, now: now) : String(created)),
                "CreatedAt": .string(String(created)),
                "CreatedBy": .string(by),
                "Size": .string(human ? HumanUnits.size(size) : String(size)),
                "Comment": .string(r["Comment"]?.string ?? ""),
            ])
        }
        Output.out(try ListFormat.render(format: fmt, rows: out, headers: Self.headers))
    }
}

struct ImagePrune: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "prune", abstract: "Remove unused images")
    @Flag(name: .shortAndLong, help: "Remove all unused images, not just dangling ones") var all = false
    @Flag(name: .shortAndLong, help: "Do not prompt for confirmation") var force = false
    @Option(name: .long, help: "Provide filter values (e.g. \"until=<timestamp>\")") var filter: [String] = []

    func run() throws {
        if !force {
            let what = all ? "all images without at least one container associated to them"
                           : "all dangling images"
            Output.out("WARNING! This will remove \(what).\nAre you sure you want to continue? [y/N] ")
            guard let answer = readLine(), answer.lowercased().hasPrefix("y") else { return }
        }
        var filters = filter
        filters.append(all ? "dangling=false" : "dangling=true")
        let client = try CLIContext.client()
        var q = Query()
        if let f = try FilterFlags.encode(filters) { q.add("filters", f) }
        let res = try client.json("POST", "/images/prune", query: q)
        let lines: [String] = (res["ImagesDeleted"]?.array ?? []).compactMap { item in
            if let u = item["Untagged"]?.string { return "untagged: " + u }
            if let d = item["Deleted"]?.string { return "deleted: " + d }
            return nil
        }
        printPruneResult("Deleted Images:", lines, res["SpaceReclaimed"]?.int64 ?? 0)
    }
}
