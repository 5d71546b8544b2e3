import Testing
@testable import WharfCLI
import WharfClient

@Suite struct TemplateTests {
    let inspect = try! JSON(parsing: #"{"Id":"abc","Name":"/web","State":{"Status":"exited","Running":false,"ExitCode":3},"Config":{"Cmd":["sh","-c","echo x"],"Entrypoint":null,"Labels":{"b":"2","a":"1"},"Env":["A=1","B=2"]},"Args":["-c","echo <x> & y"]}"#)

    func run(_ t: String) throws -> String { try GoTemplate(t).execute(inspect) }

    @Test func fieldsAndPaths() throws {
        #expect(try run("{{.State.Status}}") == "exited")
        #expect(try run("{{.Id}} {{.Name}}") == "abc /web")
        #expect(try run("{{.Config.Cmd}}") == "[sh -c echo x]")
        #expect(try run("{{.Config.Labels}}") == "map[a:1 b:2]")
        #expect(try run("{{.State.ExitCode}}") == "3")
        #expect(try run("{{.Config.Entrypoint}}") == "[]")
    }

    @Test func functions() throws {
        #expect(try run("{{json .Config.Labels}}") == #"{"a":"1","b":"2"}"#)
        #expect(try run("{{json .State}}") == #"{"Status":"exited","Running":false,"ExitCode":3}"#)
        #expect(try run("{{json .Args}}") == #"["-c","echo <x> & y"]"#)
        #expect(try run(#"{{index .Config.Labels "a"}}"#) == "1")
        #expect(try run(#"{{join .Config.Env ","}}"#) == "A=1,B=2")
        #expect(try run("{{upper .State.Status}} {{lower \"AB\"}} {{len .Args}}") == "EXITED ab 2")
        #expect(try run("{{.State.Status | upper}}") == "EXITED")
        #expect(try run(#"{{printf "%s:%d" .Name .State.ExitCode}}"#) == "/web:3")
    }

    @Test func control() throws {
        #expect(try run("{{if .State.Running}}up{{else}}down{{end}}") == "down")
        #expect(try run("{{if eq .State.ExitCode 3}}three{{else if eq .State.ExitCode 4}}four{{end}}") == "three")
        #expect(try run("{{range .Config.Env}}[{{.}}]{{end}}") == "[A=1][B=2]")
        #expect(try run("{{with .State}}{{.Status}}{{end}}") == "exited")
        #expect(try run("a {{- .Id -}} b") == "aabcb")
    }

    @Test func missingKeysAreErrors() {
        #expect(throws: GoTemplate.TemplateError.self) { try run("{{.Nope}}") }
        #expect(throws: GoTemplate.TemplateError.self) { try run("{{.State.Nope}}") }
        #expect(throws: GoTemplate.TemplateError.self) { try run("{{if .State}}") }
    }

    @Test func inspectIndentIsGoStyle() throws {
        let raw = Array(#"{"Id":"x","Args":[],"Config":{"Cmd":["a","b"],"Labels":{}},"S":"a\"b,{"}"#.utf8) + [10]
        let out = String(decoding: JSON.indent([UInt8(ascii: "[")] + raw + [UInt8(ascii: "]")]), as: UTF8.self)
        let expected = """
        [
            {
                "Id": "x",
                "Args": [],
                "Config": {
                    "Cmd": [
                        "a",
                        "b"
                    ],
                    "Labels": {}
                },
                "S": "a\\"b,{"
            }
        ]
        """
        #expect(out == expected)
    }

    @Test func jsonRoundTripsAndEscapesLikeGo() throws {
        let j = try JSON(parsing: #"{"b":1.50,"a":"<\u00e9>\n","c":[true,null]}"#)
        #expect(j.compact == #"{"b":1.50,"a":"\u003cé\u003e\n","c":[true,null]}"#)
        #expect(j["a"]?.string == "<é>\n")
    }
}
