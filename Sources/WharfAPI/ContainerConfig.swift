/// `Config` of a container create request and of container inspect: what the image and the
/// user ask the process to be. Every field is optional because clients send `null`s freely.
public struct ContainerConfig: Codable, Sendable, Equatable {
    public var Hostname: String?
    public var Domainname: String?
    public var User: String?
    public var AttachStdin: Bool?
    public var AttachStdout: Bool?
    public var AttachStderr: Bool?
    public var ExposedPorts: [String: EmptyObject]?
    public var Tty: Bool?
    public var OpenStdin: Bool?
    public var StdinOnce: Bool?
    public var Env: [String]?
    public var Cmd: [String]?
    public var Healthcheck: HealthConfig?
    public var ArgsEscaped: Bool?
    public var Image: String?
    public var Volumes: [String: EmptyObject]?
    public var WorkingDir: String?
    public var Entrypoint: [String]?
    public var NetworkDisabled: Bool?
    public var MacAddress: String?
    public var OnBuild: [String]?
    public var Labels: [String: String]?
    public var StopSignal: String?
    public var StopTimeout: Int?
    public var Shell: [String]?

    public init() {}

    enum CodingKeys: String, CodingKey {
        case Hostname, Domainname, User, AttachStdin, AttachStdout, AttachStderr, ExposedPorts, Tty, OpenStdin
        case StdinOnce, Env, Cmd, Healthcheck, ArgsEscaped, Image, Volumes, WorkingDir, Entrypoint
        case NetworkDisabled, MacAddress, OnBuild, Labels, StopSignal, StopTimeout, Shell
    }

    // Docker accepts `"Cmd": "echo hi"` (a string) as well as an array; so do we.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        Hostname = try c.decodeIfPresent(String.self, forKey: .Hostname)
        Domainname = try c.decodeIfPresent(String.self, forKey: .Domainname)
        User = try c.decodeIfPresent(String.self, forKey: .User)
        AttachStdin = try c.decodeIfPresent(Bool.self, forKey: .AttachStdin)
        AttachStdout = try c.decodeIfPresent(Bool.self, forKey: .AttachStdout)
        AttachStderr = try c.decodeIfPresent(Bool.self, forKey: .AttachStderr)
        ExposedPorts = try c.decodeIfPresent([String: EmptyObject].self, forKey: .ExposedPorts)
        Tty = try c.decodeIfPresent(Bool.self, forKey: .Tty)
        OpenStdin = try c.decodeIfPresent(Bool.self, forKey: .OpenStdin)
        StdinOnce = try c.decodeIfPresent(Bool.self, forKey: .StdinOnce)
        Env = try c.decodeIfPresent([String].self, forKey: .Env)
        Cmd = try Self.stringOrList(c, .Cmd)
        Healthcheck = try c.decodeIfPresent(HealthConfig.self, forKey: .Healthcheck)
        ArgsEscaped = try c.decodeIfPresent(Bool.self, forKey: .ArgsEscaped)
        Image = try c.decodeIfPresent(String.self, forKey: .Image)
        Volumes = try c.decodeIfPresent([String: EmptyObject].self, forKey: .Volumes)
        WorkingDir = try c.decodeIfPresent(String.self, forKey: .WorkingDir)
        Entrypoint = try Self.stringOrList(c, .Entrypoint)
        NetworkDisabled = try c.decodeIfPresent(Bool.self, forKey: .NetworkDisabled)
        MacAddress = try c.decodeIfPresent(String.self, forKey: .MacAddress)
        OnBuild = try c.decodeIfPresent([String].self, forKey: .OnBuild)
        Labels = try c.decodeIfPresent([String: String].self, forKey: .Labels)
        StopSignal = try c.decodeIfPresent(String.self, forKey: .StopSignal)
        StopTimeout = try c.decodeIfPresent(Int.self, forKey: .StopTimeout)
        Shell = try c.decodeIfPresent([String].self, forKey: .Shell)
    }

    private static func stringOrList(_ c: KeyedDecodingContainer<CodingKeys>, _ k: CodingKeys) throws -> [String]? {
        if let l = try? c.decodeIfPresent([String].self, forKey: k) { return l }
        if let s = try c.decodeIfPresent(String.self, forKey: k) { return [s] }
        return nil
    }
}

/// `Healthcheck`: durations in nanoseconds; 0 means the default.
public struct HealthConfig: Codable, Sendable, Equatable {
    /// `["NONE"]`, `["CMD", args…]` or `["CMD-SHELL", command]`.
    public var Test: [String]?
    public var Interval: Int64?
    public var Timeout: Int64?
    public var StartPeriod: Int64?
    public var StartInterval: Int64?
    public var Retries: Int?
    public init(Test: [String]? = nil) { self.Test = Test }
}

/// `State.Health` in inspect.
public struct HealthState: Codable, Sendable, Equatable {
    public struct Result: Codable, Sendable, Equatable {
        public var Start: String
        public var End: String
        public var ExitCode: Int
        public var Output: String
        public init(Start: String, End: String, ExitCode: Int, Output: String) {
            self.Start = Start
            self.End = End
            self.ExitCode = ExitCode
            self.Output = Output
        }
    }
    public var Status: String
    public var FailingStreak: Int
    public var Log: [Result]
    public init(Status: String, FailingStreak: Int = 0, Log: [Result] = []) {
        self.Status = Status
        self.FailingStreak = FailingStreak
        self.Log = Log
    }
}

public struct RestartPolicy: Codable, Sendable, Equatable {
    public var Name: String?
    public var MaximumRetryCount: Int?
    public init(Name: String? = nil, MaximumRetryCount: Int? = nil) {
        self.Name = Name
        self.MaximumRetryCount = MaximumRetryCount
    }
}

public struct LogConfig: Codable, Sendable, Equatable {
    public var `Type`: String?
    public var Config: [String: String]?
    public init(Type: String? = nil, Config: [String: String]? = nil) {
        self.Type = Type
        self.Config = Config
    }
}

/// `HostConfig`: what the host provides. The fields Wharf acts on or echoes back in inspect.
public struct HostConfig: Codable, Sendable, Equatable {
    public var NetworkMode: String?
    public var AutoRemove: Bool?
    public var RestartPolicy: RestartPolicy?
    public var LogConfig: LogConfig?
    public var Privileged: Bool?
    public var ReadonlyRootfs: Bool?
    public var CapAdd: [String]?
    public var CapDrop: [String]?
    public var Binds: [String]?
    public var ConsoleSize: [Int]?
    public var Init: Bool?
    public var Runtime: String?
    public var ShmSize: Int64?
    public var SecurityOpt: [String]?
    public var ExtraHosts: [String]?
    public var Dns: [String]?
    public var DnsSearch: [String]?
    public var DnsOptions: [String]?
    public var PortBindings: JSONValue?
    public var Memory: Int64?
    public var NanoCpus: Int64?
    public var CpuShares: Int64?
    public var PidsLimit: Int64?
    public var GroupAdd: [String]?
    public var Sysctls: [String: String]?
    public var MemorySwap: Int64?
    public var MemoryReservation: Int64?
    public var MemorySwappiness: Int64?
    public var OomKillDisable: Bool?
    public var CpuQuota: Int64?
    public var CpuPeriod: Int64?
    public var CpusetCpus: String?
    public var CpusetMems: String?
    public var Ulimits: [Ulimit]?
    public var Devices: [DeviceMapping]?
    public var DeviceCgroupRules: [String]?
    public var Mounts: [Mount]?
    public var Tmpfs: [String: String]?
    public var VolumesFrom: [String]?
    public var VolumeDriver: String?

    public init() {}
}

/// `--device /dev/x[:/dev/y[:rwm]]`.
public struct DeviceMapping: Codable, Sendable, Equatable {
    public var PathOnHost: String
    public var PathInContainer: String
    public var CgroupPermissions: String
    public init(PathOnHost: String, PathInContainer: String, CgroupPermissions: String) {
        self.PathOnHost = PathOnHost
        self.PathInContainer = PathInContainer
        self.CgroupPermissions = CgroupPermissions
    }
}

/// `--ulimit nofile=1024:2048` → `{"Name":"nofile","Soft":1024,"Hard":2048}`.
public struct Ulimit: Codable, Sendable, Equatable {
    public var Name: String
    public var Soft: Int64
    public var Hard: Int64
    public init(Name: String, Soft: Int64, Hard: Int64) {
        self.Name = Name
        self.Soft = Soft
        self.Hard = Hard
    }
}

public struct EndpointSettings: Codable, Sendable, Equatable {
    public var IPAMConfig: JSONValue?
    public var Links: [String]?
    public var Aliases: [String]?
    public var MacAddress: String?
    public var NetworkID: String?
    public var EndpointID: String?
    public var Gateway: String?
    public var IPAddress: String?
    public var IPPrefixLen: Int?
    public var IPv6Gateway: String?
    public var GlobalIPv6Address: String?
    public var GlobalIPv6PrefixLen: Int?
    public var DNSNames: [String]?
    public init() {}
}

public struct NetworkingConfig: Codable, Sendable, Equatable {
    public var EndpointsConfig: [String: EndpointSettings]?
    public init() {}
}

/// The body of `POST /containers/create`: Config with HostConfig and NetworkingConfig inline.
public struct ContainerCreateRequest: Codable, Sendable {
    public var config: ContainerConfig
    public var hostConfig: HostConfig
    public var networkingConfig: NetworkingConfig?

    public init(config: ContainerConfig, hostConfig: HostConfig = HostConfig(), networkingConfig: NetworkingConfig? = nil) {
        self.config = config
        self.hostConfig = hostConfig
        self.networkingConfig = networkingConfig
    }

    enum Keys: String, CodingKey { case HostConfig, NetworkingConfig }

    public init(from decoder: any Decoder) throws {
        config = try ContainerConfig(from: decoder)
        let c = try decoder.container(keyedBy: Keys.self)
        hostConfig = try c.decodeIfPresent(HostConfig.self, forKey: .HostConfig) ?? HostConfig()
        networkingConfig = try c.decodeIfPresent(NetworkingConfig.self, forKey: .NetworkingConfig)
    }

    public func encode(to encoder: any Encoder) throws {
        try config.encode(to: encoder)
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(hostConfig, forKey: .HostConfig)
        try c.encodeIfPresent(networkingConfig, forKey: .NetworkingConfig)
    }
}

public struct ContainerCreateResponse: Codable, Sendable {
    public var Id: String
    public var Warnings: [String]
    public init(Id: String, Warnings: [String] = []) {
        self.Id = Id
        self.Warnings = Warnings
    }
}

public struct ContainerWaitResponse: Codable, Sendable {
    public struct WaitError: Codable, Sendable { public var Message: String }
    public var Error: WaitError?
    public var StatusCode: Int
    public init(StatusCode: Int, error: String? = nil) {
        self.StatusCode = StatusCode
        self.Error = error.map { WaitError(Message: $0) }
    }
    enum CodingKeys: String, CodingKey { case Error, StatusCode }
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let e = Error { try c.encode(e, forKey: .Error) } else { try c.encodeNil(forKey: .Error) }
        try c.encode(StatusCode, forKey: .StatusCode)
    }
}
