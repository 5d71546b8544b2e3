import Archive
import ArgumentParser
import Dockerfile
import WharfClient
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

struct Build: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Build an image from a Dockerfile")
    @Option(name: [.customShort("t"), .long], help: "Name and optionally a tag in the \"name:tag\" format") var tag: [String] = []
    @Option(name: [.customShort("f"), .long], help: "Name of the Dockerfile (default: \"PATH/Dockerfile\")") var file: String?
    @Option(name: .customLong("build-arg"), help: "Set build-time variables") var buildArg: [String] = []
    @Option(help: "Set the target build stage to build") var target: String?
    @Flag(name: .customLong("no-cache"), help: "Do not use cache when building the image") var noCache = false
    @Flag(name: .shortAndLong, help: "Suppress the build output and print image ID on success") var quiet = false
    @Option(help: "Write the image ID to the file") var iidfile: String?
    @Option(help: "Set metadata for an image") var label: [String] = []
    @Flag(help: "Always attempt to pull a newer version of the image") var pull = false
    @Option(help: "Remove intermediate containers after a successful build") var rm: Bool = true
    @Flag(name: .customLong("force-rm"), help: "Always remove intermediate containers") var forceRm = false
    @Option(help: "Set the networking mode for the RUN instructions during build") var network: String?
    @Option(help: "Set platform if server is multi-platform capable") var platform: String?
    @Option(name: .customLong("add-host"), help: "Add a custom host-to-IP mapping (\"host:ip\")") var addHost: [String] = []
    @Option(name: .customLong("shm-size"), help: "Size of /dev/shm") var shmSize: String?
    @Option(name: [.customShort("m"), .long], help: "Memory limit") var memory: String?
    @Argument(help: "PATH") var path: String

    func run() throws {
        guard FS.isDirectory(path) else {
            throw CLIError.message("unable to prepare context: path \"\(path)\" not found")
        }
        // -f is relative to the working directory, as with docker; the default is in PATH.
        let contextDir = ContainerFlags.absolute(path)
        let dockerfileHost = file.map(ContainerFlags.absolute) ?? contextDir + "/Dockerfile"
        let inside = dockerfileHost.hasPrefix(contextDir + "/")
        guard readFile(dockerfileHost) != nil else {
            throw CLIError.message("unable to prepare context: unable to evaluate symlinks in Dockerfile path: lstat \(dockerfileHost): no such file or directory")
        }
        // .dockerignore: `<Dockerfile>.dockerignore` beside a named Dockerfile wins.
        let ignoreText = readTextFile(dockerfileHost + ".dockerignore") ?? readTextFile(path + "/.dockerignore") ?? ""
        let ignore = DockerIgnore.parse(ignoreText)
        // A Dockerfile outside the context travels in the tar under a name of its own.
        let relDockerfile = inside ? String(dockerfileHost.dropFirst(contextDir.count + 1)) : ".dockerfile.\(getpid())"
        let tarPath = "/tmp/wharf-build-context-\(getpid()).tar"
        defer { unlink(tarPath) }
        let sink = try FileDescriptorSink(path: tarPath, mode: 0o600)
        let tar = TarWriter(sink)
        let keep: Set<String> = [relDockerfile, ".dockerignore"]
        try tar.appendTree(path, as: "", options: TreeArchiveOptions(include: { rel in
            keep.contains(rel) || !ignore.excludes(rel) || ignore.mayIncludeUnder(rel)
        }))
        if !inside, let bytes = readFile(dockerfileHost) {
            try tar.add(TarEntry(path: relDockerfile, kind: .file, mode: 0o644), contents: bytes)
        }
        try tar.finish()
        var st = stat()
        stat(tarPath, &st)
        if !quiet { Output.line("Sending build context to Docker daemon  \(HumanUnits.size(Double(st.st_size), precision: 4))") }

        var q = Query()
        q.add("dockerfile", relDockerfile)
        for t in tag { q.add("t", t) }
        if quiet { q.add("q", "1") }
        if noCache { q.add("nocache", "1") }
        if !rm { q.add("rm", "0") }
        if forceRm { q.add("forcerm", "1") }
        if pull { q.add("pull", "1") }
        if let target, !target.isEmpty { q.add("target", target) }
        if let network { q.add("networkmode", network) }
        if let platform { q.add("platform", platform) }
        if let s = shmSize { q.add("shmsize", String(try ContainerFlags.ramInBytes(s))) }
        if let m = memory { q.add("memory", String(try ContainerFlags.ramInBytes(m))) }
        if !addHost.isEmpty { q.add("extrahosts", addHost.joined(separator: ",")) }
        func pairs(_ list: [String], fromEnv: Bool) -> JSON {
            var members: [JSON.Member] = []
            for a in list {
                let kv = a.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
                if kv.count == 2 {
                    members.append(.init(kv[0], .string(kv[1])))
                } else if fromEnv, let v = getenvString(kv[0]) {
                    members.append(.init(kv[0], .string(v)))
                } else {
                    members.append(.init(kv[0], .null))
                }
            }
            return .object(members)
        }
        if !buildArg.isEmpty { q.add("buildargs", pairs(buildArg, fromEnv: true).compact) }
        if !label.isEmpty { q.add("labels", pairs(label, fromEnv: false).compact) }
        let client = try CLIContext.client()
        let resp = try client.send("POST", "/build", query: q, body: try fileBody(tarPath, contentType: "application/x-tar"),
                                   headers: [("X-Registry-Config", "e30=")])
        var imageID: String?
        var failure: (String, Int32)?
        try resp.forEachLine { line in
            guard !line.isEmpty, let m = try? JSON(parsing: line) else { return }
            if let err = m["errorDetail"]?["message"]?.string ?? m["error"]?.string {
                failure = (err, Int32(m["errorDetail"]?["code"]?.int ?? 1))
                return
            }
            if let id = m["aux"]?["ID"]?.string { imageID = id; return }
            if let s = m["stream"]?.string {
                if quiet, s.hasPrefix("sha256:") { imageID = s.trimming(" \n") }
                Output.out(s)
                return
            }
            if let status = m["status"]?.string, m["progressDetail"]?["current"] == nil, !quiet {
                Output.line((m["id"]?.string).map { "\($0): \(status)" } ?? status)
            }
        }
        if let (message, code) = failure {
            throw CLIError.status(message, code == 0 ? 1 : code)
        }
        if let iidfile, let imageID {
            let fd = open(iidfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            if fd >= 0 { Output.write(fd, Array(imageID.utf8)); close(fd) }
        }
    }
}

struct BuilderGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "builder", abstract: "Manage builds", subcommands: [BuilderPrune.self])
}

struct BuilderPrune: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "prune", abstract: "Remove build cache")
    @Flag(name: .shortAndLong, help: "Remove all unused build cache, not just dangling ones") var all = false
    @Flag(name: .shortAndLong, help: "Do not prompt for confirmation") var force = false

    func run() throws {
        if !force {
            Output.out("WARNING! This will remove all dangling build cache.\nAre you sure you want to continue? [y/N] ")
            guard let answer = readLine(), answer.lowercased().hasPrefix("y") else { return }
        }
        let client = try CLIContext.client()
        var q = Query()
        if all { q.add("all", "1") }
        let res = try client.json("POST", "/build/prune", query: q)
        printPruneResult("Deleted build cache objects:", res["CachesDeleted"]?.stringList ?? [], res["SpaceReclaimed"]?.int64 ?? 0)
    }
}
