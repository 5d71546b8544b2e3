/// One message of `GET /events`, in Docker's shape, legacy fields included
/// (`status`, `id`, `from` for container and image events).
public struct EventMessage: Codable, Sendable, Equatable {
    public struct Actor: Codable, Sendable, Equatable {
        public var ID: String
        public var Attributes: [String: String]
        public init(ID: String, Attributes: [String: String]) {
            self.ID = ID
            self.Attributes = Attributes
        }
    }
    public var status: String?
    public var id: String?
    public var from: String?
    public var `Type`: String
    public var Action: String
    public var Actor: Actor
    public var scope: String
    public var time: Int64
    public var timeNano: Int64

    public init(type: String, action: String, actorID: String, attributes: [String: String], timeNano: Int64) {
        self.Type = type
        self.Action = action
        self.Actor = .init(ID: actorID, Attributes: attributes)
        self.scope = "local"
        self.time = timeNano / 1_000_000_000
        self.timeNano = timeNano
        if type == "container" || type == "image" {
            status = action
            id = actorID
            if type == "container" { from = attributes["image"] }
        }
    }
}
