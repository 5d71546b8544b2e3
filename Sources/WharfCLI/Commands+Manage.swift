import ArgumentParser
import WharfAPI
import WharfClient

// pause, unpause, rename, top and container prune: docker's verbs and output.

struct Pause: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Pause all processes within one or more containers")
    @Argument(help: "CONTAINER...") var containers: [String] = []

    func run() throws {
        try forEachContainer(containers) { client, name in
            _ = try client.send("POST", "/containers/\(Query.escapePath(name))/pause").readAll()
        }
    }
}

struct Unpause: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Unpause all processes within one or more containers")
    @Argument(help: "CONTAINER...") var containers: [String] = []

    func run() throws {
        try forEachContainer(containers) { client, name in
            _ = try client.send("POST", "/containers/\(Query.escapePath(name))/unpause").readAll()
        }
    }
}

struct Rename: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Rename a container")
    @Argument(help: "CONTAINER") var container: String
    @Argument(help: "NEW_NAME") var newName: String

    func run() throws {
        let client = try CLIContext.client()
        var q = Query()
        q.add("name", newName)
        _ = try client.send("POST", "/containers/\(Query.escapePath(container))/rename", query: q).readAll()
    }
}

struct Top: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Display the running processes of a container")
    @Argument(help: "CONTAINER") var container: String
    @Argument(parsing: .allUnrecognized, help: "[ps OPTIONS]") var psArgs: [String] = []

    func run() throws {
        let client = try CLIContext.client()
        var q = Query()
        if !psArgs.isEmpty { q.add("ps_args", psArgs.joined(separator: " ")) }
        let top = try client.json("GET", "/containers/\(Query.escapePath(container))/top", query: q)
        var tw = TabWriter()
        tw.add(top["Titles"]?.stringList.joined(separator: "\t") ?? "")
        for row in top["Processes"]?.array ?? [] {
            tw.add(row.stringList.joined(separator: "\t"))
        }
        Output.out(tw.render())
    }
}

struct ContainerGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "container", abstract: "Manage containers", subcommands: [ContainerPrune.self])
}

struct ContainerPrune: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "prune", abstract: "Remove all stopped containers")
    @Flag(name: .shortAndLong, help: "Do not prompt for confirmation") var force = false
    @Option(name: .long, help: "Provide filter values (e.g. \"until=<timestamp>\")") var filter: [String] = []

    func run() throws {
        if !force {
            Output.out("WARNING! This will remove all stopped containers.\nAre you sure you want to continue? [y/N] ")
            guard let answer = readLine(), answer.lowercased().hasPrefix("y") else { return }
        }
        let client = try CLIContext.client()
        var q = Query()
        if let f = try FilterFlags.encode(filter) { q.add("filters", f) }
        let res = try client.json("POST", "/containers/prune", query: q)
        printPruneResult("Deleted Containers:", res["ContainersDeleted"]?.stringList ?? [], res["SpaceReclaimed"]?.int64 ?? 0)
    }
}

/// docker's prune report: the list under its title (when not empty), then the space.
func printPruneResult(_ title: String, _ deleted: [String], _ reclaimed: Int64) {
    if !deleted.isEmpty {
        Output.line(title)
        for d in deleted { Output.line(d) }
        Output.line("")
    }
    Output.line("Total reclaimed space: \(HumanUnits.size(reclaimed))")
}
