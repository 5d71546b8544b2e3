import ArgumentParser
import WharfClient

/// The flags `run` and `create` share (docker's `containerOptions`).
struct ContainerFlags: ParsableArguments {
    @Flag(name: .shortAndLong, help: "Keep STDIN open even if not attached") var interactive = false
    @Flag(name: .shortAndLong, help: "Allocate a pseudo-TTY") var tty = false
    @Option(name: .shortAndLong, help: "Attach to STDIN, STDOUT or STDERR") var attach: [String] = []
    @Option(help: "Assign a name to the container") var name: String?
    @Option(name: .shortAndLong, help: "Set environment variables") var env: [String] = []
    @Option(name: .customLong("env-file"), help: "Read in a file of environment variables") var envFile: [String] = []
    @Option(name: [.customShort("w"), .long], help: "Working directory inside the container") var workdir: String?
    @Option(name: .shortAndLong, help: "Username or UID (format: <name|uid>[:<group|gid>])") var user: String?
    @Option(help: "Overwrite the default ENTRYPOINT of the image") var entrypoint: String?
    @Option(name: [.customShort("l"), .long], help: "Set meta data on a container") var label: [String] = []
    @Option(name: [.customShort("h"), .long], help: "Container host name") var hostname: String?
    @Option(help: "Container NIS domain name") var domainname: String?
    @Option(name: [.long, .customLong("net")], help: "Connect a container to a network") var network: String?
    @Option(name: [.customLong("network-alias"), .customLong("net-alias")], help: "Add network-scoped alias for the container") var networkAlias: [String] = []
    @Option(name: .customLong("stop-signal"), help: "Signal to stop the container") var stopSignal: String?
    @Option(name: .customLong("stop-timeout"), help: "Timeout (in seconds) to stop a container") var stopTimeout: Int?
    @Option(name: [.customShort("p"), .long], help: "Publish a container's port(s) to the host") var publish: [String] = []
    @Flag(name: [.customShort("P"), .customLong("publish-all")], help: "Publish all exposed ports to random ports") var publishAll = false
    @Option(help: "Expose a port or a range of ports") var expose: [String] = []
    @Option(name: [.customShort("v"), .long], help: "Bind mount a volume") var volume: [String] = []
    @Option(help: "Mount a tmpfs directory") var tmpfs: [String] = []
    @Option(help: "Attach a filesystem mount to the container") var mount: [String] = []
    @Option(name: .customLong("volumes-from"), help: "Mount volumes from the specified container(s)") var volumesFrom: [String] = []
    @Option(help: "Restart policy to apply when a container exits") var restart: String?
    @Flag(help: "Give extended privileges to this container") var privileged = false
    @Flag(name: .customLong("read-only"), help: "Mount the container's root filesystem as read only") var readOnly = false
    @Option(name: [.customShort("m"), .long], help: "Memory limit") var memory: String?
    @Option(help: "Number of CPUs") var cpus: String?
    @Option(name: .customLong("pids-limit"), help: "Tune container pids limit") var pidsLimit: Int64?
    @Option(name: .customLong("shm-size"), help: "Size of /dev/shm") var shmSize: String?
    @Option(name: .customLong("cap-add"), help: "Add Linux capabilities") var capAdd: [String] = []
    @Option(name: .customLong("cap-drop"), help: "Drop Linux capabilities") var capDrop: [String] = []
    @Option(name: .customLong("security-opt"), help: "Security Options") var securityOpt: [String] = []
    @Option(name: .customLong("add-host"), help: "Add a custom host-to-IP mapping (host:ip)") var addHost: [String] = []
    @Option(help: "Set custom DNS servers") var dns: [String] = []
    @Option(name: .customLong("dns-search"), help: "Set custom DNS search domains") var dnsSearch: [String] = []
    @Option(name: [.customLong("dns-option"), .customLong("dns-opt")], help: "Set DNS options") var dnsOption: [String] = []
    @Option(name: .customLong("group-add"), help: "Add additional groups to join") var groupAdd: [String] = []
    @Option(name: .customLong("log-driver"), help: "Logging driver for the container") var logDriver: String?
    @Option(name: .customLong("log-opt"), help: "Log driver options") var logOpt: [String] = []
    @Option(help: "Sysctl options") var sysctl: [String] = []
    @Option(help: "Add a host device to the container") var device: [String] = []
    @Option(name: .customLong("device-cgroup-rule"), help: "Add a rule to the cgroup allowed devices list") var deviceCgroupRule: [String] = []
    @Option(help: "Runtime to use for this container") var runtime: String?
    @Flag(help: "Run an init inside the container") var `init` = false
    @Option(help: "Set platform if server is multi-platform capable") var platform: String?

    /// The spec for `image` + `command`. `run` sets `isRun`, which makes `-i` imply
    /// `StdinOnce` and `-d` clear the attach flags, as docker does.
    func spec(image: String, command: [String], isRun: Bool, detach: Bool) throws -> ContainerSpec {
        var s = ContainerSpec()
        s.image = image
        s.command = command.isEmpty ? nil : command
        s.name = name
        s.platform = platform
        s.hostname = hostname ?? ""
        s.domainname = domainname ?? ""
        s.user = user ?? ""
        s.workingDir = workdir ?? ""
        s.tty = tty
        s.openStdin = interactive
        var attachIn = attach.contains { $0.lowercased() == "stdin" }
        var attachOut = attach.contains { $0.lowercased() == "stdout" }
        var attachErr = attach.contains { $0.lowercased() == "stderr" }
        for a in attach where !["stdin", "stdout", "stderr"].contains(a.lowercased()) {
            throw CLIError.status("invalid argument \"\(a)\" for \"-a, --attach\" flag: valid streams are STDIN, STDOUT and STDERR", 125)
        }
        if interactive { attachIn = true }
        if attach.isEmpty {
            attachOut = true
            attachErr = true
        }
        s.attachStdin = attachIn
        s.attachStdout = attachOut
        s.attachStderr = attachErr
        if isRun {
            if detach {
                if !attach.isEmpty { throw CLIError.status("Conflicting options: -a and -d", 125) }
                s.attachStdin = false
                s.attachStdout = false
                s.attachStderr = false
            } else if s.openStdin && s.attachStdin {
                s.stdinOnce = true
            }
        }
        var envList: [String] = []
        for f in envFile {
            guard let content = readTextFile(f) else {
                throw CLIError.status("open \(f): no such file or directory", 125)
            }
            envList += try EnvParsing.parseEnvFile(content)
        }
        for e in env { envList.append(try EnvParsing.validateEnv(e)) }
        s.env = envList.isEmpty ? nil : envList
        if let e = entrypoint { s.entrypoint = [e] }
        for l in label {
            let parts = l.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            s.labels[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        if let n = network, !n.isEmpty {
            s.networkMode = n
            s.sendEndpoint = false
        }
        if !networkAlias.isEmpty {
            let builtin = ["default", "bridge", "host", "none"].contains(s.networkMode) || s.networkMode.hasPrefix("container:")
            if builtin { throw CLIError.status("network-scoped aliases are only supported for user-defined networks", 125) }
            s.networkAliases = networkAlias
        }
        s.stopSignal = stopSignal
        s.stopTimeout = stopTimeout
        for p in publish {
            for (port, ip, hostPort) in try ContainerFlags.parsePort(p) {
                s.exposedPorts.append(port)
                s.portBindings.append((port, ip, hostPort))
            }
        }
        for e in expose {
            s.exposedPorts.append(e.contains("/") ? e : e + "/tcp")
        }
        s.publishAll = publishAll
        var binds: [String] = []
        for v in volume {
            let parts = v.split(separator: ":", omittingEmptySubsequences: false)
            if parts.count == 1 {
                s.volumes.append(v)
            } else if parts[0].hasPrefix(".") {
                // docker resolves a relative host path against the working directory.
                binds.append(ContainerFlags.absolute(String(parts[0])) + ":" + parts.dropFirst().joined(separator: ":"))
            } else {
                binds.append(v)
            }
        }
        if !binds.isEmpty { s.binds = binds }
        s.mounts = try mount.map(MountFlag.parse)
        if !volumesFrom.isEmpty { s.volumesFrom = volumesFrom }
        for t in tmpfs {
            let parts = t.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            s.tmpfs[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        if let r = restart {
            let parts = r.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
            s.restartName = String(parts[0])
            if parts.count > 1 {
                guard let n = Int(parts[1]) else { throw CLIError.status("invalid restart policy format: maximum retry count must be an integer", 125) }
                s.restartMax = n
            }
        }
        s.autoRemove = false
        s.privileged = privileged
        s.readonlyRootfs = readOnly
        if let m = memory { s.memory = try ContainerFlags.ramInBytes(m) }
        if let c = cpus {
            guard let v = Double(c) else { throw CLIError.status("invalid argument \"\(c)\" for \"--cpus\" flag", 125) }
            s.nanoCpus = Int64((v * 1e9).rounded())
        }
        s.pidsLimit = pidsLimit ?? 0
        if let sh = shmSize { s.shmSize = try ContainerFlags.ramInBytes(sh) }
        if !capAdd.isEmpty { s.capAdd = capAdd.map(ContainerFlags.normalizeCapability) }
        if !capDrop.isEmpty { s.capDrop = capDrop.map(ContainerFlags.normalizeCapability) }
        if !securityOpt.isEmpty { s.securityOpt = securityOpt }
        if !addHost.isEmpty { s.extraHosts = addHost }
        s.dns = dns
        s.dnsSearch = dnsSearch
        s.dnsOptions = dnsOption
        if !groupAdd.isEmpty { s.groupAdd = groupAdd }
        s.logType = logDriver ?? ""
        for o in logOpt {
            let parts = o.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            s.logConfig[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        for o in sysctl {
            let parts = o.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            s.sysctls[String(parts[0])] = parts.count > 1 ? String(parts[1]) : ""
        }
        s.devices = try device.map(ContainerFlags.parseDevice)
        if !deviceCgroupRule.isEmpty { s.deviceCgroupRules = deviceCgroupRule }
        s.runtime = runtime
        if self.`init` { s.initProcess = true }
        return s
    }

    /// `--device /dev/x[:/dev/y][:rwm]` as docker's `parseDevice`.
    static func parseDevice(_ spec: String) throws -> ContainerSpec.Device {
        let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        func isMode(_ m: String) -> Bool { !m.isEmpty && m.allSatisfy { "rwm".contains($0) } }
        var host = parts[0], container = "", perms = "rwm"
        switch parts.count {
        case 1: break
        case 2:
            if isMode(parts[1]) { perms = parts[1] } else { container = parts[1] }
        case 3:
            container = parts[1]
            guard isMode(parts[2]) else { throw CLIError.status("invalid argument \"\(spec)\" for \"--device\" flag: invalid device mode: \(parts[2])", 125) }
            perms = parts[2]
        default:
            throw CLIError.status("invalid argument \"\(spec)\" for \"--device\" flag: invalid device specification: \(spec)", 125)
        }
        if host.isEmpty { host = spec }
        if container.isEmpty { container = host }
        guard container.hasPrefix("/") else {
            throw CLIError.status("invalid argument \"\(spec)\" for \"--device\" flag: \(container) is not an absolute path", 125)
        }
        return .init(host: host, container: container, permissions: perms)
    }

    /// `path` made absolute against the working directory, with `.` and `..` resolved.
    static func absolute(_ path: String) -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        guard path.hasPrefix("/") || getcwd(&buf, buf.count) != nil else { return path }
        let cwd = String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        var parts = path.hasPrefix("/") ? [] : cwd.split(separator: "/").map(String.init)
        for p in path.split(separator: "/") {
            if p == "." { continue }
            if p == ".." { if !parts.isEmpty { parts.removeLast() }; continue }
            parts.append(String(p))
        }
        return "/" + parts.joined(separator: "/")
    }

    /// "net_admin" → "CAP_NET_ADMIN"; "all" → "ALL".
    static func normalizeCapability(_ c: String) -> String {
        let u = c.uppercased()
        if u == "ALL" || u.hasPrefix("CAP_") { return u }
        return "CAP_" + u
    }

    /// `-p [ip:][hostPort:]containerPort[/proto]` → (port/proto, hostIP, hostPort) entries.
    static func parsePort(_ spec: String) throws -> [(String, String, String)] {
        var rest = Substring(spec)
        var proto = "tcp"
        if let slash = rest.lastIndex(of: "/") {
            proto = String(rest[rest.index(after: slash)...])
            rest = rest[..<slash]
        }
        var ip = ""
        var hostPort = ""
        var containerPort: Substring
        if rest.hasPrefix("["), let close = rest.firstIndex(of: "]") {
            ip = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...].dropFirst()
        }
        let parts = rest.split(separator: ":", omittingEmptySubsequences: false)
        switch parts.count {
        case 1: containerPort = parts[0]
        case 2: hostPort = String(parts[0]); containerPort = parts[1]
        case 3: ip = String(parts[0]); hostPort = String(parts[1]); containerPort = parts[2]
        default: throw CLIError.status("invalid port format: \(spec)", 125)
        }
        guard !containerPort.isEmpty else { throw CLIError.status("no port specified: \(spec)<empty>", 125) }
        // Ranges: 8000-8002:80-82.
        let cr = containerPort.split(separator: "-").compactMap { Int($0) }
        guard !cr.isEmpty else { throw CLIError.status("invalid containerPort: \(containerPort)", 125) }
        let hr = hostPort.split(separator: "-").compactMap { Int($0) }
        if cr.count == 2 {
            var out: [(String, String, String)] = []
            for (i, p) in (cr[0]...cr[1]).enumerated() {
                let hp = hr.count == 2 ? String(hr[0] + i) : hostPort
                out.append(("\(p)/\(proto)", ip, hp))
            }
            return out
        }
        return [("\(cr[0])/\(proto)", ip, hostPort)]
    }

    /// go-units `RAMInBytes`: "64m" → 67108864, binary multiples, optional "b".
    static func ramInBytes(_ s: String) throws -> Int64 {
        var t = s.lowercased()
        if t.hasSuffix("b") { t.removeLast() }
        var mult: Double = 1
        if let last = t.last, let idx = "kmgtp".firstIndex(of: last) {
            mult = pow2(10 * ("kmgtp".distance(from: "kmgtp".startIndex, to: idx) + 1))
            t.removeLast()
        }
        guard let v = Double(t), v >= 0 else { throw CLIError.status("invalid size: '\(s)'", 125) }
        return Int64(v * mult)
    }

    private static func pow2(_ n: Int) -> Double {
        var r = 1.0
        for _ in 0..<n { r *= 2 }
        return r
    }
}

#if canImport(Glibc)
import Glibc
#endif

/// A whole file as UTF-8 text, or nil when it can't be read.
func readTextFile(_ path: String) -> String? {
    guard let bytes = readFile(path) else { return nil }
    return String(decoding: bytes, as: UTF8.self)
}

func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 { if errno == EINTR { continue }; return nil }
        if n == 0 { break }
        out.append(contentsOf: buf[0..<n])
    }
    return out
}
