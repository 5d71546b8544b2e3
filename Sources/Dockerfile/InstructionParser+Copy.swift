extension InstructionParser {
    /// COPY and ADD: sources and a destination (JSON or whitespace-split), heredoc
    /// words as sources, and each instruction's own flags.
    static func copySpec(_ node: RawNode, keyword: String, flags: inout BuilderFlags) throws(Failure) -> CopySpec {
        let args = node.args
        guard args.count >= 2 else {
            throw Failure("\(keyword) requires at least two arguments, but only one was provided. Destination could not be determined")
        }
        let isCopy = keyword == "COPY"
        flags.declare("chown", .string)
        if isCopy { flags.declare("from", .string) }
        flags.declare("chmod", .string)
        flags.declare("link", .bool)
        if isCopy {
            flags.declare("exclude", .strings)
            flags.declare("parents", .bool)
        } else {
            flags.declare("keep-git-dir", .bool)
            flags.declare("checksum", .string)
            flags.declare("unpack", .bool)
            flags.declare("exclude", .strings)
        }
        try flags.parse()

        let destination = args[args.count - 1]
        if (try? HeredocWords.parse(destination)) != nil {
            throw Failure("\(keyword) cannot accept a heredoc as a destination")
        }
        var byName: [String: Heredoc] = [:]
        for doc in node.heredocs { byName[doc.name] = doc }
        var sources: [String] = []
        var docs: [Heredoc] = []
        for src in args.dropLast() {
            if let word = try? HeredocWords.parse(src) {
                var doc = word
                doc.content = byName[word.name]?.content ?? ""
                if doc.chomp { doc.content = HeredocWords.chompLeadingTabs(doc.content) }
                docs.append(doc)
            } else {
                sources.append(src)
            }
        }
        return CopySpec(sources: sources, destination: destination, from: flags.string("from"),
                        chown: flags.string("chown"), chmod: flags.string("chmod"), link: flags.bool("link"),
                        heredocs: docs, excludes: flags.strings("exclude"), parents: flags.bool("parents"),
                        checksum: flags.string("checksum"), keepGitDir: flags.optionalBool("keep-git-dir"),
                        unpack: flags.optionalBool("unpack"))
    }
}
