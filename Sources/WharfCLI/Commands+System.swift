#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif
import ArgumentParser
import WharfAPI
import WharfClient
import WharfCore

struct Version: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show the Wharf version information")

    @Option(name: .shortAndLong, help: "Format output using a custom template") var format: String?

    func run() throws {
        let client = try CLIContext.client()
        var serverJSON: JSON?
        var serverError: (any Error)?
        do { serverJSON = try client.json("GET", "/version") } catch { serverError = error }
        let negotiated = (try? client.version()).map(\.description) ?? APIVersion.current.description
        var api = negotiated
        if negotiated != APIVersion.current.description { api += " (downgraded from \(APIVersion.current))" }
        let arch = Version.goArch()
        if let format {
            let data = JSON.obj([
                "Client": .obj([
                    "Version": .string(WharfClientVersion.string), "ApiVersion": .string(negotiated),
                    "DefaultAPIVersion": .string(APIVersion.current.description), "Os": .string("linux"), "Arch": .string(arch),
                ]),
                "Server": serverJSON ?? .null,
            ])
            try InspectOutput.print([Array(data.compact.utf8)], format: format)
            if let serverError { throw CLIError.message(describe(serverError)) }
            return
        }
        var out = TextBuffer()
        out.line("Client:")
        out.line(" Version:           \(WharfClientVersion.string)")
        out.line(" API version:       \(api)")
        out.line(" Built with:        Swift")
        out.line(" OS/Arch:           linux/\(arch)")
        out.line(" Context:           default")
        if let s = serverJSON {
            out.line("")
            let platform = s["Platform"]?["Name"]?.string ?? ""
            out.line("Server:" + (platform.isEmpty ? "" : " " + platform))
            for comp in s["Components"]?.array ?? [] {
                let name = comp["Name"]?.string ?? ""
                let d = comp["Details"]
                out.line(" \(name):")
                if name == "Engine" {
                    out.line("  Version:          \(comp["Version"]?.string ?? "")")
                    out.line("  API version:      \(d?["ApiVersion"]?.string ?? "") (minimum version \(d?["MinAPIVersion"]?.string ?? ""))")
                    out.line("  Go version:       \(d?["GoVersion"]?.string ?? "")")
                    out.line("  Git commit:       \(d?["GitCommit"]?.string ?? "")")
                    out.line("  Built:            \(Version.ansic(d?["BuildTime"]?.string ?? ""))")
                    out.line("  OS/Arch:          \(d?["Os"]?.string ?? "")/\(d?["Arch"]?.string ?? "")")
                    out.line("  Experimental:     \(d?["Experimental"]?.string ?? "false")")
                } else {
                    out.line("  Version:          \(comp["Version"]?.string ?? "")")
                    for m in (d?.members ?? []).sorted(by: { $0.key < $1.key }) {
                        let label = m.key + ":"
                        out.line("  " + label + String(repeating: " ", count: max(1, 18 - label.count)) + (m.value.string ?? GoTemplate.printValue(m.value)))
                    }
                }
            }
            if s["Components"]?.array?.isEmpty ?? true {
                out.line(" Engine:")
                out.line("  Version:          \(s["Version"]?.string ?? "")")
                out.line("  API version:      \(s["ApiVersion"]?.string ?? "") (minimum version \(s["MinAPIVersion"]?.string ?? ""))")
                out.line("  OS/Arch:          \(s["Os"]?.string ?? "")/\(s["Arch"]?.string ?? "")")
            }
        }
        out.flush()
        if let serverError { throw CLIError.message(describe(serverError)) }
    }

    /// An RFC 3339 build time as docker shows it (Go's ANSIC layout, local time).
    static func ansic(_ s: String) -> String {
        guard let ts = Timestamp(rfc3339: s) else { return s }
        var t = time_t(ts.seconds)
        var tmv = tm()
        localtime_r(&t, &tmv)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func p2(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let day = tmv.tm_mday < 10 ? " \(tmv.tm_mday)" : "\(tmv.tm_mday)"
        return "\(days[Int(tmv.tm_wday)]) \(months[Int(tmv.tm_mon)]) \(day) \(p2(tmv.tm_hour)):\(p2(tmv.tm_min)):\(p2(tmv.tm_sec)) \(Int(tmv.tm_year) + 1900)"
    }

    static func goArch() -> String {
        #if arch(x86_64)
        return "amd64"
        #elseif arch(arm64)
        return "arm64"
        #else
        return "unknown"
        #endif
    }
}

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Display system-wide information")

    @Option(name: .shortAndLong, help: "Format output using a custom template") var format: String?

    func run() throws {
        let client = try CLIContext.client()
        let raw = try client.data("GET", "/info")
        if let format {
            try InspectOutput.print([raw], format: format)
            return
        }
        let i = try JSON(parsing: raw)
        func s(_ k: String) -> String { i[k].map { $0.string ?? GoTemplate.printValue($0) } ?? "" }
        var out = TextBuffer()
        out.line("Client:")
        out.line(" Version:    \(WharfClientVersion.string)")
        out.line(" Context:    default")
        out.line(" Debug Mode: false")
        out.line("")
        out.line("Server:")
        out.line(" Containers: \(s("Containers"))")
        out.line("  Running: \(s("ContainersRunning"))")
        out.line("  Paused: \(s("ContainersPaused"))")
        out.line("  Stopped: \(s("ContainersStopped"))")
        out.line(" Images: \(s("Images"))")
        out.line(" Server Version: \(s("ServerVersion"))")
        out.line(" Storage Driver: \(s("Driver"))")
        for pair in i["DriverStatus"]?.array ?? [] {
            let p = pair.stringList
            if p.count == 2 { out.line("  \(p[0]): \(p[1])") }
        }
        out.line(" Logging Driver: \(s("LoggingDriver"))")
        out.line(" Cgroup Driver: \(s("CgroupDriver"))")
        out.line(" Cgroup Version: \(s("CgroupVersion"))")
        out.line(" Plugins:")
        out.line("  Volume: \((i["Plugins"]?["Volume"]?.stringList ?? []).joined(separator: " "))")
        out.line("  Network: \((i["Plugins"]?["Network"]?.stringList ?? []).joined(separator: " "))")
        out.line("  Log: \((i["Plugins"]?["Log"]?.stringList ?? []).joined(separator: " "))")
        out.line(" Swarm: \(i["Swarm"]?["LocalNodeState"]?.string ?? "inactive")")
        let runtimes = (i["Runtimes"]?.members ?? []).map(\.key).sorted()
        out.line(" Runtimes: \(runtimes.joined(separator: " "))")
        out.line(" Default Runtime: \(s("DefaultRuntime"))")
        out.line(" Security Options:")
        for o in i["SecurityOptions"]?.stringList ?? [] {
            let fields = o.split(separator: ",")
            for f in fields {
                if f.hasPrefix("name=") { out.line("  " + f.dropFirst(5)) } else if f.hasPrefix("profile=") { out.line("   Profile: " + f.dropFirst(8)) }
            }
        }
        out.line(" Kernel Version: \(s("KernelVersion"))")
        out.line(" Operating System: \(s("OperatingSystem"))")
        out.line(" OSType: \(s("OSType"))")
        out.line(" Architecture: \(s("Architecture"))")
        out.line(" CPUs: \(s("NCPU"))")
        out.line(" Total Memory: \(HumanUnits.binarySize(Double(i["MemTotal"]?.int64 ?? 0)))")
        out.line(" Name: \(s("Name"))")
        out.line(" ID: \(s("ID"))")
        out.line(" Docker Root Dir: \(s("DockerRootDir"))")
        out.line(" Debug Mode: \(s("Debug"))")
        out.line(" Experimental: \(s("ExperimentalBuild"))")
        let insecure = i["RegistryConfig"]?["InsecureRegistryCIDRs"]?.stringList ?? []
        if !insecure.isEmpty {
            out.line(" Insecure Registries:")
            for r in insecure { out.line("  " + r) }
        }
        out.line(" Live Restore Enabled: \(s("LiveRestoreEnabled"))")
        out.flush()
        for w in i["Warnings"]?.stringList ?? [] { Output.errLine(w) }
    }

}
