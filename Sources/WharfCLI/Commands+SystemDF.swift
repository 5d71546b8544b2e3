import ArgumentParser
import WharfClient

struct SystemGroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "system", abstract: "Manage Docker", subcommands: [SystemDF.self])
}

/// `system df`: the summary table docker prints (cli/command/formatter/disk_usage.go).
struct SystemDF: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "df", abstract: "Show docker disk usage")
    @Option(help: "Format output using a custom template") var format: String?

    static let headers = ["Type": "TYPE", "TotalCount": "TOTAL", "Active": "ACTIVE", "Size": "SIZE",
                          "Reclaimable": "RECLAIMABLE"]

    func run() throws {
        let client = try CLIContext.client()
        let du = try client.json("GET", "/system/df")
        Output.out(try ListFormat.render(format: format ?? "table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}",
                                         rows: Self.rows(du), headers: Self.headers))
    }

    static func rows(_ du: JSON) -> [JSON] {
        func reclaim(_ r: Int64, of total: Int64) -> String {
            total > 0 ? "\(HumanUnits.size(r)) (\(r * 100 / total)%)" : HumanUnits.size(r)
        }
        func row(_ type: String, _ total: Int, _ active: Int, _ size: Int64, _ reclaimable: String) -> JSON {
            .obj(["Type": .string(type), "TotalCount": .string(String(total)), "Active": .string(String(active)),
                  "Size": .string(HumanUnits.size(size)), "Reclaimable": .string(reclaimable)])
        }
        let images = du["Images"]?.array ?? []
        let layers = du["LayersSize"]?.int64 ?? 0
        var used: Int64 = 0
        for i in images where (i["Containers"]?.int64 ?? 0) != 0 {
            let size = i["Size"]?.int64 ?? -1, shared = i["SharedSize"]?.int64 ?? -1
            if size == -1 || shared == -1 { continue }
            used += size - shared
        }
        let containers = du["Containers"]?.array ?? []
        func isActive(_ c: JSON) -> Bool {
            let s = c["State"]?.string ?? ""
            return s.contains("running") || s.contains("paused") || s.contains("restarting")
        }
        var cSize: Int64 = 0, cReclaim: Int64 = 0
        for c in containers {
            let rw = c["SizeRw"]?.int64 ?? 0
            cSize += rw
            if !isActive(c) { cReclaim += rw }
        }
        let volumes = du["Volumes"]?.array ?? []
        var vSize: Int64 = 0, vReclaim: Int64 = 0, vActive = 0
        for v in volumes {
            let size = v["UsageData"]?["Size"]?.int64 ?? -1
            let refs = v["UsageData"]?["RefCount"]?.int64 ?? 0
            if refs > 0 { vActive += 1 }
            if size > 0 {
                vSize += size
                if refs == 0 { vReclaim += size }
            }
        }
        let cache = du["BuildCache"]?.array ?? []
        return [
            row("Images", images.count, images.filter { ($0["Containers"]?.int64 ?? 0) > 0 }.count, layers,
                reclaim(layers - used, of: layers)),
            row("Containers", containers.count, containers.filter(isActive).count, cSize, reclaim(cReclaim, of: cSize)),
            row("Local Volumes", volumes.count, vActive, vSize, reclaim(vReclaim, of: vSize)),
            row("Build Cache", cache.count, 0, 0, "0B"),
        ]
    }
}
