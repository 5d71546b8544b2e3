import ArgumentParser
import WharfClient

struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create a new container",
        usage: "wharf create [OPTIONS] IMAGE [COMMAND] [ARG...]",
        helpNames: [.long]
    )

    @OptionGroup var flags: ContainerFlags
    @Flag(name: .customLong("rm"), help: "Automatically remove the container and its associated anonymous volumes when it exits") var autoRemove = false
    @Argument(parsing: .captureForPassthrough, help: "IMAGE [COMMAND] [ARG...]") var imageAndCommand: [String] = []

    func run() throws {
        guard let image = imageAndCommand.first else {
            throw CLIError.status("wharf: 'wharf create' requires at least 1 argument\n\nUsage:  wharf create [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nSee 'wharf create --help' for more information", 1)
        }
        if image.hasPrefix("-") && image != "-" {
            throw CLIError.status("unknown flag: \(image)\n\nUsage:  wharf create [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'wharf create --help' for more information", 125)
        }
        let spec: ContainerSpec
        do {
            spec = try flags.spec(image: image, command: Array(imageAndCommand.dropFirst()), isRun: false, detach: false)
        } catch let e as CLIError {
            throw CLIError.status("wharf: " + e.description + "\n\nRun 'wharf create --help' for more information", 125)
        }
        var s = spec
        s.autoRemove = autoRemove
        if s.tty, let size = Terminal.size(1) { s.consoleSize = (size.rows, size.cols) }
        let client = try CLIContext.client()
        let id = try ContainerCreation.create(client, s, command: "create")
        Output.line(id)
    }
}

/// `POST /containers/create`, pulling the image once when it is missing, as docker does.
enum ContainerCreation {
    static func create(_ client: Client, _ spec: ContainerSpec, command: String) throws -> String {
        var q = Query()
        if let n = spec.name { q.add("name", n) }
        if let p = spec.platform { q.add("platform", p) }
        let body = CreateBody.json(spec).line
        func attempt() throws -> JSON {
            try client.json("POST", "/containers/create", query: q, body: .json(body))
        }
        func fail(_ e: any Error) -> CLIError {
            CLIError.status("wharf: " + describe(e) + "\n\nRun 'wharf \(command) --help' for more information", 125)
        }
        var result: JSON
        do {
            result = try attempt()
        } catch let e as APIError where e.status == 404 && e.message.lowercased().contains("no such image") {
            let ref = ImageReference(spec.image)
            Output.errLine("Unable to find image '\(ref.familiarWithDefaultTag)' locally")
            do {
                try pull(client, ref)
                result = try attempt()
            } catch {
                throw fail(error)
            }
        } catch {
            throw fail(error)
        }
        for w in result["Warnings"]?.stringList ?? [] { Output.errLine("WARNING: " + w) }
        guard let id = result["Id"]?.string else { throw fail(ClientError.protocolError("no Id in create response")) }
        return id
    }

    /// `POST /images/create?fromImage=…&tag=…` and its progress, printed as docker does
    /// when stdout is not a terminal.
    static func pull(_ client: Client, _ ref: ImageReference) throws {
        var q = Query()
        q.add("fromImage", ref.repository)
        q.add("tag", ref.digest ?? ref.tag ?? "latest")
        let resp = try client.send("POST", "/images/create", query: q,
                                   headers: [("X-Registry-Auth", RegistryAuthHeader.forImage(ref.repository))])
        try JSONProgress.print(resp)
    }
}

/// Prints a JSON-lines progress stream (pull, import, load) the way docker prints it on a
/// non-terminal, and throws the in-stream error if one comes.
enum JSONProgress {
    static func print(_ resp: HTTPResponse, statusToStdout: Bool = false, silent: Bool = false) throws {
        var failure: String?
        try resp.forEachLine { line in
            guard !line.isEmpty, let m = try? JSON(parsing: line) else { return }
            if let err = m["errorDetail"]?["message"]?.string ?? m["error"]?.string {
                failure = err
                return
            }
            if let s = m["stream"]?.string {
                Output.out(s)
                return
            }
            guard let status = m["status"]?.string, !silent else { return }
            if m["progressDetail"]?["current"] != nil { return }
            if let id = m["id"]?.string, !id.isEmpty {
                Output.line("\(id): \(status)")
            } else {
                Output.line(status)
            }
        }
        if let failure { throw CLIError.message(failure) }
    }
}
