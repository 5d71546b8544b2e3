/// A here-document attached to RUN, COPY or ADD (`<<EOF` … `EOF`).
public struct Heredoc: Sendable, Equatable {
    /// The delimiter word with its quotes removed ("EOF"); for COPY/ADD it is also the
    /// name of the file the body becomes.
    public var name: String
    /// The body, every line with its line ending, terminator line excluded. For `<<-`
    /// the leading tabs are already stripped, as BuildKit does before using it.
    public var content: String
    /// False when any part of the delimiter was quoted (`<<"EOF"`, `<<'EOF'`): the body
    /// is then taken literally instead of having its variables expanded.
    public var expand: Bool
    /// Whether it was written `<<-`.
    public var chomp: Bool

    public init(name: String, content: String, expand: Bool = true, chomp: Bool = false) {
        self.name = name
        self.content = content
        self.expand = expand
        self.chomp = chomp
    }
}
