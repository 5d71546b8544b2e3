/// `GET /containers/{id}/top`.
public struct ContainerTopResponse: Codable, Sendable {
    public var Titles: [String]
    public var Processes: [[String]]

    public init(Titles: [String], Processes: [[String]]) {
        self.Titles = Titles
        self.Processes = Processes
    }

    /// Keeps the `ps` rows whose PID column is one of `pids`; the last column (the command)
    /// keeps its spaces.
    public static func parse(psOutput: String, pids: Set<Int32>) throws -> ContainerTopResponse {
        let lines = psOutput.split(separator: "\n", omittingEmptySubsequences: true)
        guard let header = lines.first else { return .init(Titles: [], Processes: []) }
        let titles = header.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard let pidColumn = titles.firstIndex(of: "PID") else {
            throw TopError(message: "Couldn't find PID field in ps output")
        }
        var rows: [[String]] = []
        for line in lines.dropFirst() {
            let fields = line.split(separator: " ", maxSplits: max(0, titles.count - 1), omittingEmptySubsequences: true)
                .map(String.init)
            guard fields.count > pidColumn, let pid = Int32(fields[pidColumn]), pids.contains(pid) else { continue }
            rows.append(fields)
        }
        return .init(Titles: titles, Processes: rows)
    }
}

public struct TopError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

/// `POST /containers/prune`.
public struct ContainerPruneResponse: Codable, Sendable {
    public var ContainersDeleted: [String]?
    public var SpaceReclaimed: Int64

    public init(ContainersDeleted: [String]?, SpaceReclaimed: Int64) {
        self.ContainersDeleted = ContainersDeleted
        self.SpaceReclaimed = SpaceReclaimed
    }

    enum CodingKeys: String, CodingKey { case ContainersDeleted, SpaceReclaimed }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        if let d = ContainersDeleted { try c.encode(d, forKey: .ContainersDeleted) } else { try c.encodeNil(forKey: .ContainersDeleted) }
        try c.encode(SpaceReclaimed, forKey: .SpaceReclaimed)
    }
}
