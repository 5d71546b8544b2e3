import ArgumentParser
import WharfClient

struct VolumeGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volume", abstract: "Manage volumes",
        subcommands: [VolumeCreate.self, VolumeList.self, VolumeInspect.self, VolumeRemove.self, VolumePrune.self])
}

struct VolumeCreate: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a volume")
    @Option(name: [.customShort("d"), .long], help: "Specify volume driver name") var driver: String = "local"
    @Option(help: "Set metadata for a volume") var label: [String] = []
    @Option(name: [.customShort("o"), .customLong("opt")], help: "Set driver specific options") var opt: [String] = []
    @Option(help: "Specify volume name") var name: String?
    @Argument(help: "[VOLUME]") var volume: String?

    func run() throws {
        if let n = name, let v = volume, n != v {
            throw CLIError.message("conflicting options: cannot specify a volume-name through both --name and as a positional arg")
        }
        func pairs(_ list: [String]) -> JSON {
            var m: [String: String] = [:]
            for l in list {
                let kv = l.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                m[String(kv[0])] = kv.count > 1 ? String(kv[1]) : ""
            }
            return .stringMap(m)
        }
        var body: [JSON.Member] = [.init("Driver", .string(driver))]
        if !opt.isEmpty { body.append(.init("DriverOpts", pairs(opt))) }
        body.append(.init("Labels", pairs(label)))
        body.append(.init("Name", .string(name ?? volume ?? "")))
        let client = try CLIContext.client()
        let v = try client.json("POST", "/volumes/create", body: .json(.object(body)))
        Output.line(v["Name"]?.string ?? "")
    }
}

struct VolumeList: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List volumes", aliases: ["list"])
    @Flag(name: .shortAndLong, help: "Only display volume names") var quiet = false
    @Option(name: [.customShort("f"), .long], help: "Provide filter values (e.g. \"dangling=true\")") var filter: [String] = []
    @Option(help: "Format output using a custom template") var format: String?

    static let headers = ["Driver": "DRIVER", "Name": "VOLUME NAME", "Scope": "SCOPE", "Mountpoint": "MOUNTPOINT",
                          "Labels": "LABELS", "Links": "LINKS", "Size": "SIZE"]

    func run() throws {
        let client = try CLIContext.client()
        var q = Query()
        if let f = try FilterFlags.encode(filter) { q.add("filters", f) }
        let res = try client.json("GET", "/volumes", query: q)
        let vols = (res["Volumes"]?.array ?? []).sorted { ($0["Name"]?.string ?? "") < ($1["Name"]?.string ?? "") }
        for w in res["Warnings"]?.stringList ?? [] { Output.errLine(w) }
        var fmt = format ?? ""
        if quiet { fmt = "{{.Name}}" }
        if fmt.isEmpty || fmt == "table" { fmt = "table {{.Driver}}\t{{.Name}}" }
        let rows: [JSON] = vols.map { v in
            let labels = v["Labels"]?.stringDict ?? [:]
            return .obj([
                "Driver": .string(v["Driver"]?.string ?? ""),
                "Labels": .string(labels.keys.sorted().map { "\($0)=\(labels[$0]!)" }.joined(separator: ",")),
                "Links": .string("N/A"),
                "Mountpoint": .string(v["Mountpoint"]?.string ?? ""),
                "Name": .string(v["Name"]?.string ?? ""),
                "Scope": .string(v["Scope"]?.string ?? ""),
                "Size": .string("N/A"),
            ])
        }
        Output.out(try ListFormat.render(format: fmt, rows: rows, headers: Self.headers))
    }
}

struct VolumeInspect: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Display detailed information on one or more volumes")
    @Option(name: .shortAndLong, help: "Format output using a custom template") var format: String?
    @Argument(help: "VOLUME...") var volumes: [String] = []

    func run() throws {
        guard !volumes.isEmpty else { throw CLIError.message("\"wharf volume inspect\" requires at least 1 argument.") }
        let client = try CLIContext.client()
        var raws: [[UInt8]] = []
        var errors: [String] = []
        for v in volumes {
            do { raws.append(try client.data("GET", "/volumes/\(Query.escapePath(v))")) } catch { errors.append(describe(error)) }
        }
        try InspectOutput.print(raws, format: format)
        for e in errors { Output.errLine(e) }
        if !errors.isEmpty { throw CLIError.exit(1) }
    }
}

struct VolumeRemove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove one or more volumes", aliases: ["remove"])
    @Flag(name: .shortAndLong, help: "Force the removal of one or more volumes") var force = false
    @Argument(help: "VOLUME...") var volumes: [String] = []

    func run() throws {
        var q = Query()
        if force { q.add("force", "1") }
        let query = q
        try forEachContainer(volumes) { client, name in
            _ = try client.send("DELETE", "/volumes/\(Query.escapePath(name))", query: query).readAll()
        }
    }
}

struct VolumePrune: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "prune", abstract: "Remove unused local volumes")
    @Flag(name: .shortAndLong, help: "Remove all unused volumes, not just anonymous ones") var all = false
    @Flag(name: .shortAndLong, help: "Do not prompt for confirmation") var force = false
    @Option(name: .long, help: "Provide filter values (e.g. \"label=<label>\")") var filter: [String] = []

    func run() throws {
        if !force {
            let what = all ? "all local volumes" : "anonymous local volumes"
            Output.out("WARNING! This will remove \(what) not used by at least one container.\nAre you sure you want to continue? [y/N] ")
            guard let answer = readLine(), answer.lowercased().hasPrefix("y") else { return }
        }
        var filters = filter
        if all { filters.append("all=true") }
        let client = try CLIContext.client()
        var q = Query()
        if let f = try FilterFlags.encode(filters) { q.add("filters", f) }
        let res = try client.json("POST", "/volumes/prune", query: q)
        printPruneResult("Deleted Volumes:", res["VolumesDeleted"]?.stringList ?? [], res["SpaceReclaimed"]?.int64 ?? 0)
    }
}
