import WharfCore

/// A parsed Dockerfile, read as Docker's classic builder reads it (BuildKit's parser and
/// instructions packages). Nothing is expanded here: see `Command` for which values
/// Docker expands, and `ShellWord` for how.
public struct Dockerfile: Sendable, Equatable {
    /// The `# escape=` directive ("\\" by default, or "`").
    public var escape: Character
    /// The `# syntax=` directive, recorded only.
    public var syntax: String?
    /// The ARGs before the first FROM, all names in order.
    public var metaArgs: [ArgDecl]
    /// The same ARGs as the instructions they were written in: Docker's classic builder
    /// counts and prints them as steps ("Step 1/5 : ARG VERSION=1").
    public var metaArgInstructions: [Instruction]
    /// Empty when the file holds only ARGs (Docker then fails the build with "No image
    /// was generated. Is your Dockerfile empty?").
    public var stages: [Stage]

    public init(escape: Character = "\\", syntax: String? = nil, metaArgs: [ArgDecl] = [],
                metaArgInstructions: [Instruction] = [], stages: [Stage] = []) {
        self.escape = escape
        self.syntax = syntax
        self.metaArgs = metaArgs
        self.metaArgInstructions = metaArgInstructions
        self.stages = stages
    }

    /// Parses Dockerfile text. Errors are `WharfError.invalid` with Docker's messages:
    /// "the Dockerfile (Dockerfile) cannot be empty", "failed to parse Dockerfile: …"
    /// for line-level problems, "dockerfile parse error on line N: …" for an
    /// instruction's arguments, "no build stage in current context" for an instruction
    /// before the first FROM. `name` is the file name those messages use.
    public static func parse(_ text: String, name: String = "Dockerfile") throws -> Dockerfile {
        // Docker checks for zero bytes before parsing: whitespace-only files get the
        // parser's "file with no instructions" instead.
        guard !text.isEmpty else { throw WharfError.invalid("the Dockerfile (\(name)) cannot be empty") }
        let reader: NodeReader
        do {
            reader = try NodeReader.read(text)
        } catch {
            throw WharfError.invalid("failed to parse \(name): \(error.message)")
        }

        var file = Dockerfile(escape: Character(reader.directives.escape), syntax: reader.directives.syntax)
        for node in reader.nodes {
            let parsed: InstructionParser.Parsed
            do {
                parsed = try InstructionParser.parse(node)
            } catch {
                throw WharfError.invalid("dockerfile parse error on line \(node.startLine): \(error.message)")
            }
            switch parsed {
            case .stage(let stage):
                file.stages.append(stage)
            case .command(let command):
                let instruction = Instruction(line: node.startLine, original: trimGoSpace(node.original), command: command)
                if file.stages.isEmpty {
                    guard case .arg(let decls) = command else {
                        throw WharfError.invalid("no build stage in current context")
                    }
                    file.metaArgs += decls
                    file.metaArgInstructions.append(instruction)
                } else {
                    file.stages[file.stages.count - 1].instructions.append(instruction)
                }
            }
        }
        return file
    }
}
