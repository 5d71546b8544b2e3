#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import WharfClient

struct Start: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Start one or more stopped containers")

    @Flag(name: .shortAndLong, help: "Attach STDOUT/STDERR and forward signals") var attach = false
    @Flag(name: .shortAndLong, help: "Attach container's STDIN") var interactive = false
    @Option(name: .customLong("detach-keys"), help: "Override the key sequence for detaching a container") var detachKeys: String?
    @Argument(help: "CONTAINER...") var containers: [String] = []

    func run() throws {
        guard !containers.isEmpty else {
            throw CLIError.status("wharf: 'wharf start' requires at least 1 argument\n\nUsage:  wharf start [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'wharf start --help' for more information", 1)
        }
        let client = try CLIContext.client()
        if attach || interactive {
            guard containers.count == 1 else {
                throw CLIError.message("you cannot start and attach multiple containers at once")
            }
            let name = containers[0]
            let c = try client.json("GET", "/containers/\(Query.escapePath(name))/json")
            let id = c["Id"]?.string ?? name
            let tty = c["Config"]?["Tty"]?.bool ?? false
            let openStdin = c["Config"]?["OpenStdin"]?.bool ?? false
            let withStdin = interactive && openStdin
            var q = Query()
            q.flag("stdin", withStdin)
            q.add("stdout", "1")
            q.add("stderr", "1")
            q.add("stream", "1")
            if let k = detachKeys { q.add("detachKeys", k) }
            let stream = try client.hijack("/containers/\(id)/attach", query: q)
            let wait = try client.send("POST", "/containers/\(id)/wait", query: ["condition": "next-exit"])
            let proxy = !tty
            SignalThread.start { sig in
                if sig == SIGWINCH {
                    if tty, let s = Terminal.size(1) { Run.resize(client, id, s.rows, s.cols) }
                    return
                }
                if proxy, let n = SignalThread.name(sig) {
                    _ = try? client.send("POST", "/containers/\(id)/kill", query: ["signal": n]).readAll()
                    return
                }
                Terminal.restore()
                _exit(128 + sig)
            }
            if tty && withStdin && Output.isTerminal(0) { Terminal.makeRaw() }
            defer { Terminal.restore() }
            do {
                _ = try client.send("POST", "/containers/\(id)/start").readAll()
            } catch {
                Terminal.restore()
                throw CLIError.message(describe(error))
            }
            if tty, let s = Terminal.size(1) { Run.resize(client, id, s.rows, s.cols) }
            let detached = AttachedIO(stream: stream, tty: tty, sendStdin: withStdin, detachKeys: try DetachKeys.parse(detachKeys)).run()
            if detached { return }
            let status = try WaitResult.read(wait)
            if status != 0 { throw CLIError.exit(Int32(truncatingIfNeeded: status)) }
            return
        }
        var failed: [String] = []
        for name in containers {
            do {
                _ = try client.send("POST", "/containers/\(Query.escapePath(name))/start").readAll()
                Output.line(name)
            } catch {
                Output.errLine(describe(error))
                failed.append(name)
            }
        }
        if !failed.isEmpty {
            throw CLIError.message("Error: failed to start containers: " + failed.joined(separator: ", "))
        }
    }
}

struct Attach: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Attach local standard input, output, and error streams to a running container")

    @Flag(name: .customLong("no-stdin"), help: "Do not attach STDIN") var noStdin = false
    @Flag(name: .customLong("sig-proxy"), inversion: .prefixedNo, help: "Proxy all received signals to the process") var sigProxy = true
    @Option(name: .customLong("detach-keys"), help: "Override the key sequence for detaching a container") var detachKeys: String?
    @Argument(help: "CONTAINER") var container: String

    func run() throws {
        let client = try CLIContext.client()
        let path = "/containers/\(Query.escapePath(container))"
        // As docker: the wait first (no condition), then the state check, then the hijack.
        let wait = try client.send("POST", path + "/wait")
        let c = try client.json("GET", path + "/json")
        if c["State"]?["Paused"]?.bool == true {
            throw CLIError.message("You cannot attach to a paused container, unpause it first")
        }
        if c["State"]?["Running"]?.bool != true {
            throw CLIError.message("You cannot attach to a stopped container, start it first")
        }
        let tty = c["Config"]?["Tty"]?.bool ?? false
        let withStdin = !noStdin && (c["Config"]?["OpenStdin"]?.bool ?? false)
        var q = Query()
        q.flag("stdin", withStdin)
        q.add("stdout", "1")
        q.add("stderr", "1")
        q.add("stream", "1")
        if let k = detachKeys { q.add("detachKeys", k) }
        let stream = try client.hijack(path + "/attach", query: q)
        let proxy = sigProxy && !tty
        SignalThread.start { sig in
            if sig == SIGWINCH {
                if tty, let s = Terminal.size(1) { Run.resize(client, container, s.rows, s.cols) }
                return
            }
            if proxy, let n = SignalThread.name(sig) {
                _ = try? client.send("POST", path + "/kill", query: ["signal": n]).readAll()
                return
            }
            Terminal.restore()
            _exit(128 + sig)
        }
        if tty && withStdin && Output.isTerminal(0) { Terminal.makeRaw() }
        defer { Terminal.restore() }
        if tty, let s = Terminal.size(1) {
            // +1 and back, to make the program redraw (as docker does).
            Run.resize(client, container, s.rows + 1, s.cols + 1)
            Run.resize(client, container, s.rows, s.cols)
        }
        let detached = AttachedIO(stream: stream, tty: tty, sendStdin: withStdin, detachKeys: try DetachKeys.parse(detachKeys)).run()
        if detached { return }
        let status = try WaitResult.read(wait)
        if status != 0 { throw CLIError.exit(Int32(truncatingIfNeeded: status)) }
    }
}

struct Exec: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Execute a command in a running container")

    @Flag(name: .shortAndLong, help: "Detached mode: run command in the background") var detach = false
    @Flag(name: .shortAndLong, help: "Keep STDIN open even if not attached") var interactive = false
    @Flag(name: .shortAndLong, help: "Allocate a pseudo-TTY") var tty = false
    @Option(name: .shortAndLong, help: "Set environment variables") var env: [String] = []
    @Option(name: .customLong("env-file"), help: "Read in a file of environment variables") var envFile: [String] = []
    @Option(name: .shortAndLong, help: "Username or UID") var user: String?
    @Option(name: .shortAndLong, help: "Working directory inside the container") var workdir: String?
    @Flag(help: "Give extended privileges to the command") var privileged = false
    @Option(name: .customLong("detach-keys"), help: "Override the key sequence for detaching a container") var detachKeys: String?
    @Argument(parsing: .captureForPassthrough, help: "CONTAINER COMMAND [ARG...]") var args: [String] = []

    func run() throws {
        if let first = args.first, first.hasPrefix("-") {
            throw CLIError.status("unknown flag: \(first)\n\nUsage:  wharf exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nRun 'wharf exec --help' for more information", 125)
        }
        guard args.count >= 2 else {
            throw CLIError.status("wharf: 'wharf exec' requires at least 2 arguments\n\nUsage:  wharf exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nSee 'wharf exec --help' for more information", 1)
        }
        let container = args[0]
        let client = try CLIContext.client()
        let path = "/containers/\(Query.escapePath(container))"
        _ = try client.json("GET", path + "/json")
        var envList: [String] = []
        for f in envFile {
            guard let content = readTextFile(f) else { throw CLIError.message("open \(f): no such file or directory") }
            envList += try EnvParsing.parseEnvFile(content)
        }
        for e in env { envList.append(try EnvParsing.validateEnv(e)) }
        let size = tty ? Terminal.size(1) : nil
        let withConsole = (try client.version()) >= .init(1, 42) && size != nil
        var body: [JSON.Member] = [
            .init("User", .string(user ?? "")), .init("Privileged", .bool(privileged)), .init("Tty", .bool(tty)),
        ]
        if withConsole, let s = size { body.append(.init("ConsoleSize", .array([.int(s.rows), .int(s.cols)]))) }
        body += [
            .init("AttachStdin", .bool(interactive && !detach)), .init("AttachStderr", .bool(!detach)),
            .init("AttachStdout", .bool(!detach)), .init("Detach", .bool(detach)),
            .init("DetachKeys", .string(detachKeys ?? "")), .init("Env", .strings(envList.isEmpty ? nil : envList)),
            .init("WorkingDir", .string(workdir ?? "")), .init("Cmd", .strings(Array(args.dropFirst()))),
        ]
        let created = try client.json("POST", path + "/exec", body: .json(.object(body)))
        guard let execID = created["Id"]?.string else { throw CLIError.message("exec create returned no Id") }
        var start: [JSON.Member] = [.init("Detach", .bool(detach)), .init("Tty", .bool(tty))]
        if withConsole, let s = size { start.append(.init("ConsoleSize", .array([.int(s.rows), .int(s.cols)]))) }
        if detach {
            _ = try client.data("POST", "/exec/\(execID)/start", body: .json(.object(start)))
            return
        }
        let stream = try client.hijack("/exec/\(execID)/start", json: JSON.object(start).line)
        if let s = size { Run.resize(client, execID, s.rows, s.cols, path: "exec") }
        if tty && interactive && Output.isTerminal(0) { Terminal.makeRaw() }
        defer { Terminal.restore() }
        let detached = AttachedIO(stream: stream, tty: tty, sendStdin: interactive, detachKeys: try DetachKeys.parse(detachKeys)).run()
        Terminal.restore()
        if detached { return }
        let info = try client.json("GET", "/exec/\(execID)/json")
        let code = info["ExitCode"]?.int ?? 0
        if code != 0 { throw CLIError.exit(Int32(truncatingIfNeeded: code)) }
    }
}
