public struct VersionComponent: Codable, Sendable {
    public var Name: String
    public var Version: String
    public var Details: [String: String]?
    public init(Name: String, Version: String, Details: [String: String]?) {
        self.Name = Name
        self.Version = Version
        self.Details = Details
    }
}

/// `GET /version`.
public struct SystemVersion: Codable, Sendable {
    public struct PlatformName: Codable, Sendable {
        public var Name: String
        public init(Name: String) { self.Name = Name }
    }
    public var Platform: PlatformName
    public var Components: [VersionComponent]
    public var Version: String
    public var ApiVersion: String
    public var MinAPIVersion: String
    public var GitCommit: String
    public var GoVersion: String
    public var Os: String
    public var Arch: String
    public var KernelVersion: String
    public var BuildTime: String

    public init(Platform: PlatformName, Components: [VersionComponent], Version: String, ApiVersion: String,
                MinAPIVersion: String, GitCommit: String, GoVersion: String, Os: String, Arch: String,
                KernelVersion: String, BuildTime: String) {
        self.Platform = Platform
        self.Components = Components
        self.Version = Version
        self.ApiVersion = ApiVersion
        self.MinAPIVersion = MinAPIVersion
        self.GitCommit = GitCommit
        self.GoVersion = GoVersion
        self.Os = Os
        self.Arch = Arch
        self.KernelVersion = KernelVersion
        self.BuildTime = BuildTime
    }
}

/// `GET /info`: the subset of Docker's fields that clients read.
public struct SystemInfo: Codable, Sendable {
    public struct Runtime: Codable, Sendable {
        public var path: String
        public init(path: String) { self.path = path }
    }
    public struct SwarmInfo: Codable, Sendable {
        public var NodeID: String = ""
        public var NodeAddr: String = ""
        public var LocalNodeState: String = "inactive"
        public var ControlAvailable: Bool = false
        public var Error: String = ""
        public var RemoteManagers: JSONValue? = nil
        public init() {}
    }
    public struct Plugins: Codable, Sendable {
        public var Volume: [String]
        public var Network: [String]
        public var Authorization: [String]?
        public var Log: [String]
        public init() {
            Volume = ["local"]
            Network = ["host", "null"]
            Authorization = nil
            Log = ["json-file", "none"]
        }
    }
    public struct RegistryConfig: Codable, Sendable {
        public var InsecureRegistryCIDRs: [String] = ["127.0.0.0/8"]
        public var IndexConfigs: [String: JSONValue] = [:]
        public var Mirrors: [String] = []
        public init() {}
    }
    public var ID: String
    public var Containers: Int
    public var ContainersRunning: Int
    public var ContainersPaused: Int
    public var ContainersStopped: Int
    public var Images: Int
    public var Driver: String
    public var DriverStatus: [[String]]
    public var Plugins: Plugins
    public var MemoryLimit: Bool = true
    public var SwapLimit: Bool = true
    public var CpuCfsPeriod: Bool = true
    public var CpuCfsQuota: Bool = true
    public var CPUShares: Bool = true
    public var CPUSet: Bool = true
    public var PidsLimit: Bool = true
    public var IPv4Forwarding: Bool = true
    public var Debug: Bool
    public var NFd: Int
    public var NGoroutines: Int
    public var SystemTime: String
    public var LoggingDriver: String
    public var CgroupDriver: String
    public var CgroupVersion: String
    public var NEventsListener: Int
    public var KernelVersion: String
    public var OperatingSystem: String
    public var OSVersion: String
    public var OSType: String
    public var Architecture: String
    public var IndexServerAddress: String
    public var RegistryConfig: RegistryConfig
    public var NCPU: Int
    public var MemTotal: Int64
    public var DockerRootDir: String
    public var HttpProxy: String = ""
    public var HttpsProxy: String = ""
    public var NoProxy: String = ""
    public var Name: String
    public var Labels: [String]
    public var ExperimentalBuild: Bool
    public var ServerVersion: String
    public var Runtimes: [String: Runtime]
    public var DefaultRuntime: String
    public var Swarm: SwarmInfo
    public var LiveRestoreEnabled: Bool
    public var Isolation: String
    public var InitBinary: String
    public var SecurityOptions: [String]
    public var Warnings: [String]?

    public init(ID: String, Containers: Int, ContainersRunning: Int, ContainersPaused: Int, ContainersStopped: Int,
                Images: Int, Debug: Bool, NFd: Int, SystemTime: String, CgroupVersion: String, KernelVersion: String,
                OperatingSystem: String, OSVersion: String, Architecture: String, NCPU: Int, MemTotal: Int64,
                DockerRootDir: String, Name: String, Runtimes: [String: Runtime], DefaultRuntime: String) {
        self.ID = ID
        self.Containers = Containers
        self.ContainersRunning = ContainersRunning
        self.ContainersPaused = ContainersPaused
        self.ContainersStopped = ContainersStopped
        self.Images = Images
        self.Driver = "overlay2"
        self.DriverStatus = [["Backing Filesystem", "extfs"], ["Supports d_type", "true"]]
        self.Plugins = .init()
        self.Debug = Debug
        self.NFd = NFd
        self.NGoroutines = 0
        self.SystemTime = SystemTime
        self.LoggingDriver = "json-file"
        self.CgroupDriver = "cgroupfs"
        self.CgroupVersion = CgroupVersion
        self.NEventsListener = 0
        self.KernelVersion = KernelVersion
        self.OperatingSystem = OperatingSystem
        self.OSVersion = OSVersion
        self.OSType = "linux"
        self.Architecture = Architecture
        self.IndexServerAddress = "https://index.docker.io/v1/"
        self.RegistryConfig = .init()
        self.NCPU = NCPU
        self.MemTotal = MemTotal
        self.DockerRootDir = DockerRootDir
        self.Name = Name
        self.Labels = []
        self.ExperimentalBuild = false
        self.ServerVersion = WharfVersion.version
        self.Runtimes = Runtimes
        self.DefaultRuntime = DefaultRuntime
        self.Swarm = .init()
        self.LiveRestoreEnabled = true
        self.Isolation = ""
        self.InitBinary = ""
        self.SecurityOptions = ["name=seccomp,profile=builtin"]
        self.Warnings = nil
    }
}

public struct ErrorResponse: Codable, Sendable {
    public var message: String
    public init(message: String) { self.message = message }
}

/// One line of a JSON progress stream (import, pull, load, build).
public struct JSONMessage: Codable, Sendable {
    public struct ErrorDetail: Codable, Sendable {
        public var code: Int?
        public var message: String
        public init(message: String) { self.message = message }
    }
    /// `{}` on a layer's status lines, current and total while bytes move.
    public struct ProgressDetail: Codable, Sendable {
        public var current: Int64?
        public var total: Int64?
        public init(current: Int64? = nil, total: Int64? = nil) {
            self.current = current
            self.total = total
        }
    }
    public var stream: String?
    public var status: String?
    public var progressDetail: ProgressDetail?
    public var progress: String?
    public var id: String?
    public var aux: JSONValue?
    public var errorDetail: ErrorDetail?
    public var error: String?
    public init(stream: String? = nil, status: String? = nil, id: String? = nil, error: String? = nil,
                progressDetail: ProgressDetail? = nil, progress: String? = nil) {
        self.stream = stream
        self.status = status
        self.id = id
        self.progressDetail = progressDetail
        self.progress = progress
        if let error {
            self.error = error
            self.errorDetail = .init(message: error)
        }
    }
}

/// `POST /auth` body (Docker's AuthConfig).
public struct AuthRequest: Codable, Sendable {
    public var username: String?
    public var password: String?
    public var email: String?
    public var serveraddress: String?
    public var identitytoken: String?
    public var registrytoken: String?
    public init() {}
}

public struct AuthResponse: Codable, Sendable {
    public var Status: String
    public var IdentityToken: String?
    public init(Status: String, IdentityToken: String? = nil) {
        self.Status = Status
        self.IdentityToken = IdentityToken
    }
}
