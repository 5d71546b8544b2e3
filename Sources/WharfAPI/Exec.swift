/// `POST /containers/{id}/exec`.
public struct ExecConfig: Codable, Sendable {
    public var User: String?
    public var Privileged: Bool?
    public var Tty: Bool?
    public var ConsoleSize: [Int]?
    public var AttachStdin: Bool?
    public var AttachStderr: Bool?
    public var AttachStdout: Bool?
    public var Detach: Bool?
    public var DetachKeys: String?
    public var Env: [String]?
    public var WorkingDir: String?
    public var Cmd: [String]?
    public init() {}
}

/// `POST /exec/{id}/start`.
public struct ExecStartConfig: Codable, Sendable {
    public var Detach: Bool?
    public var Tty: Bool?
    public var ConsoleSize: [Int]?
    public init() {}
}

/// `{"Id": "…"}`, the answer of exec create (and of other creates).
public struct IDResponse: Codable, Sendable {
    public var Id: String
    public init(Id: String) { self.Id = Id }
}

/// `GET /exec/{id}/json`.
public struct ExecInspect: Codable, Sendable {
    public struct ProcessConfig: Codable, Sendable {
        public var tty: Bool
        public var entrypoint: String
        public var arguments: [String]
        public var privileged: Bool
        public var user: String?
        public init(tty: Bool, entrypoint: String, arguments: [String], privileged: Bool, user: String?) {
            self.tty = tty
            self.entrypoint = entrypoint
            self.arguments = arguments
            self.privileged = privileged
            self.user = user
        }
    }
    public var ID: String
    public var Running: Bool
    public var ExitCode: Int?
    public var ProcessConfig: ProcessConfig
    public var OpenStdin: Bool
    public var OpenStderr: Bool
    public var OpenStdout: Bool
    public var CanRemove: Bool
    public var ContainerID: String
    public var DetachKeys: String
    public var Pid: Int

    public init(ID: String, Running: Bool, ExitCode: Int?, ProcessConfig: ProcessConfig, OpenStdin: Bool,
                OpenStderr: Bool, OpenStdout: Bool, ContainerID: String, DetachKeys: String, Pid: Int) {
        self.ID = ID
        self.Running = Running
        self.ExitCode = ExitCode
        self.ProcessConfig = ProcessConfig
        self.OpenStdin = OpenStdin
        self.OpenStderr = OpenStderr
        self.OpenStdout = OpenStdout
        self.CanRemove = false
        self.ContainerID = ContainerID
        self.DetachKeys = DetachKeys
        self.Pid = Pid
    }

    enum CodingKeys: String, CodingKey {
        case ID, Running, ExitCode, ProcessConfig, OpenStdin, OpenStderr, OpenStdout, CanRemove, ContainerID, DetachKeys, Pid
    }

    // Docker sends `"ExitCode": null` while the process runs.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(ID, forKey: .ID)
        try c.encode(Running, forKey: .Running)
        if let e = ExitCode { try c.encode(e, forKey: .ExitCode) } else { try c.encodeNil(forKey: .ExitCode) }
        try c.encode(self.ProcessConfig, forKey: .ProcessConfig)
        try c.encode(OpenStdin, forKey: .OpenStdin)
        try c.encode(OpenStderr, forKey: .OpenStderr)
        try c.encode(OpenStdout, forKey: .OpenStdout)
        try c.encode(CanRemove, forKey: .CanRemove)
        try c.encode(ContainerID, forKey: .ContainerID)
        try c.encode(DetachKeys, forKey: .DetachKeys)
        try c.encode(Pid, forKey: .Pid)
    }
}
