/// A build stage: a FROM and the instructions up to the next FROM.
public struct Stage: Sendable, Equatable {
    /// `AS name`, lowercased.
    public var name: String?
    /// The image (or stage name, or "scratch") as written; may hold meta-ARG variables.
    public var base: String
    /// `--platform=` as written.
    public var platform: String?
    /// Line of the FROM.
    public var line: Int
    /// The FROM line as written, e.g. "FROM busybox AS b".
    public var original: String
    public var instructions: [Instruction]

    public init(name: String? = nil, base: String, platform: String? = nil, line: Int,
                original: String, instructions: [Instruction] = []) {
        self.name = name
        self.base = base
        self.platform = platform
        self.line = line
        self.original = original
        self.instructions = instructions
    }
}
