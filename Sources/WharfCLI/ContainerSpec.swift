import WharfClient

/// What `run`/`create` flags ask for, before it becomes the create body.
public struct ContainerSpec: Sendable, Equatable {
    public var image = ""
    public var command: [String]?
    public var name: String?
    public var platform: String?
    public var hostname = ""
    public var domainname = ""
    public var user = ""
    public var attachStdin = false
    public var attachStdout = true
    public var attachStderr = true
    public var tty = false
    public var openStdin = false
    public var stdinOnce = false
    public var env: [String]?
    public var exposedPorts: [String] = []
    public var volumes: [String] = []
    public var workingDir = ""
    public var entrypoint: [String]?
    public var labels: [String: String] = [:]
    public var stopSignal: String?
    public var stopTimeout: Int?
    // HostConfig
    public var binds: [String]?
    public var networkMode = "default"
    public var networkAliases: [String]?
    /// docker sends an endpoint entry for the implicit default network, or when the one
    /// network given has options (aliases); otherwise `EndpointsConfig` is empty.
    public var sendEndpoint = true
    public var portBindings: [(String, String, String)] = []  // (port/proto, hostIP, hostPort)
    public var restartName = "no"
    public var restartMax = 0
    public var autoRemove = false
    public var consoleSize = (0, 0)
    public var capAdd: [String]?
    public var capDrop: [String]?
    public var dns: [String] = []
    public var dnsOptions: [String] = []
    public var dnsSearch: [String] = []
    public var extraHosts: [String]?
    public var groupAdd: [String]?
    public var privileged = false
    public var publishAll = false
    public var readonlyRootfs = false
    public var securityOpt: [String]?
    public var tmpfs: [String: String] = [:]
    public var shmSize: Int64 = 0
    public var runtime: String?
    public var memory: Int64 = 0
    public var nanoCpus: Int64 = 0
    public var pidsLimit: Int64 = 0
    public var logType = ""
    public var logConfig: [String: String] = [:]
    public var initProcess: Bool?
    public var sysctls: [String: String] = [:]
    public struct Device: Sendable, Equatable {
        public var host: String
        public var container: String
        public var permissions: String
    }
    public var devices: [Device] = []
    public var mounts: [JSON] = []
    public var volumesFrom: [String]?
    public var deviceCgroupRules: [String]?

    public init() {}

    public static func == (a: ContainerSpec, b: ContainerSpec) -> Bool {
        CreateBody.json(a) == CreateBody.json(b) && a.name == b.name && a.platform == b.platform
    }
}

/// The `POST /containers/create` body exactly as the docker CLI encodes it: the full Go
/// structs with zero values, in Go's field order, maps with sorted keys.
public enum CreateBody {
    public static func json(_ s: ContainerSpec) -> JSON {
        var config: [JSON.Member] = [
            .init("Hostname", .string(s.hostname)),
            .init("Domainname", .string(s.domainname)),
            .init("User", .string(s.user)),
            .init("AttachStdin", .bool(s.attachStdin)),
            .init("AttachStdout", .bool(s.attachStdout)),
            .init("AttachStderr", .bool(s.attachStderr)),
        ]
        if !s.exposedPorts.isEmpty {
            config.append(.init("ExposedPorts", .object(Set(s.exposedPorts).sorted().map { .init($0, .object([])) })))
        }
        config += [
            .init("Tty", .bool(s.tty)),
            .init("OpenStdin", .bool(s.openStdin)),
            .init("StdinOnce", .bool(s.stdinOnce)),
            .init("Env", .strings(s.env)),
            .init("Cmd", .strings(s.command)),
            .init("Image", .string(s.image)),
            .init("Volumes", .object(Set(s.volumes).sorted().map { .init($0, .object([])) })),
            .init("WorkingDir", .string(s.workingDir)),
            .init("Entrypoint", .strings(s.entrypoint)),
            .init("OnBuild", .null),
            .init("Labels", .stringMap(s.labels)),
        ]
        if let sig = s.stopSignal { config.append(.init("StopSignal", .string(sig))) }
        if let t = s.stopTimeout { config.append(.init("StopTimeout", .int(t))) }
        config.append(.init("HostConfig", hostConfig(s)))
        var endpoint = endpointSettings()
        if let aliases = s.networkAliases, case .object(var m) = endpoint {
            m[2] = .init("Aliases", .strings(aliases))
            endpoint = .object(m)
        }
        let endpoints: [JSON.Member] = s.sendEndpoint || s.networkAliases != nil ? [.init(s.networkMode, endpoint)] : []
        config.append(.init("NetworkingConfig", .obj(["EndpointsConfig": .object(endpoints)])))
        return .object(config)
    }

    static func endpointSettings() -> JSON {
        .obj([
            "IPAMConfig": .null, "Links": .null, "Aliases": .null, "MacAddress": .string(""), "DriverOpts": .null,
            "GwPriority": .int(0), "NetworkID": .string(""), "EndpointID": .string(""), "Gateway": .string(""),
            "IPAddress": .string(""), "IPPrefixLen": .int(0), "IPv6Gateway": .string(""),
            "GlobalIPv6Address": .string(""), "GlobalIPv6PrefixLen": .int(0), "DNSNames": .null,
        ])
    }

    static func hostConfig(_ s: ContainerSpec) -> JSON {
        var bindings: [JSON.Member] = []
        for port in Set(s.portBindings.map(\.0)).sorted() {
            let list = s.portBindings.filter { $0.0 == port }.map { JSON.obj(["HostIp": .string($0.1), "HostPort": .string($0.2)]) }
            bindings.append(.init(port, .array(list)))
        }
        var h: [JSON.Member] = [
            .init("Binds", .strings(s.binds)),
            .init("ContainerIDFile", .string("")),
            .init("LogConfig", .obj(["Type": .string(s.logType), "Config": .stringMap(s.logConfig)])),
            .init("NetworkMode", .string(s.networkMode)),
            .init("PortBindings", .object(bindings)),
            .init("RestartPolicy", .obj(["Name": .string(s.restartName), "MaximumRetryCount": .int(s.restartMax)])),
            .init("AutoRemove", .bool(s.autoRemove)),
            .init("VolumeDriver", .string("")),
            .init("VolumesFrom", .strings(s.volumesFrom)),
            .init("ConsoleSize", .array([.int(s.consoleSize.0), .int(s.consoleSize.1)])),
            .init("CapAdd", .strings(s.capAdd)),
            .init("CapDrop", .strings(s.capDrop)),
            .init("CgroupnsMode", .string("")),
            .init("Dns", .strings(s.dns)),
            .init("DnsOptions", .strings(s.dnsOptions)),
            .init("DnsSearch", .strings(s.dnsSearch)),
            .init("ExtraHosts", .strings(s.extraHosts)),
            .init("GroupAdd", .strings(s.groupAdd)),
            .init("IpcMode", .string("")),
            .init("Cgroup", .string("")),
            .init("Links", .null),
            .init("OomScoreAdj", .int(0)),
            .init("PidMode", .string("")),
            .init("Privileged", .bool(s.privileged)),
            .init("PublishAllPorts", .bool(s.publishAll)),
            .init("ReadonlyRootfs", .bool(s.readonlyRootfs)),
            .init("SecurityOpt", .strings(s.securityOpt)),
        ]
        if !s.tmpfs.isEmpty { h.append(.init("Tmpfs", .stringMap(s.tmpfs))) }
        h += [
            .init("UTSMode", .string("")),
            .init("UsernsMode", .string("")),
            .init("ShmSize", .int(s.shmSize)),
        ]
        if !s.sysctls.isEmpty { h.append(.init("Sysctls", .stringMap(s.sysctls))) }
        if let r = s.runtime { h.append(.init("Runtime", .string(r))) }
        h += [
            .init("Isolation", .string("")),
            .init("CpuShares", .int(0)),
            .init("Memory", .int(s.memory)),
            .init("NanoCpus", .int(s.nanoCpus)),
            .init("CgroupParent", .string("")),
            .init("BlkioWeight", .int(0)),
            .init("BlkioWeightDevice", .array([])),
            .init("BlkioDeviceReadBps", .array([])),
            .init("BlkioDeviceWriteBps", .array([])),
            .init("BlkioDeviceReadIOps", .array([])),
            .init("BlkioDeviceWriteIOps", .array([])),
            .init("CpuPeriod", .int(0)),
            .init("CpuQuota", .int(0)),
            .init("CpuRealtimePeriod", .int(0)),
            .init("CpuRealtimeRuntime", .int(0)),
            .init("CpusetCpus", .string("")),
            .init("CpusetMems", .string("")),
            .init("Devices", .array(s.devices.map {
                .obj(["PathOnHost": .string($0.host), "PathInContainer": .string($0.container),
                      "CgroupPermissions": .string($0.permissions)])
            })),
            .init("DeviceCgroupRules", .strings(s.deviceCgroupRules)),
            .init("DeviceRequests", .null),
            .init("MemoryReservation", .int(0)),
            .init("MemorySwap", .int(0)),
            .init("MemorySwappiness", .int(-1)),
            .init("OomKillDisable", .bool(false)),
            .init("PidsLimit", .int(s.pidsLimit)),
            .init("Ulimits", .array([])),
            .init("CpuCount", .int(0)),
            .init("CpuPercent", .int(0)),
            .init("IOMaximumIOps", .int(0)),
            .init("IOMaximumBandwidth", .int(0)),
        ]
        if !s.mounts.isEmpty { h.append(.init("Mounts", .array(s.mounts))) }
        h += [
            .init("MaskedPaths", .null),
            .init("ReadonlyPaths", .null),
        ]
        if let i = s.initProcess { h.append(.init("Init", .bool(i))) }
        return .object(h)
    }
}
