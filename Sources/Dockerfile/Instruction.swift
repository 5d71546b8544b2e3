/// One instruction of a stage.
public struct Instruction: Sendable, Equatable {
    /// 1-based line where it starts.
    public var line: Int
    /// The instruction as Docker prints it in "Step N/M : <original>": keyword as written
    /// and the rest, continuation lines joined exactly as Docker joins them (the escape
    /// and any blanks after it removed, nothing inserted, the next line's indentation
    /// kept), trimmed; heredoc bodies are not included.
    public var original: String
    public var command: Command

    public init(line: Int, original: String, command: Command) {
        self.line = line
        self.original = original
        self.command = command
    }
}
