/// Gives each `RawNode` its meaning (BuildKit's instructions.ParseInstruction): checks
/// argument counts and flags, with Docker's messages. Errors thrown here get the
/// "dockerfile parse error on line N: " prefix from the caller.
enum InstructionParser {
    enum Parsed {
        case stage(Stage)
        case command(Command)
    }

    /// Every instruction keyword, as the "did you mean" hint offers them.
    static let keywords = ["ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM", "HEALTHCHECK",
                           "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"]

    static func parse(_ node: RawNode) throws(Failure) -> Parsed {
        let args = node.instructionArgs
        var flags = BuilderFlags(node.flags)
        switch node.keyword.lowercased() {
        case "from":
            return .stage(try from(node, flags: &flags))
        case "env":
            try flags.parse()
            return .command(.env(try keyValues(args, keyword: "ENV")))
        case "label":
            try flags.parse()
            return .command(.label(try keyValues(args, keyword: "LABEL")))
        case "maintainer":
            guard args.count == 1 else { throw exactlyOne("MAINTAINER") }
            try flags.parse()
            return .command(.maintainer(args[0]))
        case "add":
            return .command(.add(try copySpec(node, keyword: "ADD", flags: &flags)))
        case "copy":
            return .command(.copy(try copySpec(node, keyword: "COPY", flags: &flags)))
        case "onbuild":
            return .command(.onbuild(try onbuild(node, flags: &flags)))
        case "workdir":
            guard args.count == 1 else { throw exactlyOne("WORKDIR") }
            try flags.parse()
            return .command(.workdir(args[0]))
        case "run":
            return .command(.run(try run(node, flags: &flags)))
        case "cmd":
            try flags.parse()
            return .command(.cmd(form(node)))
        case "entrypoint":
            try flags.parse()
            return .command(.entrypoint(form(node)))
        case "healthcheck":
            return .command(.healthcheck(try healthcheck(node, flags: &flags)))
        case "expose":
            guard !args.isEmpty else { throw atLeastOne("EXPOSE") }
            try flags.parse()
            // Docker sorts the (unexpanded) ports.
            return .command(.expose(args.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }))
        case "user":
            guard args.count == 1 else { throw exactlyOne("USER") }
            try flags.parse()
            return .command(.user(args[0]))
        case "volume":
            guard !args.isEmpty else { throw atLeastOne("VOLUME") }
            try flags.parse()
            var volumes: [String] = []
            for v in args {
                let t = trimGoSpace(v)
                if t.isEmpty { throw Failure("VOLUME specified can not be an empty string") }
                volumes.append(t)
            }
            return .command(.volume(volumes))
        case "stopsignal":
            // Docker never checks STOPSIGNAL's flags.
            guard args.count == 1 else { throw exactlyOne("STOPSIGNAL") }
            return .command(.stopSignal(args[0]))
        case "arg":
            // Nor ARG's.
            return .command(.arg(try argDecls(args)))
        case "shell":
            try flags.parse()
            if args.isEmpty { throw atLeastOne("SHELL") }
            guard node.isJSON else { throw Failure("SHELL requires the arguments to be in JSON form") }
            return .command(.shell(args))
        default:
            throw Failure(Suggest.wrap("unknown instruction: \(node.keyword)", value: node.keyword,
                                       options: keywords, caseSensitive: false))
        }
    }

    // MARK: messages

    static func atLeastOne(_ keyword: String) -> Failure { Failure("\(keyword) requires at least one argument") }
    static func exactlyOne(_ keyword: String) -> Failure { Failure("\(keyword) requires exactly one argument") }

    // MARK: instructions

    /// ^[a-z][a-z0-9-_.]*$
    private static func validStageName(_ name: String) -> Bool {
        let s = Array(name.unicodeScalars)
        guard let f = s.first, ("a"..."z").contains(f) else { return false }
        return s.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0) }
    }

    private static func from(_ node: RawNode, flags: inout BuilderFlags) throws(Failure) -> Stage {
        let args = node.args
        var name: String?
        if args.count == 3 && args[1].lowercased() == "as" {
            let lower = args[2].lowercased()
            guard validStageName(lower) else {
                throw Failure("invalid name for build stage: \(goQuote(args[2])), name can't start with a number or contain symbols")
            }
            name = lower
        } else if args.count != 1 {
            throw Failure("FROM requires either one or three arguments")
        }
        flags.declare("platform", .string)
        try flags.parse()
        return Stage(name: name, base: args[0], platform: flags.string("platform"), line: node.startLine,
                     original: trimGoSpace(node.original))
    }

    private static func keyValues(_ args: [String], keyword: String) throws(Failure) -> [KeyValue] {
        if args.isEmpty { throw atLeastOne(keyword) }
        guard args.count % 3 == 0 else { throw Failure("Bad input to \(keyword), too many arguments") }
        var out: [KeyValue] = []
        for j in stride(from: 0, to: args.count, by: 3) {
            if args[j].isEmpty { throw Failure("\(keyword) names can not be blank") }
            out.append(KeyValue(key: args[j], value: args[j + 1]))
        }
        return out
    }

    private static func argDecls(_ args: [String]) throws(Failure) -> [ArgDecl] {
        if args.isEmpty { throw atLeastOne("ARG") }
        var out: [ArgDecl] = []
        for arg in args {
            if let (key, value) = cutOnce(arg, at: "=") {
                if key.isEmpty { throw Failure("ARG names can not be blank") }
                out.append(ArgDecl(name: key, defaultValue: value))
            } else {
                out.append(ArgDecl(name: arg))
            }
        }
        return out
    }

    /// Shell form keeps the whole rest of the line as one string.
    static func form(_ node: RawNode) -> Form {
        node.isJSON ? .exec(node.args) : .shell(node.args.joined(separator: " "))
    }
}
