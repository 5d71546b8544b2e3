import Testing
import Dockerfile

/// Directives, comments, continuations: the line-level rules of Docker's parser.
@Suite struct LineParsingTests {
    @Test func keywordsAreCaseInsensitiveAndKeepTheirSpelling() throws {
        let df = try Dockerfile.parse("from busybox\nrun echo hi\nRuN echo ho\n")
        #expect(df.stages[0].original == "from busybox")
        #expect(df.stages[0].instructions.map(\.original) == ["run echo hi", "RuN echo ho"])
        #expect(df.stages[0].instructions[1].command == .run(RunSpec(form: .shell("echo ho"))))
    }

    @Test func lineNumbersCountEveryPhysicalLine() throws {
        let df = try Dockerfile.parse("""
            # a comment

            FROM busybox

            RUN a \\
              b
            # between
            RUN c
            """)
        #expect(df.stages[0].line == 3)
        #expect(df.stages[0].instructions.map(\.line) == [5, 8])
    }

    @Test func continuationJoinsLinesAsDockerDoes() throws {
        // The escape and the blanks after it go; the next line's indentation stays.
        let ins = try instructions("FROM x\nRUN apt-get update && \\  \n    apt-get install -y curl\n")
        #expect(ins[0].original == "RUN apt-get update &&     apt-get install -y curl")
        #expect(ins[0].command == .run(RunSpec(form: .shell("apt-get update &&     apt-get install -y curl"))))
        // Nothing is inserted between the pieces.
        #expect(try instructions("FROM x\nRUN echo a\\\nb\n")[0].original == "RUN echo ab")
    }

    @Test func commentsAndBlankLinesInsideContinuationsAreDropped() throws {
        let ins = try instructions("""
            FROM x
            RUN foo \\

            bar \\
              # a comment inside
            baz
            RUN next
            """)
        #expect(ins.count == 2)
        #expect(ins[0].original == "RUN foo bar baz")
        #expect(ins[1].line == 7)
    }

    @Test func doubledEscapeAtEndIsNotAContinuation() throws {
        let ins = try instructions("FROM x\nRUN echo \\\\\nRUN next\n")
        #expect(ins.count == 2)
        #expect(ins[0].original == "RUN echo \\\\")
    }

    @Test func continuationAtEndOfFile() throws {
        let ins = try instructions("FROM x\nRUN echo hi \\")
        #expect(ins[0].original == "RUN echo hi")
    }

    @Test func escapeDirectiveBacktick() throws {
        let df = try Dockerfile.parse("""
            # escape=`
            FROM windows
            RUN dir c:\\ `
                /s
            COPY a\\b c:\\dest\\
            """)
        #expect(df.escape == "`")
        let ins = df.stages[0].instructions
        #expect(ins[0].original == "RUN dir c:\\     /s")
        #expect(ins[1].command == .copy(CopySpec(sources: ["a\\b"], destination: "c:\\dest\\")))
    }

    @Test func directivesAreCaseInsensitiveAndOnlyAtTheTop() throws {
        let df = try Dockerfile.parse("# SYNTAX = docker/dockerfile:1.4\n#Escape=`\nFROM x\n")
        #expect(df.syntax == "docker/dockerfile:1.4")
        #expect(df.escape == "`")

        // After a comment, a blank line or an instruction, `# escape=` is a comment.
        #expect(try Dockerfile.parse("# hello\n# escape=`\nFROM x\n").escape == "\\")
        #expect(try Dockerfile.parse("\n# escape=`\nFROM x\n").escape == "\\")
        #expect(try Dockerfile.parse("FROM x\n# escape=`\nRUN a\n").escape == "\\")
        #expect(try Dockerfile.parse("FROM x\n").syntax == nil)
    }

    @Test func directiveErrors() {
        #expect(parseError("# escape=x\nFROM x\n") == "failed to parse Dockerfile: invalid escape token 'x' does not match ` or \\")
        #expect(parseError("# escape=`\n# escape=\\\nFROM x\n") == "failed to parse Dockerfile: only one escape parser directive can be used")
    }

    @Test func byteOrderMarkAndCRLF() throws {
        let df = try Dockerfile.parse("\u{FEFF}FROM x\r\nRUN a \\\r\n b\r\nCMD [\"c\"]\r\n")
        #expect(df.stages[0].original == "FROM x")
        #expect(df.stages[0].instructions.map(\.original) == ["RUN a  b", "CMD [\"c\"]"])
        #expect(df.stages[0].instructions[1].command == .cmd(.exec(["c"])))
    }

    @Test func leadingWhitespaceAndIndentedComments() throws {
        let ins = try instructions("  FROM x\n\t  # indented comment\n   RUN a   \n")
        #expect(ins.count == 1)
        #expect(ins[0].original == "RUN a")
    }
}
