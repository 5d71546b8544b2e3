/// The `--flag` parsing of Docker's instruction parser (BFlags): each instruction
/// declares the flags it knows, then the words the line parser took off are checked
/// against them, with Docker's messages.
struct BuilderFlags {
    enum Kind { case bool, string, strings }

    private let words: [String]
    private var kinds: [String: Kind] = [:]
    private var order: [String] = []
    private(set) var used: Set<String> = []
    private var values: [String: String] = [:]
    private var lists: [String: [String]] = [:]

    init(_ words: [String]) { self.words = words }

    mutating func declare(_ name: String, _ kind: Kind) {
        kinds[name] = kind
        order.append(name)
    }

    mutating func parse() throws(Failure) {
        for word in words {
            // "--" ends the flags (POSIX utility syntax guideline 10).
            if word == "--" { return }
            guard word.hasPrefix("--") else { throw Failure("arg should start with -- : \(word)") }
            let (flagName, value, hasValue): (String, String, Bool)
            if let (n, v) = cutOnce(word, at: "=") {
                (flagName, value, hasValue) = (n, v, true)
            } else {
                (flagName, value, hasValue) = (word, "", false)
            }
            let name = String(flagName.dropFirst(2))
            guard let kind = kinds[name] else {
                throw Failure(Suggest.wrap("unknown flag: \(flagName)", value: name, options: order, caseSensitive: true))
            }
            if used.contains(name) && kind != .strings {
                throw Failure("duplicate flag specified: \(flagName)")
            }
            used.insert(name)
            switch kind {
            case .bool:
                if hasValue && value.isEmpty { throw Failure("missing a value on flag: \(flagName)") }
                switch value.lowercased() {
                case "true", "": values[name] = "true"
                case "false": values[name] = "false"
                default: throw Failure("expecting boolean value for flag \(flagName), not: \(value)")
                }
            case .string:
                if !hasValue { throw Failure("missing a value on flag: \(flagName)") }
                values[name] = value
            case .strings:
                if !hasValue { throw Failure("missing a value on flag: \(flagName)") }
                lists[name, default: []].append(value)
            }
        }
    }

    /// A string flag's value; nil when not given or given empty (Docker's default "").
    func string(_ name: String) -> String? {
        guard let v = values[name], !v.isEmpty else { return nil }
        return v
    }

    func bool(_ name: String) -> Bool { values[name] == "true" }

    /// A boolean flag's value, nil when it was not given.
    func optionalBool(_ name: String) -> Bool? { used.contains(name) ? bool(name) : nil }

    func strings(_ name: String) -> [String] { lists[name] ?? [] }
}
