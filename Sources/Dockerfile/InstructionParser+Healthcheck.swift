extension InstructionParser {
    /// HEALTHCHECK NONE, or HEALTHCHECK [flags] CMD command (shell or exec form).
    static func healthcheck(_ node: RawNode, flags: inout BuilderFlags) throws(Failure) -> HealthSpec {
        let args = node.args
        if args.isEmpty { throw atLeastOne("HEALTHCHECK") }
        let type = args[0].uppercased()
        let rest = Array(args.dropFirst())
        if type == "NONE" {
            guard rest.isEmpty else { throw Failure("HEALTHCHECK NONE takes no arguments") }
            return HealthSpec(test: nil, none: true)
        }
        for name in ["interval", "timeout", "start-period", "start-interval", "retries"] {
            flags.declare(name, .string)
        }
        try flags.parse()
        guard type == "CMD" else { throw Failure("Unknown type \(goQuote(type)) in HEALTHCHECK (try CMD)") }
        guard !rest.isEmpty else { throw Failure("Missing command after HEALTHCHECK CMD") }
        let test: Form = node.isJSON ? .exec(rest) : .shell(rest.joined(separator: " "))

        func duration(_ name: String) throws(Failure) -> String? {
            guard let v = flags.string(name) else { return nil }
            let ns = try GoDuration.parse(v)
            if ns != 0 && ns < 1_000_000 {
                throw Failure("Interval \(goQuote(name)) cannot be less than 1ms")
            }
            return v
        }
        var retries: Int?
        if let r = flags.string("retries") {
            guard let n = Int32(r) else {
                throw Failure("strconv.ParseInt: parsing \(goQuote(r)): \(Int(r) == nil ? "invalid syntax" : "value out of range")")
            }
            if n < 0 { throw Failure("--retries cannot be negative (\(n))") }
            retries = Int(n)
        }
        return HealthSpec(test: test, none: false, interval: try duration("interval"), timeout: try duration("timeout"),
                          startPeriod: try duration("start-period"), startInterval: try duration("start-interval"),
                          retries: retries)
    }
}
