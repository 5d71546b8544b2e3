#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import WharfClient

struct Images: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List images")

    @Flag(name: .shortAndLong, help: "Show all images (default hides intermediate images)") var all = false
    @Flag(name: .shortAndLong, help: "Only show image IDs") var quiet = false
    @Flag(name: .customLong("no-trunc"), help: "Don't truncate output") var noTrunc = false
    @Flag(help: "Show digests") var digests = false
    @Option(name: [.customShort("f"), .long], help: "Filter output based on conditions provided") var filter: [String] = []
    @Option(help: "Format output using a custom template") var format: String?
    @Argument(help: "[REPOSITORY[:TAG]]") var repository: String?

    func run() throws {
        let client = try CLIContext.client()
        var q = Query()
        q.flag("all", all)
        var filters = filter
        if let r = repository { filters.append("reference=" + r) }
        if let f = try FilterFlags.encode(filters) { q.add("filters", f) }
        let list = try client.json("GET", "/images/json", query: q).array ?? []
        let now = Clock.now()
        var fmt = format ?? ""
        if quiet { fmt = "{{.ID}}" }
        if fmt.isEmpty || fmt == "table" { fmt = ImageRow.defaultTable(digests: digests) }
        let showDigests = digests || fmt.contains(".Digest")
        var rows: [JSON] = []
        for image in list { rows += ImageRow.make(image, truncate: !noTrunc, digests: showDigests, now: now) }
        Output.out(try ListFormat.render(format: fmt, rows: rows, headers: ImageRow.headers))
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Import the contents from a tarball to create a filesystem image")

    @Option(name: .shortAndLong, help: "Apply Dockerfile instruction to the created image") var change: [String] = []
    @Option(name: .shortAndLong, help: "Set commit message for imported image") var message: String?
    @Option(help: "Set platform if server is multi-platform capable") var platform: String?
    @Argument(help: "file|URL|-") var source: String
    @Argument(help: "[REPOSITORY[:TAG]]") var repository: String?

    func run() throws {
        let client = try CLIContext.client()
        var q = Query()
        for c in change { q.add("changes", c) }
        let isURL = source.hasPrefix("http://") || source.hasPrefix("https://")
        q.add("fromSrc", isURL ? source : "-")
        if let m = message { q.add("message", m) }
        if let p = platform { q.add("platform", p) }
        if let r = repository { q.add("repo", r) }
        let body = isURL ? RequestBody.none : try fileBody(source, contentType: "text/plain")
        let resp = try client.send("POST", "/images/create", query: q, body: body)
        try JSONProgress.print(resp)
    }
}

/// A file (or stdin for "-") streamed as a chunked request body (import, load).
func fileBody(_ source: String, contentType: String) throws -> RequestBody {
    let fd: Int32
    if source == "-" {
        fd = 0
    } else {
        fd = open(source, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw CLIError.message("open \(source): no such file or directory") }
    }
    return .stream(contentType: contentType) {
        var buf = [UInt8](repeating: 0, count: 32768)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw CLIError.message("read \(source): \(String(cString: strerror(errno)))") }
            return n == 0 ? nil : Array(buf[0..<n])
        }
    }
}

struct Save: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Save one or more images to a tar archive (streamed to STDOUT by default)")
    @Option(name: .shortAndLong, help: "Write to a file, instead of STDOUT") var output: String?
    @Argument(help: "IMAGE...") var images: [String] = []

    func run() throws {
        guard !images.isEmpty else { throw CLIError.message("\"wharf save\" requires at least 1 argument.") }
        let client = try CLIContext.client()
        var q = Query()
        for i in images { q.add("names", i) }
        try saveResponse(try client.send("GET", "/images/get", query: q), to: output)
    }
}

struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load an image from a tar archive or STDIN")
    @Option(name: .shortAndLong, help: "Read from tar archive file, instead of STDIN") var input: String?
    @Flag(name: .shortAndLong, help: "Suppress the load output") var quiet = false

    func run() throws {
        if input == nil && Output.isTerminal(0) {
            throw CLIError.message("requested load from stdin, but stdin is empty")
        }
        let client = try CLIContext.client()
        var q = Query()
        q.add("quiet", "1")
        let resp = try client.send("POST", "/images/load", query: q,
                                   body: try fileBody(input ?? "-", contentType: "application/x-tar"))
        try JSONProgress.print(resp, silent: quiet)
    }
}

struct Tag: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE")

    @Argument(help: "SOURCE_IMAGE[:TAG]") var source: String
    @Argument(help: "TARGET_IMAGE[:TAG]") var target: String

    func run() throws {
        let client = try CLIContext.client()
        let ref = ImageReference(target)
        if ref.digest != nil { throw CLIError.message("refusing to create a tag with a digest reference") }
        var q = Query()
        q.add("repo", ref.repository)
        q.add("tag", ref.tag ?? "latest")
        _ = try client.data("POST", "/images/\(Query.escapePath(source))/tag", query: q)
    }
}

struct RemoveImage: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rmi", abstract: "Remove one or more images")

    @Flag(name: .shortAndLong, help: "Force removal of the image") var force = false
    @Flag(name: .customLong("no-prune"), help: "Do not delete untagged parents") var noPrune = false
    @Argument(help: "IMAGE...") var images: [String] = []

    func run() throws {
        guard !images.isEmpty else { throw CLIError.message("\"wharf rmi\" requires at least 1 argument.") }
        let client = try CLIContext.client()
        var q = Query()
        q.flag("force", force)
        q.flag("noprune", noPrune)
        var errors: [String] = []
        for image in images {
            do {
                let items = try client.json("DELETE", "/images/\(Query.escapePath(image))", query: q).array ?? []
                var out = TextBuffer()
                for item in items {
                    if let u = item["Untagged"]?.string, !u.isEmpty { out.line("Untagged: " + u) }
                    if let d = item["Deleted"]?.string, !d.isEmpty { out.line("Deleted: " + d) }
                }
                out.flush()
            } catch {
                errors.append(describe(error))
            }
        }
        if !errors.isEmpty {
            Output.errLine(errors.joined(separator: "\n"))
            throw CLIError.exit(1)
        }
    }
}
