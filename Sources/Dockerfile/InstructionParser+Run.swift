extension InstructionParser {
    /// RUN: flags --mount (repeatable), --network, --security, --device (repeatable).
    static func run(_ node: RawNode, flags: inout BuilderFlags) throws(Failure) -> RunSpec {
        flags.declare("mount", .strings)
        flags.declare("network", .string)
        flags.declare("security", .string)
        flags.declare("device", .strings)
        try flags.parse()
        var mounts: [RunMount] = []
        for m in flags.strings("mount") { mounts.append(try RunMountParser.parse(m)) }
        var network: String?
        if flags.used.contains("network") {
            let value = flags.string("network") ?? ""
            guard ["default", "none", "host"].contains(value) else {
                throw Failure("invalid network mode \(goQuote(value))")
            }
            network = value
        }
        var security: String?
        if flags.used.contains("security") {
            let value = flags.string("security") ?? ""
            guard value == "sandbox" || value == "insecure" else {
                throw Failure("security \(goQuote(value)) is not valid")
            }
            security = value
        }
        let docs = node.heredocs.map { doc -> Heredoc in
            var d = doc
            if d.chomp { d.content = HeredocWords.chompLeadingTabs(d.content) }
            return d
        }
        return RunSpec(form: form(node), mounts: mounts, network: network, heredocs: docs,
                       security: security, devices: flags.strings("device"))
    }
}
