// TEMPORARY: checks the lexer against BuildKit's data files in /tmp; deleted before hand-off.
import Testing
@testable import Dockerfile

@Suite struct TempConformance {
    @Test func envVarTest() throws {
        guard let text = try? String(decoding: readAll("/tmp/dfconf/envVarTest"), as: UTF8.self) else { return }
        let env = ["PWD": "/home", "SHELL": "bash", "KOREAN": "한국어", "NULL": ""]
        var n = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if rawLine.hasPrefix("#") { continue }
            let line = trimGoSpace(String(rawLine))
            if line.isEmpty { continue }
            let parts = line.split(separator: "|", omittingEmptySubsequences: false).map { trimGoSpace(String($0)) }
            if parts[0] == "W" { continue }
            n += 1
            do {
                let got = try ShellWord.expand(parts[1], env: env)
                #expect(parts[2] != "error", "\(parts[1]) should fail, got \(got)")
                if parts[2] != "error" { #expect(got == parts[2], "\(parts[1])") }
            } catch {
                #expect(parts[2] == "error", "\(parts[1]) failed: \(error)")
            }
        }
        print("envVarTest cases:", n)
    }

    @Test func wordsTest() throws {
        guard let text = try? String(decoding: readAll("/tmp/dfconf/wordsTest"), as: UTF8.self) else { return }
        var env: [String: String] = [:]
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = String(rawLine)
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("ENV ") {
                line = String(line.dropFirst(3).drop(while: { $0 == " " }))
                let kv = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                env[String(kv[0])] = String(kv[1])
                continue
            }
            let parts = line.split(separator: "|", omittingEmptySubsequences: false)
            let test = trimGoSpace(String(parts[0]))
            let expected = String(parts[1].drop(while: { $0 == " " })).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            let got = (try? ShellWord.expandWords(test, env: env)) ?? ["error"]
            #expect(got == expected, "\(test)")
        }
    }
}

import Glibc
func readAll(_ path: String) throws -> [UInt8] {
    guard let f = fopen(path, "r") else { throw Failure("no file") }
    defer { fclose(f) }
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = fread(&buf, 1, 4096, f)
        if n <= 0 { break }
        out += buf[0..<n]
    }
    return out
}

func dump(_ n: RawNode) -> String {
    var s = n.keyword.lowercased()
    if !n.flags.isEmpty { s += " [" + n.flags.map(goQuote).joined(separator: " ") + "]" }
    if let t = n.trigger.first { s += " (" + dump(t) + ")" }
    for a in n.args { s += " " + goQuote(a) }
    return trimGoSpace(s)
}

@Suite struct TempParserConformance {
    @Test func testfiles() throws {
        let dirs = ["ADD-COPY-with-JSON","args","brimstone-consuldock","brimstone-docker-consul","continue-at-eof","continueIndent","cpuguy83-nagios","docker","env","escape-after-comment","escape-nonewline","escape-with-syntax","escape","escapes","flags","health","influxdb","jeztah-invalid-json-json-inside-string-double","jeztah-invalid-json-json-inside-string","jeztah-invalid-json-single-quotes","jeztah-invalid-json-unterminated-bracket","jeztah-invalid-json-unterminated-string","json","kartar-entrypoint-oddities","lk4d4-the-edge-case-generator","mail","multiple-volumes","mumble","nginx","tf2","trailing-backslash","weechat","znc"]
        for d in dirs {
            guard let df = try? readAll("/tmp/dfconf/testfiles/\(d)/Dockerfile"),
                  let res = try? readAll("/tmp/dfconf/testfiles/\(d)/result") else { continue }
            let text = String(decoding: df, as: UTF8.self)
            do {
                let r = try NodeReader.read(text)
                let got = r.nodes.map { "(" + dump($0) + ")" }.joined(separator: "\n") + "\n"
                #expect(got == String(decoding: res, as: UTF8.self), "\(d)")
            } catch {
                Issue.record("\(d): \(error)")
            }
            // And the instruction level must accept them too (they're all valid).
            do { _ = try Dockerfile.parse(text) } catch { print("instruction-level \(d): \(error)") }
        }
    }
}
