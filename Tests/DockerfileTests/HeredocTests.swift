import Testing
import Dockerfile

@Suite struct HeredocTests {
    @Test func runHeredoc() throws {
        let df = try Dockerfile.parse("""
            FROM alpine
            RUN <<EOF
            echo hello
            echo $HOME
            EOF
            RUN after
            """)
        let ins = df.stages[0].instructions
        #expect(ins.count == 2)
        // The body is not part of the step text.
        #expect(ins[0].original == "RUN <<EOF")
        #expect(ins[0].command == .run(RunSpec(form: .shell("<<EOF"),
                                               heredocs: [Heredoc(name: "EOF", content: "echo hello\necho $HOME\n", expand: true, chomp: false)])))
        #expect(ins[1].line == 6)
    }

    @Test func quotedDelimitersDisableExpansion() throws {
        let ins = try instructions("""
            FROM alpine
            RUN <<"EOF"
            a
            EOF
            RUN <<'END' bash
            b
            END
            RUN <<E"O"F
            c
            EOF
            """)
        let docs = ins.map { ins -> Heredoc? in
            if case .run(let r) = ins.command { return r.heredocs.first }
            return nil
        }
        #expect(docs == [Heredoc(name: "EOF", content: "a\n", expand: false),
                         Heredoc(name: "END", content: "b\n", expand: false),
                         Heredoc(name: "EOF", content: "c\n", expand: false)])
    }

    @Test func twoHeredocsOnOneLine() throws {
        let ins = try instructions("""
            FROM alpine
            RUN <<FILE1 cat > /file1 && <<-FILE2 cat > /file2
            I am
            first
            FILE1
            \tI am
            \t\tsecond
            \tFILE2
            CMD done
            """)
        guard case .run(let run) = ins[0].command else { Issue.record("not RUN"); return }
        #expect(run.form == .shell("<<FILE1 cat > /file1 && <<-FILE2 cat > /file2"))
        #expect(run.heredocs == [
            Heredoc(name: "FILE1", content: "I am\nfirst\n", expand: true, chomp: false),
            // `<<-` strips leading tabs from the body and accepts an indented terminator.
            Heredoc(name: "FILE2", content: "I am\nsecond\n", expand: true, chomp: true),
        ])
        #expect(ins[1].line == 9)
    }

    @Test func copyHeredocs() throws {
        let ins = try instructions("""
            FROM alpine
            COPY <<EOF /app/config.ini
            [main]
            key = ${VALUE}
            EOF
            COPY --chmod=755 <<script.sh <<'raw.txt' regular.txt /usr/local/bin/
            #!/bin/sh
            echo hi
            script.sh
            $notexpanded
            raw.txt
            """)
        #expect(ins[0].command == .copy(CopySpec(sources: [], destination: "/app/config.ini",
                                                 heredocs: [Heredoc(name: "EOF", content: "[main]\nkey = ${VALUE}\n")])))
        #expect(ins[1].command == .copy(CopySpec(sources: ["regular.txt"], destination: "/usr/local/bin/", chmod: "755",
                                                 heredocs: [Heredoc(name: "script.sh", content: "#!/bin/sh\necho hi\n"),
                                                            Heredoc(name: "raw.txt", content: "$notexpanded\n", expand: false)])))
    }

    @Test func heredocInOnbuildKeepsBody() throws {
        #expect(try command("ONBUILD RUN <<EOF\necho hi\nEOF") == .onbuild("RUN <<EOF\necho hi\nEOF"))
    }

    @Test func notHeredocs() throws {
        // JSON form, other instructions, and `<<` inside a word take no body.
        let ins = try instructions("""
            FROM alpine
            RUN ["sh", "-c", "cat <<EOF"]
            CMD cat <<EOF
            RUN echo a<<b
            RUN echo done
            """)
        #expect(ins.count == 4)
        #expect(ins[2].command == .run(RunSpec(form: .shell("echo a<<b"))))
    }

    @Test func heredocErrors() {
        #expect(parseError("FROM x\nRUN <<EOF\necho hi\n") == "failed to parse Dockerfile: unterminated heredoc")
        #expect(parseError("FROM x\nCOPY a <<EOF\nx\nEOF\n") == "dockerfile parse error on line 2: COPY cannot accept a heredoc as a destination")
    }
}
