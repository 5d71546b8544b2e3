import ArgumentParser
import WharfClient
#if canImport(Glibc)
import Glibc
#endif

struct Stats: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Display a live stream of container(s) resource usage statistics")
    @Flag(name: .shortAndLong, help: "Show all containers (default shows just running)") var all = false
    @Option(help: "Format output using a custom template") var format: String?
    @Flag(name: .customLong("no-stream"), help: "Disable streaming stats and only pull the first result") var noStream = false
    @Flag(name: .customLong("no-trunc"), help: "Do not truncate output") var noTrunc = false
    @Argument(help: "CONTAINER...") var containers: [String] = []

    static let defaultFormat = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}"

    func run() throws {
        let client = try CLIContext.client()
        let fmt = format ?? Self.defaultFormat
        while true {
            let targets = try containers.isEmpty ? listed(client) : containers
            let rows: [Result<JSON, CLIError>] = parallel(targets.count) { i in
                do {
                    var q = Query()
                    q.add("stream", "0")
                    let s = try client.json("GET", "/containers/\(Query.escapePath(targets[i]))/stats", query: q)
                    return .success(StatsRow.row(s, container: targets[i], noTrunc: noTrunc))
                } catch {
                    return .failure(.message(describe(error)))
                }
            }
            var ok: [JSON] = []
            for r in rows {
                switch r {
                case .success(let row): ok.append(row)
                case .failure(let e) where !containers.isEmpty: throw e
                case .failure: break
                }
            }
            let text = try ListFormat.render(format: fmt, rows: ok, headers: StatsRow.headers)
            if noStream {
                Output.out(text)
                return
            }
            // docker redraws the whole table in place.
            Output.out("\u{1B}[2J\u{1B}[H" + text)
            usleep(500_000)
        }
    }

    private func listed(_ client: Client) throws -> [String] {
        var q = Query()
        if all { q.add("all", "1") }
        return (try client.json("GET", "/containers/json", query: q).array ?? []).compactMap { c in
            c["Id"]?.string.map { String($0.prefix(12)) }
        }
    }
}

/// docker's stats columns (cli/command/container/stats_helpers.go) from one stats document.
enum StatsRow {
    static let headers = [
        "Container": "CONTAINER", "ID": "CONTAINER ID", "Name": "NAME", "CPUPerc": "CPU %",
        "MemUsage": "MEM USAGE / LIMIT", "MemPerc": "MEM %", "NetIO": "NET I/O", "BlockIO": "BLOCK I/O", "PIDs": "PIDS",
    ]

    static func row(_ s: JSON, container: String, noTrunc: Bool) -> JSON {
        let id = s["id"]?.string ?? ""
        var name = s["name"]?.string ?? ""
        if name.hasPrefix("/") { name.removeFirst() }
        let cpu = cpuPercent(s)
        let (mem, limit) = memory(s)
        let memPerc = limit > 0 ? mem / limit * 100 : 0
        var rx = 0.0, tx = 0.0
        for n in s["networks"]?.members ?? [] {
            rx += number(n.value["rx_bytes"])
            tx += number(n.value["tx_bytes"])
        }
        var read = 0.0, write = 0.0
        for e in s["blkio_stats"]?["io_service_bytes_recursive"]?.array ?? [] {
            switch (e["op"]?.string ?? "").lowercased() {
            case "read": read += number(e["value"])
            case "write": write += number(e["value"])
            default: break
            }
        }
        // A stopped container's document is all zeros, and docker shows it as such.
        func pct(_ v: Double) -> String { formatFixed(v, 2) + "%" }
        func pair(_ a: Double, _ b: Double) -> String { HumanUnits.size(a, precision: 3) + " / " + HumanUnits.size(b, precision: 3) }
        return .obj([
            "BlockIO": .string(pair(read, write)),
            "CPUPerc": .string(pct(cpu)),
            "Container": .string(container),
            "ID": .string(noTrunc ? id : String(id.prefix(12))),
            "MemPerc": .string(pct(memPerc)),
            "MemUsage": .string(HumanUnits.binarySize(mem) + " / " + HumanUnits.binarySize(limit)),
            "Name": .string(name.isEmpty ? "--" : name),
            "NetIO": .string(pair(rx, tx)),
            "PIDs": .string(String(Int64(number(s["pids_stats"]?["current"])))),
        ])
    }

    static func cpuPercent(_ s: JSON) -> Double {
        let total = number(s["cpu_stats"]?["cpu_usage"]?["total_usage"])
        let preTotal = number(s["precpu_stats"]?["cpu_usage"]?["total_usage"])
        let system = number(s["cpu_stats"]?["system_cpu_usage"])
        let preSystem = number(s["precpu_stats"]?["system_cpu_usage"])
        var cpus = number(s["cpu_stats"]?["online_cpus"])
        if cpus == 0 { cpus = Double(s["cpu_stats"]?["cpu_usage"]?["percpu_usage"]?.array?.count ?? 0) }
        let cpuDelta = total - preTotal, systemDelta = system - preSystem
        guard cpuDelta > 0, systemDelta > 0 else { return 0 }
        return cpuDelta / systemDelta * cpus * 100
    }

    /// Usage without the page cache that can be reclaimed, as docker shows it: v1 subtracts
    /// `total_inactive_file`, v2 `inactive_file`.
    static func memory(_ s: JSON) -> (Double, Double) {
        let m = s["memory_stats"]
        var usage = number(m?["usage"])
        let stats = m?["stats"]
        let inactive = stats?["total_inactive_file"] != nil ? number(stats?["total_inactive_file"]) : number(stats?["inactive_file"])
        if inactive < usage { usage -= inactive }
        return (usage, number(m?["limit"]))
    }

    static func number(_ j: JSON?) -> Double {
        if case .number(let n)? = j { return Double(n) ?? 0 }
        return 0
    }


    /// Go's `%.Nf`.
    static func formatFixed(_ v: Double, _ digits: Int) -> String {
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        let r = (v * scale).rounded() / scale
        let whole = Int64(r)
        var frac = String(Int64(((r - Double(whole)) * scale).rounded()))
        while frac.count < digits { frac = "0" + frac }
        return "\(whole).\(frac)"
    }
}
