extension InstructionParser {
    /// ONBUILD: the trigger text as the image stores it. Its arguments were already
    /// cut by the trigger keyword's own line parser.
    static func onbuild(_ node: RawNode, flags: inout BuilderFlags) throws(Failure) -> String {
        let args = node.instructionArgs
        if args.isEmpty { throw atLeastOne("ONBUILD") }
        try flags.parse()
        let trigger = trimGoSpace(args[0]).uppercased()
        switch trigger {
        case "ONBUILD": throw Failure("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
        case "MAINTAINER", "FROM": throw Failure("\(trigger) isn't allowed as an ONBUILD trigger")
        default: break
        }
        // The image keeps the line minus `ONBUILD` (`(?i)^\s*ONBUILD\s*`), bodies appended.
        var s = Array(node.original.unicodeScalars)[...]
        while let c = s.first, isRegexSpace(c) { s = s.dropFirst() }
        s = s.dropFirst(7)
        while let c = s.first, isRegexSpace(c) { s = s.dropFirst() }
        var expression = String(scalars: s)
        for doc in node.heredocs {
            expression += "\n" + doc.content + doc.name
        }
        return expression
    }
}
