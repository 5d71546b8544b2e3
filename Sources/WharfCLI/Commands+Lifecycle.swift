import ArgumentParser
import WharfClient

/// Runs one request per container in parallel (as docker does), prints the name for each
/// success in argument order and the error for each failure; exit 1 if any failed.
func forEachContainer(_ names: [String], _ body: @escaping @Sendable (Client, String) throws -> Void) throws {
    guard !names.isEmpty else { throw CLIError.message("requires at least 1 argument") }
    let client = try CLIContext.client()
    _ = try client.version()
    let results: [String?] = parallel(names.count) { i in
        do {
            try body(client, names[i])
            return nil
        } catch {
            return describe(error)
        }
    }
    var failed = false
    for (name, err) in zip(names, results) {
        if let err {
            Output.errLine(err)
            failed = true
        } else {
            Output.line(name)
        }
    }
    if failed { throw CLIError.exit(1) }
}

/// stop, kill and restart: one POST per container with the same `signal`/`t` query.
private func post(_ action: String, to containers: [String], signal: String?, timeout: Int?) throws {
    var q = Query()
    if let s = signal { q.add("signal", s) }
    if let t = timeout { q.add("t", String(t)) }
    let query = q
    try forEachContainer(containers) { client, name in
        _ = try client.send("POST", "/containers/\(Query.escapePath(name))/\(action)", query: query).readAll()
    }
}

struct Stop: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Stop one or more running containers")

    @Option(name: .shortAndLong, help: "Signal to send to the container") var signal: String?
    @Option(name: [.customShort("t"), .customLong("timeout"), .customLong("time")], help: "Seconds to wait before killing the container") var timeout: Int?
    @Argument(help: "CONTAINER...") var containers: [String] = []

    func run() throws {
        try post("stop", to: containers, signal: signal, timeout: timeout)
    }
}

struct Kill: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Kill one or more running containers")

    @Option(name: .shortAndLong, help: "Signal to send to the container") var signal: String?
    @Argument(help: "CONTAINER...") var containers: [String] = []

    func run() throws {
        try post("kill", to: containers, signal: signal, timeout: nil)
    }
}

struct Restart: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Restart one or more containers")

    @Option(name: .shortAndLong, help: "Signal to send to the container") var signal: String?
    @Option(name: [.customShort("t"), .customLong("timeout"), .customLong("time")], help: "Seconds to wait before killing the container") var timeout: Int?
    @Argument(help: "CONTAINER...") var containers: [String] = []

    func run() throws {
        try post("restart", to: containers, signal: signal, timeout: timeout)
    }
}

struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove one or more containers")

    @Flag(name: .shortAndLong, help: "Force the removal of a running container (uses SIGKILL)") var force = false
    @Flag(name: .shortAndLong, help: "Remove anonymous volumes associated with the container") var volumes = false
    @Flag(name: .shortAndLong, help: "Remove the specified link") var link = false
    @Argument(help: "CONTAINER...") var containers: [String] = []

    func run() throws {
        var q = Query()
        q.flag("force", force)
        q.flag("link", link)
        q.flag("v", volumes)
        let query = q
        try forEachContainer(containers.map { $0.hasPrefix("/") ? String($0.dropFirst()) : $0 }) { client, name in
            _ = try client.send("DELETE", "/containers/\(Query.escapePath(name))", query: query).readAll()
        }
    }
}

struct Wait: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Block until one or more containers stop, then print their exit codes")

    @Argument(help: "CONTAINER...") var containers: [String] = []

    func run() throws {
        guard !containers.isEmpty else { throw CLIError.message("requires at least 1 argument") }
        let client = try CLIContext.client()
        var failed = false
        for name in containers {
            do {
                let resp = try client.send("POST", "/containers/\(Query.escapePath(name))/wait")
                Output.line(String(try WaitResult.read(resp)))
            } catch {
                Output.errLine(describe(error))
                failed = true
            }
        }
        if failed { throw CLIError.exit(1) }
    }
}
