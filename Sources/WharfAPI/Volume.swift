/// A volume as `GET /volumes/{name}` shows it. `Labels` and `Options` are `null` when unset,
/// as Docker sends them.
public struct Volume: Codable, Sendable, Equatable {
    public var CreatedAt: String
    public var Driver: String
    public var Labels: [String: String]?
    public var Mountpoint: String
    public var Name: String
    public var Options: [String: String]?
    public var Scope: String
    /// Only in `system df`.
    public var UsageData: VolumeUsage?

    public init(CreatedAt: String, Driver: String, Labels: [String: String]?, Mountpoint: String, Name: String,
                Options: [String: String]?, Scope: String = "local", UsageData: VolumeUsage? = nil) {
        self.CreatedAt = CreatedAt
        self.Driver = Driver
        self.Labels = Labels
        self.Mountpoint = Mountpoint
        self.Name = Name
        self.Options = Options
        self.Scope = Scope
        self.UsageData = UsageData
    }

    enum CodingKeys: String, CodingKey { case CreatedAt, Driver, Labels, Mountpoint, Name, Options, Scope, UsageData }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(CreatedAt, forKey: .CreatedAt)
        try c.encode(Driver, forKey: .Driver)
        if let l = Labels { try c.encode(l, forKey: .Labels) } else { try c.encodeNil(forKey: .Labels) }
        try c.encode(Mountpoint, forKey: .Mountpoint)
        try c.encode(Name, forKey: .Name)
        if let o = Options { try c.encode(o, forKey: .Options) } else { try c.encodeNil(forKey: .Options) }
        try c.encode(Scope, forKey: .Scope)
        try c.encodeIfPresent(UsageData, forKey: .UsageData)
    }
}

/// `Size` and `RefCount` are -1 when not computed.
public struct VolumeUsage: Codable, Sendable, Equatable {
    public var Size: Int64
    public var RefCount: Int64
    public init(Size: Int64, RefCount: Int64) {
        self.Size = Size
        self.RefCount = RefCount
    }
}

public struct VolumeCreateRequest: Codable, Sendable {
    public var Name: String?
    public var Driver: String?
    public var DriverOpts: [String: String]?
    public var Labels: [String: String]?
    public init(Name: String? = nil, Driver: String? = nil, DriverOpts: [String: String]? = nil, Labels: [String: String]? = nil) {
        self.Name = Name
        self.Driver = Driver
        self.DriverOpts = DriverOpts
        self.Labels = Labels
    }
}

public struct VolumeListResponse: Encodable, Sendable {
    public var Volumes: [Volume]
    public var Warnings: [String]?
    public init(Volumes: [Volume], Warnings: [String]? = nil) {
        self.Volumes = Volumes
        self.Warnings = Warnings
    }

    enum CodingKeys: String, CodingKey { case Volumes, Warnings }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Volumes, forKey: .Volumes)
        if let w = Warnings { try c.encode(w, forKey: .Warnings) } else { try c.encodeNil(forKey: .Warnings) }
    }
}

public struct VolumePruneResponse: Encodable, Sendable {
    public var VolumesDeleted: [String]?
    public var SpaceReclaimed: Int64
    public init(VolumesDeleted: [String]?, SpaceReclaimed: Int64) {
        self.VolumesDeleted = VolumesDeleted
        self.SpaceReclaimed = SpaceReclaimed
    }

    enum CodingKeys: String, CodingKey { case VolumesDeleted, SpaceReclaimed }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let d = VolumesDeleted { try c.encode(d, forKey: .VolumesDeleted) } else { try c.encodeNil(forKey: .VolumesDeleted) }
        try c.encode(SpaceReclaimed, forKey: .SpaceReclaimed)
    }
}

/// `HostConfig.Mounts` entries (`--mount`).
public struct Mount: Codable, Sendable, Equatable {
    public var `Type`: String?
    public var Source: String?
    public var Target: String?
    public var ReadOnly: Bool?
    public var Consistency: String?
    public var BindOptions: BindOptions?
    public var VolumeOptions: VolumeOptions?
    public var TmpfsOptions: TmpfsOptions?

    public init(Type: String?, Source: String? = nil, Target: String?, ReadOnly: Bool? = nil) {
        self.Type = Type
        self.Source = Source
        self.Target = Target
        self.ReadOnly = ReadOnly
    }

    public struct BindOptions: Codable, Sendable, Equatable {
        public var Propagation: String?
        public var NonRecursive: Bool?
        public var CreateMountpoint: Bool?
    }

    public struct VolumeOptions: Codable, Sendable, Equatable {
        public var NoCopy: Bool?
        public var Labels: [String: String]?
        public var Subpath: String?
        public var DriverConfig: DriverConfig?
    }

    public struct DriverConfig: Codable, Sendable, Equatable {
        public var Name: String?
        public var Options: [String: String]?
    }

    public struct TmpfsOptions: Codable, Sendable, Equatable {
        public var SizeBytes: Int64?
        public var Mode: UInt32?
    }
}

/// `GET /system/df`.
public struct SystemDiskUsage: Encodable, Sendable {
    public var LayersSize: Int64
    public var Images: [ImageSummary]
    public var Containers: [ContainerSummary]
    public var Volumes: [Volume]
    public var BuildCache: [JSONValue]
    public init(LayersSize: Int64, Images: [ImageSummary], Containers: [ContainerSummary], Volumes: [Volume]) {
        self.LayersSize = LayersSize
        self.Images = Images
        self.Containers = Containers
        self.Volumes = Volumes
        self.BuildCache = []
    }
}
