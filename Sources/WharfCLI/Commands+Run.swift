#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import WharfAPI
import WharfClient

struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create and run a new container from an image",
        usage: "wharf run [OPTIONS] IMAGE [COMMAND] [ARG...]",
        helpNames: [.long]
    )

    @Flag(name: .shortAndLong, help: "Run container in background and print container ID") var detach = false
    @Flag(name: .customLong("rm"), help: "Automatically remove the container and its associated anonymous volumes when it exits") var autoRemove = false
    @Flag(name: .customLong("sig-proxy"), inversion: .prefixedNo, help: "Proxy received signals to the process") var sigProxy = true
    @Option(name: .customLong("detach-keys"), help: "Override the key sequence for detaching a container") var detachKeys: String?
    @OptionGroup var flags: ContainerFlags
    @Argument(parsing: .captureForPassthrough, help: "IMAGE [COMMAND] [ARG...]") var imageAndCommand: [String] = []

    static func usageError(_ m: String) -> CLIError {
        CLIError.status("wharf: " + m + "\n\nRun 'wharf run --help' for more information", 125)
    }

    func run() throws {
        guard let image = imageAndCommand.first else {
            throw CLIError.status("wharf: 'wharf run' requires at least 1 argument\n\nUsage:  wharf run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nSee 'wharf run --help' for more information", 1)
        }
        if image.hasPrefix("-") && image != "-" {
            throw CLIError.status("unknown flag: \(image)\n\nUsage:  wharf run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'wharf run --help' for more information", 125)
        }
        var spec: ContainerSpec
        do {
            spec = try flags.spec(image: image, command: Array(imageAndCommand.dropFirst()), isRun: true, detach: detach)
        } catch let e as CLIError {
            throw Run.usageError(e.description)
        }
        spec.autoRemove = autoRemove
        if !detach && spec.tty && spec.attachStdin && !Output.isTerminal(0) {
            throw CLIError.status("the input device is not a TTY", 1)
        }
        let ttySize = spec.tty ? Terminal.size(1) : nil
        if let size = ttySize { spec.consoleSize = (size.rows, size.cols) }
        let client = try CLIContext.client()
        let id = try ContainerCreation.create(client, spec, command: "run")

        if detach {
            // create → wait (abandoned) → start → print the ID.
            let wait = try? client.open("POST", "/containers/\(id)/wait", query: ["condition": autoRemove ? "removed" : "next-exit"])
            try Run.start(client, id)
            Output.line(id)
            wait?.close()
            return
        }

        let attached = spec.attachStdin || spec.attachStdout || spec.attachStderr
        var stream: HijackedStream?
        if attached {
            var q = Query()
            q.flag("stdin", spec.attachStdin)
            q.flag("stdout", spec.attachStdout)
            q.flag("stderr", spec.attachStderr)
            q.add("stream", "1")
            if let k = detachKeys { q.add("detachKeys", k) }
            do {
                stream = try client.hijack("/containers/\(id)/attach", query: q)
            } catch {
                throw Run.usageError(describe(error))
            }
        }
        let condition = autoRemove ? "removed" : "next-exit"
        let wait: HTTPResponse
        do {
            wait = try client.send("POST", "/containers/\(id)/wait", query: ["condition": condition])
        } catch {
            throw Run.usageError(describe(error))
        }

        let rawTerminal = spec.tty && spec.attachStdin && Output.isTerminal(0)
        let tty = spec.tty
        let proxy = sigProxy && !tty
        SignalThread.start { sig in
            if sig == SIGWINCH {
                if tty, let s = Terminal.size(1) { Run.resize(client, id, s.rows, s.cols) }
                return
            }
            if proxy, let name = SignalThread.name(sig) {
                _ = try? client.send("POST", "/containers/\(id)/kill", query: ["signal": name]).readAll()
                return
            }
            Terminal.restore()
            _exit(128 + sig)
        }
        if rawTerminal { Terminal.makeRaw() }
        defer { Terminal.restore() }

        do {
            try Run.start(client, id)
        } catch let e as CLIError {
            stream?.close()
            Terminal.restore()
            throw e
        }
        if tty, let size = ttySize { Run.resize(client, id, size.rows, size.cols) }

        if let stream {
            let detachedByUser = AttachedIO(stream: stream, tty: tty, sendStdin: spec.attachStdin,
                                            stdout: spec.attachStdout, stderr: spec.attachStderr,
                                            detachKeys: try DetachKeys.parse(detachKeys)).run()
            if detachedByUser {
                Terminal.restore()
                return
            }
        }
        let status = try WaitResult.read(wait)
        Terminal.restore()
        if status != 0 { throw CLIError.exit(Int32(truncatingIfNeeded: status)) }
    }

    /// `POST /start`; failures map to docker's 125/126/127.
    static func start(_ client: Client, _ id: String) throws {
        do {
            _ = try client.send("POST", "/containers/\(id)/start").readAll()
        } catch {
            let message = describe(error)
            var code: Int32 = 125
            if message.contains("executable file not found") || message.contains("no such file or directory")
                || message.contains("system cannot find the file specified") {
                code = 127
            } else if message.contains("permission denied") || message.contains("is a directory") {
                code = 126
            }
            throw CLIError.status("wharf: " + message + "\n\nRun 'wharf run --help' for more information", code)
        }
    }

    static func resize(_ client: Client, _ id: String, _ rows: Int, _ cols: Int, path: String = "containers") {
        guard rows > 0 || cols > 0 else { return }
        _ = try? client.send("POST", "/\(path)/\(id)/resize", query: ["h": String(rows), "w": String(cols)]).readAll()
    }
}

/// The body of a `wait` response: `{"Error":…,"StatusCode":N}`.
enum WaitResult {
    static func read(_ resp: HTTPResponse) throws -> Int {
        let body = try resp.readAll()
        guard let j = try? JSON(parsing: body), let code = j["StatusCode"]?.int else {
            throw CLIError.status("wharf: unexpected wait response: \(String(decoding: body, as: UTF8.self))", 125)
        }
        if let m = j["Error"]?["Message"]?.string, !m.isEmpty {
            Output.errLine("wharf: " + m)
        }
        return code
    }
}

/// `--detach-keys` ("ctrl-p,ctrl-q", "a,ctrl-b") as bytes.
enum DetachKeys {
    static func parse(_ s: String?) throws -> [UInt8] {
        guard let keys = DetachKeySequence.parse(s) else {
            throw CLIError.message("Invalid escape keys (\(s ?? "")) provided")
        }
        return keys
    }
}
