/// One row of `GET /images/json`.
public struct ImageSummary: Codable, Sendable {
    public var Containers: Int
    public var Created: Int64
    public var Id: String
    public var Labels: [String: String]?
    public var ParentId: String
    public var RepoDigests: [String]
    public var RepoTags: [String]
    public var SharedSize: Int64
    public var Size: Int64
    public var VirtualSize: Int64?

    public init(Id: String, Created: Int64, Labels: [String: String]?, RepoDigests: [String], RepoTags: [String], Size: Int64) {
        self.Containers = -1
        self.Created = Created
        self.Id = Id
        self.Labels = Labels
        self.ParentId = ""
        self.RepoDigests = RepoDigests
        self.RepoTags = RepoTags
        self.SharedSize = -1
        self.Size = Size
        self.VirtualSize = nil
    }
}

/// `GET /images/{name}/json`.
public struct ImageInspect: Codable, Sendable {
    public struct RootFS: Codable, Sendable {
        public var `Type`: String
        public var Layers: [String]
        public init(Layers: [String]) {
            self.Type = "layers"
            self.Layers = Layers
        }
    }
    public struct Metadata: Codable, Sendable {
        public var LastTagTime: String?
        public init(LastTagTime: String?) { self.LastTagTime = LastTagTime }
    }
    public var Id: String
    public var RepoTags: [String]
    public var RepoDigests: [String]
    public var Parent: String
    public var Comment: String
    public var Created: String
    public var DockerVersion: String
    public var Author: String
    public var Config: ContainerConfig?
    public var Architecture: String
    public var Variant: String?
    public var Os: String
    public var Size: Int64
    public var GraphDriver: GraphDriverData
    public var RootFS: RootFS
    public var Metadata: Metadata

    public init(Id: String, RepoTags: [String], RepoDigests: [String], Comment: String, Created: String, Author: String,
                Config: ContainerConfig?, Architecture: String, Variant: String?, Os: String, Size: Int64,
                GraphDriver: GraphDriverData, Layers: [String]) {
        self.Id = Id
        self.RepoTags = RepoTags
        self.RepoDigests = RepoDigests
        self.Parent = ""
        self.Comment = Comment
        self.Created = Created
        self.DockerVersion = ""
        self.Author = Author
        self.Config = Config
        self.Architecture = Architecture
        self.Variant = Variant
        self.Os = Os
        self.Size = Size
        self.GraphDriver = GraphDriver
        self.RootFS = .init(Layers: Layers)
        self.Metadata = .init(LastTagTime: nil)
    }
}

/// One entry of the `DELETE /images/{name}` answer: `{"Untagged": "x:1"}` or `{"Deleted": "sha256:…"}`.
public struct ImageDeleteItem: Codable, Sendable, Equatable {
    public var Untagged: String?
    public var Deleted: String?
    public init(Untagged: String? = nil, Deleted: String? = nil) {
        self.Untagged = Untagged
        self.Deleted = Deleted
    }
}

/// One row of `GET /images/{name}/history`, newest first.
public struct ImageHistoryItem: Codable, Sendable, Equatable {
    public var Id: String
    public var Created: Int64
    public var CreatedBy: String
    public var Tags: [String]?
    public var Size: Int64
    public var Comment: String

    public init(Id: String, Created: Int64, CreatedBy: String, Tags: [String]?, Size: Int64, Comment: String) {
        self.Id = Id
        self.Created = Created
        self.CreatedBy = CreatedBy
        self.Tags = Tags
        self.Size = Size
        self.Comment = Comment
    }

    enum CodingKeys: String, CodingKey { case Id, Created, CreatedBy, Tags, Size, Comment }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Id, forKey: .Id)
        try c.encode(Created, forKey: .Created)
        try c.encode(CreatedBy, forKey: .CreatedBy)
        if let t = Tags { try c.encode(t, forKey: .Tags) } else { try c.encodeNil(forKey: .Tags) }
        try c.encode(Size, forKey: .Size)
        try c.encode(Comment, forKey: .Comment)
    }
}

public struct ImagePruneResponse: Encodable, Sendable {
    public var ImagesDeleted: [ImageDeleteItem]?
    public var SpaceReclaimed: Int64
    public init(ImagesDeleted: [ImageDeleteItem]?, SpaceReclaimed: Int64) {
        self.ImagesDeleted = ImagesDeleted
        self.SpaceReclaimed = SpaceReclaimed
    }

    enum CodingKeys: String, CodingKey { case ImagesDeleted, SpaceReclaimed }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let d = ImagesDeleted { try c.encode(d, forKey: .ImagesDeleted) } else { try c.encodeNil(forKey: .ImagesDeleted) }
        try c.encode(SpaceReclaimed, forKey: .SpaceReclaimed)
    }
}
