/// One instruction as the line-level parser sees it, before its arguments are given
/// meaning (BuildKit's parser.Node).
struct RawNode: Equatable {
    /// The keyword as written.
    var keyword: String
    /// `--flag[=value]` words before the arguments, quotes removed.
    var flags: [String]
    /// The arguments as the keyword's line parser cut them (ENV/LABEL: key, value,
    /// separator triples, the separator "" for the legacy `ENV key value` form).
    var args: [String]
    /// Whether the arguments were a JSON array.
    var isJSON: Bool
    /// The logical line: continuation lines joined, not trimmed.
    var original: String
    /// ONBUILD's trigger instruction (zero or one).
    var trigger: [RawNode]
    /// Here-documents, bodies as written (not chomped).
    var heredocs: [Heredoc]
    var startLine: Int
    var endLine: Int

    init(keyword: String, flags: [String] = [], args: [String] = [], isJSON: Bool = false,
         original: String, trigger: [RawNode] = [], heredocs: [Heredoc] = [],
         startLine: Int = 0, endLine: Int = 0) {
        self.keyword = keyword
        self.flags = flags
        self.args = args
        self.isJSON = isJSON
        self.original = original
        self.trigger = trigger
        self.heredocs = heredocs
        self.startLine = startLine
        self.endLine = endLine
    }

    /// The arguments Docker's instruction parser sees; for ONBUILD the trigger's
    /// keyword followed by the trigger's arguments.
    var instructionArgs: [String] {
        guard let sub = trigger.first else { return args }
        return [sub.keyword] + sub.instructionArgs
    }

    /// Only RUN, COPY and ADD take heredocs (also as an ONBUILD trigger), and not in
    /// JSON form.
    var canContainHeredoc: Bool {
        var node = self
        if keyword.lowercased() == "onbuild", let sub = trigger.first { node = sub }
        return ["run", "copy", "add"].contains(node.keyword.lowercased()) && !node.isJSON
    }
}
