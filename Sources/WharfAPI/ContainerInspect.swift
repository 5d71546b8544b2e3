/// `GET /containers/{id}/json`, in Docker's shape.
public struct ContainerState: Codable, Sendable {
    public var Status: String
    public var Running: Bool
    public var Paused: Bool
    public var Restarting: Bool
    public var OOMKilled: Bool
    public var Dead: Bool
    public var Pid: Int
    public var ExitCode: Int
    public var Error: String
    public var StartedAt: String
    public var FinishedAt: String
    public var Health: HealthState?

    public init(Status: String, Running: Bool, Paused: Bool = false, Restarting: Bool = false, OOMKilled: Bool = false,
                Dead: Bool = false, Pid: Int, ExitCode: Int, Error: String, StartedAt: String, FinishedAt: String) {
        self.Status = Status
        self.Running = Running
        self.Paused = Paused
        self.Restarting = Restarting
        self.OOMKilled = OOMKilled
        self.Dead = Dead
        self.Pid = Pid
        self.ExitCode = ExitCode
        self.Error = Error
        self.StartedAt = StartedAt
        self.FinishedAt = FinishedAt
    }
}

public struct GraphDriverData: Codable, Sendable {
    public var Name: String
    public var Data: [String: String]?
    public init(Name: String, Data: [String: String]?) {
        self.Name = Name
        self.Data = Data
    }
}

public struct NetworkSettings: Codable, Sendable {
    public var Bridge: String = ""
    public var SandboxID: String = ""
    public var SandboxKey: String = ""
    public var Ports: [String: JSONValue] = [:]
    public var HairpinMode: Bool = false
    public var LinkLocalIPv6Address: String = ""
    public var LinkLocalIPv6PrefixLen: Int = 0
    public var SecondaryIPAddresses: JSONValue? = nil
    public var SecondaryIPv6Addresses: JSONValue? = nil
    public var EndpointID: String = ""
    public var Gateway: String = ""
    public var GlobalIPv6Address: String = ""
    public var GlobalIPv6PrefixLen: Int = 0
    public var IPAddress: String = ""
    public var IPPrefixLen: Int = 0
    public var IPv6Gateway: String = ""
    public var MacAddress: String = ""
    public var Networks: [String: EndpointSettings] = [:]
    public init() {}
}

public struct MountPoint: Codable, Sendable {
    public var `Type`: String
    public var Name: String?
    public var Source: String
    public var Destination: String
    public var Driver: String?
    public var Mode: String
    public var RW: Bool
    public var Propagation: String

    public init(Type: String, Name: String?, Source: String, Destination: String, Driver: String?, Mode: String,
                RW: Bool, Propagation: String) {
        self.Type = Type
        self.Name = Name
        self.Source = Source
        self.Destination = Destination
        self.Driver = Driver
        self.Mode = Mode
        self.RW = RW
        self.Propagation = Propagation
    }
}

public struct ContainerInspect: Codable, Sendable {
    public var Id: String
    public var Created: String
    public var Path: String
    public var Args: [String]
    public var State: ContainerState
    public var Image: String
    public var ResolvConfPath: String
    public var HostnamePath: String
    public var HostsPath: String
    public var LogPath: String
    public var Name: String
    public var RestartCount: Int
    public var Driver: String
    public var Platform: String
    public var MountLabel: String
    public var ProcessLabel: String
    public var AppArmorProfile: String
    public var ExecIDs: [String]?
    public var HostConfig: HostConfig
    public var GraphDriver: GraphDriverData
    public var SizeRw: Int64?
    public var SizeRootFs: Int64?
    public var Mounts: [MountPoint]
    public var Config: ContainerConfig
    public var NetworkSettings: NetworkSettings

    public init(Id: String, Created: String, Path: String, Args: [String], State: ContainerState, Image: String,
                ResolvConfPath: String, HostnamePath: String, HostsPath: String, LogPath: String, Name: String,
                RestartCount: Int, HostConfig: HostConfig, GraphDriver: GraphDriverData, Config: ContainerConfig,
                NetworkSettings: NetworkSettings) {
        self.Id = Id
        self.Created = Created
        self.Path = Path
        self.Args = Args
        self.State = State
        self.Image = Image
        self.ResolvConfPath = ResolvConfPath
        self.HostnamePath = HostnamePath
        self.HostsPath = HostsPath
        self.LogPath = LogPath
        self.Name = Name
        self.RestartCount = RestartCount
        self.Driver = "overlay2"
        self.Platform = "linux"
        self.MountLabel = ""
        self.ProcessLabel = ""
        self.AppArmorProfile = ""
        self.ExecIDs = nil
        self.HostConfig = HostConfig
        self.GraphDriver = GraphDriver
        self.Mounts = []
        self.Config = Config
        self.NetworkSettings = NetworkSettings
    }
}

/// One row of `GET /containers/json`.
public struct ContainerSummary: Codable, Sendable {
    public struct HostConfigSummary: Codable, Sendable {
        public var NetworkMode: String
        public init(NetworkMode: String) { self.NetworkMode = NetworkMode }
    }
    public struct NetworkSummary: Codable, Sendable {
        public var Networks: [String: EndpointSettings]
        public init(Networks: [String: EndpointSettings]) { self.Networks = Networks }
    }
    public var Id: String
    public var Names: [String]
    public var Image: String
    public var ImageID: String
    public var Command: String
    public var Created: Int64
    public var Ports: [JSONValue]
    public var SizeRw: Int64?
    public var SizeRootFs: Int64?
    public var Labels: [String: String]
    public var State: String
    public var Status: String
    public var HostConfig: HostConfigSummary
    public var NetworkSettings: NetworkSummary
    public var Mounts: [MountPoint]

    public init(Id: String, Names: [String], Image: String, ImageID: String, Command: String, Created: Int64,
                Labels: [String: String], State: String, Status: String, NetworkMode: String) {
        self.Id = Id
        self.Names = Names
        self.Image = Image
        self.ImageID = ImageID
        self.Command = Command
        self.Created = Created
        self.Ports = []
        self.Labels = Labels
        self.State = State
        self.Status = Status
        self.HostConfig = .init(NetworkMode: NetworkMode)
        self.NetworkSettings = .init(Networks: [:])
        self.Mounts = []
    }
}
