/// A COPY or ADD instruction. Sources and destination are as written; Docker expands
/// variables in them (JSON form included) when the step runs.
public struct CopySpec: Sendable, Equatable {
    /// Source paths, heredoc words excluded (those are in `heredocs`).
    public var sources: [String]
    public var destination: String
    /// `--from=` (COPY only).
    public var from: String?
    public var chown: String?
    public var chmod: String?
    public var link: Bool
    /// Here-documents used as sources, in the order they appear.
    public var heredocs: [Heredoc]
    /// `--exclude=` patterns (may repeat).
    public var excludes: [String]
    /// `--parents` (COPY only).
    public var parents: Bool
    /// `--checksum=` (ADD only).
    public var checksum: String?
    /// `--keep-git-dir` (ADD only); nil when not given.
    public var keepGitDir: Bool?
    /// `--unpack` (ADD only); nil when not given.
    public var unpack: Bool?

    public init(sources: [String], destination: String, from: String? = nil, chown: String? = nil,
                chmod: String? = nil, link: Bool = false, heredocs: [Heredoc] = [],
                excludes: [String] = [], parents: Bool = false, checksum: String? = nil,
                keepGitDir: Bool? = nil, unpack: Bool? = nil) {
        self.sources = sources
        self.destination = destination
        self.from = from
        self.chown = chown
        self.chmod = chmod
        self.link = link
        self.heredocs = heredocs
        self.excludes = excludes
        self.parents = parents
        self.checksum = checksum
        self.keepGitDir = keepGitDir
        self.unpack = unpack
    }
}
