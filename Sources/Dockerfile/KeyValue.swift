/// One `key=value` of ENV or LABEL. Both sides are kept as written (quotes and escapes
/// included, variables unexpanded): Docker expands them with the environment in force at
/// that step, so pass each through `ShellWord.expand` when the step runs.
public struct KeyValue: Sendable, Equatable {
    public var key: String
    public var value: String

    public init(key: String, value: String) {
        self.key = key
        self.value = value
    }
}

/// One name of an ARG instruction, with its default as written (nil for a bare `ARG x`,
/// "" for `ARG x=`). Like ENV, both are expanded when the step runs.
public struct ArgDecl: Sendable, Equatable {
    public var name: String
    public var defaultValue: String?

    public init(name: String, defaultValue: String? = nil) {
        self.name = name
        self.defaultValue = defaultValue
    }
}
