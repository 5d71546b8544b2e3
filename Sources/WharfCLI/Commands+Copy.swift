import Archive
import ArgumentParser
import Glibc
import WharfAPI
import WharfClient
import WharfCore

/// The body of a response as a ByteSource, for reading a tar while it downloads.
final class ResponseSource: ByteSource {
    let response: HTTPResponse
    private var pending: [UInt8] = []
    private var offset = 0
    init(_ r: HTTPResponse) { response = r }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        while offset >= pending.count {
            guard let next = try response.read() else { return 0 }
            pending = next
            offset = 0
        }
        let n = min(buffer.count, pending.count - offset)
        pending.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        return n
    }
}

struct Copy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cp", abstract: "Copy files/folders between a container and the local filesystem")
    @Flag(name: [.customShort("a"), .long], help: "Archive mode (copy all uid/gid information)") var archive = false
    @Argument(help: "SRC_PATH") var source: String
    @Argument(help: "DEST_PATH") var destination: String

    static func split(_ arg: String) -> (container: String, path: String)? {
        guard !arg.hasPrefix("/"), !arg.hasPrefix("."), let colon = arg.firstIndex(of: ":") else { return nil }
        return (String(arg[..<colon]), String(arg[arg.index(after: colon)...]))
    }

    func run() throws {
        let client = try CLIContext.client()
        switch (Self.split(source), Self.split(destination)) {
        case (let src?, nil): try fromContainer(client, src.container, src.path)
        case (nil, let dst?): try toContainer(client, dst.container, dst.path)
        default: throw CLIError.message("copying between containers is not supported")
        }
    }

    private func fromContainer(_ client: Client, _ container: String, _ path: String) throws {
        var q = Query()
        q.add("path", path)
        let resp = try client.send("GET", "/containers/\(Query.escapePath(container))/archive", query: q)
        if destination == "-" {
            while let chunk = try resp.read() { Output.write(1, chunk) }
            return
        }
        // Into an existing directory under the source's own name; otherwise as DEST itself:
        // extracted next to it first, then renamed into place.
        var options = ExtractOptions(whiteouts: .keep)
        options.preserveOwnership = archive
        let source = ResponseSource(resp)
        if FS.isDirectory(destination) {
            _ = try extract(tar: source, into: destination, options: options)
            return
        }
        let parent = AtomicFile.parentDirectory(of: destination)
        guard FS.isDirectory(parent) else { throw CLIError.message("no such directory: \(parent)") }
        let staging = parent + "/.wharf-cp-\(getpid())"
        try FS.mkdirAll(staging, mode: 0o700)
        defer { try? FS.removeAll(staging) }
        _ = try extract(tar: source, into: staging, options: options)
        guard let top = FS.listDirectory(staging).first else { return }
        if Glibc.rename(staging + "/" + top, destination) != 0 {
            throw CLIError.message("rename \(destination): \(String(cString: strerror(errno)))")
        }
    }

    private func toContainer(_ client: Client, _ container: String, _ path: String) throws {
        var st = stat()
        guard source == "-" || lstat(source, &st) == 0 else {
            throw CLIError.message("stat \(source): no such file or directory")
        }
        // docker's rule: into PATH when it is a directory, else as PATH (in its parent).
        var dir = path
        var name = String(source.split(separator: "/").last ?? "")
        var q = Query()
        q.add("path", path)
        let head = try client.open("HEAD", "/containers/\(Query.escapePath(container))/archive", query: q)
        _ = try? head.readAll()
        if head.status == 404 {
            if path.hasSuffix("/") { throw CLIError.message("no such directory") }
            dir = AtomicFile.parentDirectory(of: path)
            if let last = path.split(separator: "/").last { name = String(last) }
        } else if head.status >= 400 {
            throw CLIError.message("Error response from daemon: \(head.status)")
        }
        let tarBytes: [UInt8]
        if source == "-" {
            var all: [UInt8] = []
            var buf = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buf.withUnsafeMutableBytes { Glibc.read(0, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                all += buf[0..<n]
            }
            tarBytes = all
        } else {
            let sink = BytesSink()
            let tar = TarWriter(sink)
            try tar.appendTree(source, as: name)
            try tar.finish()
            tarBytes = sink.bytes
        }
        var put = Query()
        put.add("noOverwriteDirNonDir", "true")
        put.add("path", dir)
        if archive { put.add("copyUIDGID", "true") }
        _ = try client.send("PUT", "/containers/\(Query.escapePath(container))/archive", query: put,
                            body: .bytes(tarBytes, contentType: "application/x-tar")).readAll()
    }
}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export a container's filesystem as a tar archive")
    @Option(name: .shortAndLong, help: "Write to a file, instead of STDOUT") var output: String?
    @Argument(help: "CONTAINER") var container: String

    func run() throws {
        let client = try CLIContext.client()
        let resp = try client.send("GET", "/containers/\(Query.escapePath(container))/export")
        try saveResponse(resp, to: output)
    }
}

/// A tar response (export, save) to `-o FILE` or to stdout, which must not be a terminal.
func saveResponse(_ resp: HTTPResponse, to output: String?) throws {
    var fd: Int32 = 1
    if let output {
        fd = open(output, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw CLIError.message("open \(output): \(String(cString: strerror(errno)))") }
    } else if Output.isTerminal(1) {
        throw CLIError.message("cowardly refusing to save to a terminal. Use the -o flag or redirect")
    }
    defer { if fd != 1 { close(fd) } }
    while let chunk = try resp.read() { Output.write(fd, chunk) }
}

struct Diff: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Inspect changes to files or directories on a container's filesystem")
    @Argument(help: "CONTAINER") var container: String

    func run() throws {
        let client = try CLIContext.client()
        let changes = try client.json("GET", "/containers/\(Query.escapePath(container))/changes")
        for c in changes.array ?? [] {
            let kind = ["C", "A", "D"][min(2, max(0, c["Kind"]?.int ?? 0))]
            Output.line("\(kind) \(c["Path"]?.string ?? "")")
        }
    }
}
