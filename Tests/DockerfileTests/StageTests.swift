import Testing
import Dockerfile

@Suite struct StageTests {
    @Test func multiStage() throws {
        let df = try Dockerfile.parse("""
            ARG GO_VERSION=1.22
            ARG BASE
            FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS Builder
            WORKDIR /src
            RUN go build -o /out/app .

            FROM scratch as final
            COPY --from=builder /out/app /app
            ENTRYPOINT ["/app"]
            FROM final
            """)
        #expect(df.metaArgs == [ArgDecl(name: "GO_VERSION", defaultValue: "1.22"), ArgDecl(name: "BASE")])
        #expect(df.metaArgInstructions.map(\.original) == ["ARG GO_VERSION=1.22", "ARG BASE"])
        #expect(df.metaArgInstructions.map(\.line) == [1, 2])
        #expect(df.stages.count == 3)

        let builder = df.stages[0]
        #expect(builder.name == "builder") // lowercased
        #expect(builder.base == "golang:${GO_VERSION}")
        #expect(builder.platform == "$BUILDPLATFORM")
        #expect(builder.line == 3)
        #expect(builder.original == "FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS Builder")
        #expect(builder.instructions.map(\.original) == ["WORKDIR /src", "RUN go build -o /out/app ."])

        #expect(df.stages[1].name == "final")
        #expect(df.stages[1].base == "scratch")
        #expect(df.stages[1].platform == nil)
        #expect(df.stages[1].instructions.count == 2)

        #expect(df.stages[2] == Stage(name: nil, base: "final", line: 10, original: "FROM final", instructions: []))
    }

    @Test func argsAfterFromBelongToTheStage() throws {
        let df = try Dockerfile.parse("FROM x\nARG A\n")
        #expect(df.metaArgs.isEmpty)
        #expect(df.stages[0].instructions[0].command == .arg([ArgDecl(name: "A")]))
    }

    @Test func onlyArgsParsesWithNoStages() throws {
        let df = try Dockerfile.parse("ARG A=1\n")
        #expect(df.stages.isEmpty)
        #expect(df.metaArgs == [ArgDecl(name: "A", defaultValue: "1")])
    }

    @Test func fromErrors() {
        #expect(parseError("FROM\n") == "dockerfile parse error on line 1: FROM requires either one or three arguments")
        #expect(parseError("FROM a b\n") == "dockerfile parse error on line 1: FROM requires either one or three arguments")
        #expect(parseError("FROM a AS\n") == "dockerfile parse error on line 1: FROM requires either one or three arguments")
        #expect(parseError("FROM a AS 1st\n") == "dockerfile parse error on line 1: invalid name for build stage: \"1st\", name can't start with a number or contain symbols")
        #expect(parseError("FROM a AS b/c\n") == "dockerfile parse error on line 1: invalid name for build stage: \"b/c\", name can't start with a number or contain symbols")
        #expect(parseError("FROM --platfrom=x a\n") == "dockerfile parse error on line 1: unknown flag: --platfrom (did you mean platform?)")
        // Too far from any flag for a hint.
        #expect(parseError("FROM --plat=x a\n") == "dockerfile parse error on line 1: unknown flag: --plat")
    }

    @Test func instructionBeforeFrom() {
        #expect(parseError("ARG A\nRUN echo\nFROM x\n") == "no build stage in current context")
        #expect(parseError("# comment\nLABEL a=b\n") == "no build stage in current context")
    }

    @Test func emptyFiles() {
        #expect(parseError("") == "the Dockerfile (Dockerfile) cannot be empty")
        #expect(message { try Dockerfile.parse("", name: "app.Dockerfile") } == "the Dockerfile (app.Dockerfile) cannot be empty")
        #expect(parseError("\n\n   \n") == "failed to parse Dockerfile: file with no instructions")
        #expect(parseError("# only\n# comments\n") == "failed to parse Dockerfile: file with no instructions")
    }

    @Test func firstErrorWinsInDockersOrder() {
        // Line-level errors are found over the whole file before any instruction is
        // given meaning, as Docker's two passes do.
        #expect(parseError("FROM x\nRUNN a\nENV b\n") == "failed to parse Dockerfile: ENV must have two arguments")
        #expect(parseError("FROM x\nRUNN a\nEXPOSE\n") == "dockerfile parse error on line 2: unknown instruction: RUNN (did you mean RUN?)")
        // The line reported is where a continued instruction starts.
        #expect(parseError("FROM x\nRUN ok\nWORKDIR \\\n\n") == "dockerfile parse error on line 3: WORKDIR requires exactly one argument")
    }
}
