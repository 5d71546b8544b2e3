import ArgumentParser
import WharfClient

struct Update: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Update configuration of one or more containers")
    @Option(name: .customLong("cpu-period"), help: "Limit CPU CFS (Completely Fair Scheduler) period") var cpuPeriod: Int64?
    @Option(name: .customLong("cpu-quota"), help: "Limit CPU CFS (Completely Fair Scheduler) quota") var cpuQuota: Int64?
    @Option(name: [.customShort("c"), .customLong("cpu-shares")], help: "CPU shares (relative weight)") var cpuShares: Int64?
    @Option(help: "Number of CPUs") var cpus: String?
    @Option(name: .customLong("cpuset-cpus"), help: "CPUs in which to allow execution (0-3, 0,1)") var cpusetCpus: String?
    @Option(name: .customLong("cpuset-mems"), help: "MEMs in which to allow execution (0-3, 0,1)") var cpusetMems: String?
    @Option(name: [.customShort("m"), .long], help: "Memory limit") var memory: String?
    @Option(name: .customLong("memory-reservation"), help: "Memory soft limit") var memoryReservation: String?
    @Option(name: .customLong("memory-swap"), help: "Swap limit equal to memory plus swap: -1 to enable unlimited swap") var memorySwap: String?
    @Option(name: .customLong("pids-limit"), help: "Tune container pids limit (set -1 for unlimited)") var pidsLimit: Int64?
    @Option(help: "Restart policy to apply when a container exits") var restart: String?
    @Argument(help: "CONTAINER...") var containers: [String] = []

    func run() throws {
        var body: [JSON.Member] = []
        func int(_ key: String, _ v: Int64?) { if let v { body.append(.init(key, .int(v))) } }
        if let c = cpus {
            guard let v = Double(c) else { throw CLIError.status("invalid argument \"\(c)\" for \"--cpus\" flag", 125) }
            int("NanoCpus", Int64((v * 1e9).rounded()))
        }
        int("CpuShares", cpuShares)
        int("CpuPeriod", cpuPeriod)
        int("CpuQuota", cpuQuota)
        if let c = cpusetCpus { body.append(.init("CpusetCpus", .string(c))) }
        if let m = cpusetMems { body.append(.init("CpusetMems", .string(m))) }
        int("Memory", try memory.map(ContainerFlags.ramInBytes))
        int("MemoryReservation", try memoryReservation.map(ContainerFlags.ramInBytes))
        if let s = memorySwap { int("MemorySwap", s == "-1" ? -1 : try ContainerFlags.ramInBytes(s)) }
        int("PidsLimit", pidsLimit)
        if let r = restart {
            let parts = r.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            var max = 0
            if parts.count > 1 {
                guard let n = Int(parts[1]) else { throw CLIError.status("invalid restart policy format: maximum retry count must be an integer", 125) }
                max = n
            }
            body.append(.init("RestartPolicy", .obj(["Name": .string(String(parts[0])), "MaximumRetryCount": .int(max)])))
        }
        guard !body.isEmpty else {
            throw CLIError.message("you must provide one or more flags when using this command")
        }
        let payload = JSON.object(body)
        try forEachContainer(containers) { client, name in
            _ = try client.data("POST", "/containers/\(Query.escapePath(name))/update", body: .json(payload))
        }
    }
}

struct Commit: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a new image from a container's changes")
    @Option(name: .shortAndLong, help: "Author (e.g., \"John Hannibal Smith <hannibal@a-team.com>\")") var author: String?
    @Option(name: .shortAndLong, help: "Apply Dockerfile instruction to the created image") var change: [String] = []
    @Option(name: .shortAndLong, help: "Commit message") var message: String?
    @Option(name: .shortAndLong, help: "Pause container during commit") var pause: Bool = true
    @Argument(help: "CONTAINER") var container: String
    @Argument(help: "[REPOSITORY[:TAG]]") var reference: String?

    func run() throws {
        let client = try CLIContext.client()
        var q = Query()
        q.add("author", author ?? "")
        for c in change { q.add("changes", c) }
        q.add("comment", message ?? "")
        q.add("container", container)
        if !pause { q.add("pause", "0") }
        if let r = reference {
            let ref = ImageReference(r)
            if ref.digest != nil { throw CLIError.message("refusing to create a tag with a digest reference") }
            q.add("repo", ref.repository)
            q.add("tag", ref.tag ?? "latest")
        } else {
            q.add("repo", "")
            q.add("tag", "")
        }
        let res = try client.json("POST", "/commit", query: q)
        Output.line(res["Id"]?.string ?? "")
    }
}

struct Port: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List port mappings or a specific mapping for the container")
    @Argument(help: "CONTAINER") var container: String
    @Argument(help: "[PRIVATE_PORT[/PROTO]]") var privatePort: String?

    func run() throws {
        let client = try CLIContext.client()
        let c = try client.json("GET", "/containers/\(Query.escapePath(container))/json")
        let ports = c["NetworkSettings"]?["Ports"]?.members ?? []
        func hostPorts(_ m: JSON) -> [String] {
            (m.array ?? []).map { b in
                let ip = b["HostIp"]?.string ?? ""
                let host = ip.contains(":") ? "[\(ip)]" : ip
                return host + ":" + (b["HostPort"]?.string ?? "")
            }
        }
        if let p = privatePort {
            var key = p
            if !key.contains("/") { key += "/tcp" }
            let parts = key.split(separator: "/")
            guard parts.count == 2, let n = Int(parts[0]), (1...65535).contains(n) else {
                throw CLIError.message("Error: invalid port (\(p)): must be between 1 and 65535")
            }
            if let m = ports.first(where: { $0.key == key }), !m.value.isNull, !(m.value.array ?? []).isEmpty {
                for h in hostPorts(m.value) { Output.line(h) }
                return
            }
            throw CLIError.message("Error: No public port '\(p)' published for \(container)")
        }
        // docker sorts by port number, then protocol.
        let sorted = ports.sorted { a, b in
            let pa = a.key.split(separator: "/"), pb = b.key.split(separator: "/")
            let na = Int(pa.first ?? "") ?? 0, nb = Int(pb.first ?? "") ?? 0
            return na != nb ? na < nb : a.key < b.key
        }
        for m in sorted {
            for h in hostPorts(m.value) { Output.line("\(m.key) -> \(h)") }
        }
    }
}
