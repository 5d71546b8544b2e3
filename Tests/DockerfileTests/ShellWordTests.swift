import Testing
import Dockerfile

@Suite struct ShellWordTests {
    let env = ["HOME": "/root", "EMPTY": "", "NAME": "world", "SPACED": "  a  b ", "FILE": "archive.tar.gz"]

    func x(_ word: String) throws -> String { try ShellWord.expand(word, env: env) }

    @Test func plainSubstitution() throws {
        #expect(try x("$HOME/bin") == "/root/bin")
        #expect(try x("${HOME}bin") == "/rootbin")
        #expect(try x("hello $NAME!") == "hello world!")
        #expect(try x("$UNSET|${UNSET}") == "|")
        #expect(try x("$") == "$")
        #expect(try x("a$.b") == "a$.b")
        // Positional and special parameters are never set in a Dockerfile.
        #expect(try x("$1$@$$x") == "x")
    }

    @Test func defaultAndAlternative() throws {
        #expect(try x("${UNSET:-def}") == "def")
        #expect(try x("${EMPTY:-def}") == "def")
        #expect(try x("${EMPTY-def}") == "")
        #expect(try x("${UNSET-def}") == "def")
        #expect(try x("${NAME:-def}") == "world")
        #expect(try x("${NAME:+alt}") == "alt")
        #expect(try x("${EMPTY:+alt}") == "")
        #expect(try x("${EMPTY+alt}") == "alt")
        #expect(try x("${UNSET+alt}") == "")
        #expect(try x("${UNSET:-${NAME:-x}}") == "world")
        #expect(try x("${UNSET:-$HOME/sub}") == "/root/sub")
    }

    @Test func requiredVariables() throws {
        #expect(try x("${NAME:?must be set}") == "world")
        #expect(try x("${EMPTY?}") == "")
        #expect(message { try ShellWord.expand("${UNSET:?}", env: env) } == "failed to process \"${UNSET:?}\": UNSET: is not allowed to be unset")
        #expect(message { try ShellWord.expand("${EMPTY:?}", env: env) } == "failed to process \"${EMPTY:?}\": EMPTY: is not allowed to be empty")
        #expect(message { try ShellWord.expand("x${UNSET:?need $NAME}", env: env) } == "failed to process \"x${UNSET:?need $NAME}\": UNSET: need world")
        #expect(message { try ShellWord.expand("${UNSET?}", env: env) } == "failed to process \"${UNSET?}\": UNSET: is not allowed to be unset")
    }

    @Test func patternOperators() throws {
        #expect(try x("${FILE#*.}") == "tar.gz")
        #expect(try x("${FILE##*.}") == "gz")
        #expect(try x("${FILE%.*}") == "archive.tar")
        #expect(try x("${FILE%%.*}") == "archive")
        #expect(try x("${FILE/a/A}") == "Archive.tar.gz")
        #expect(try x("${FILE//a/A}") == "Archive.tAr.gz")
        #expect(try x("${FILE/.*/}") == "archive")
        #expect(try x("${FILE/x/y}") == "archive.tar.gz")
        #expect(try x("${UNSET/a/b}") == "")
    }

    @Test func syntaxErrors() {
        for bad in ["${", "${}", "${:}", "${NAME", "${NAME:=x}", "${NAME:#x}", "${.}", "${{a}", "${a:-b"] {
            #expect(message { try ShellWord.expand(bad, env: env) } != nil, "\(bad)")
        }
        #expect(message { try ShellWord.expand("${}", env: env) } == "failed to process \"${}\": syntax error: bad substitution")
        #expect(message { try ShellWord.expand("${a:-b", env: env) } == "failed to process \"${a:-b\": syntax error: missing '}'")
        #expect(message { try ShellWord.expand("${NAME:=x}", env: env) } == "failed to process \"${NAME:=x}\": unsupported modifier (:=) in substitution")
    }

    @Test func quotes() throws {
        #expect(try x("'$HOME'") == "$HOME")
        #expect(try x("\"$HOME\"") == "/root")
        #expect(try x("\"it's $NAME\"") == "it's world")
        #expect(try x("'say \"hi\"'") == "say \"hi\"")
        #expect(try x("a'b'\"c\"d") == "abcd")
        #expect(try x("\"a\\\"b\"") == "a\"b")
        // Inside double quotes the escape only escapes `"`, `$` and itself.
        #expect(try x("\"a\\tb\\\\c\\$HOME\"") == "a\\tb\\c$HOME")
        #expect(message { try ShellWord.expand("'open", env: env) } == "failed to process \"'open\": unexpected end of statement while looking for matching single-quote")
        #expect(message { try ShellWord.expand("\"open", env: env) } == "failed to process \"\\\"open\": unexpected end of statement while looking for matching double-quote")
    }

    @Test func escapes() throws {
        #expect(try x("\\$HOME") == "$HOME")
        #expect(try x("\\\\$HOME") == "\\/root")
        #expect(try x("a\\ b") == "a b")
        #expect(try x("\\'quoted\\'") == "'quoted'")
        #expect(try x("trailing\\") == "trailing")
        #expect(try x("\\${NAME}") == "${NAME}")
        // With the backtick escape, a backslash is an ordinary character.
        #expect(try ShellWord.expand("C:\\dir\\`$HOME", env: env, escape: "`") == "C:\\dir\\$HOME")
        #expect(try ShellWord.expand("C:\\$HOME", env: env, escape: "`") == "C:\\/root")
    }

    @Test func heredocBodiesKeepQuotes() throws {
        let body = "name = \"$NAME\"\nhome = '${HOME}'\nprice = \\$5\n"
        #expect(try ShellWord.expandHeredoc(body, env: env) == "name = \"world\"\nhome = '/root'\nprice = $5\n")
        // An unmatched quote is just a character there.
        #expect(try ShellWord.expandHeredoc("it's $NAME", env: env) == "it's world")
    }

    @Test func expandKeepsWhitespace() throws {
        #expect(try x("a  $SPACED  b") == "a    a  b   b")
    }

    @Test func expandWords() throws {
        func w(_ s: String) throws -> [String] { try ShellWord.expandWords(s, env: env) }
        #expect(try w("80 443/tcp") == ["80", "443/tcp"])
        #expect(try w("  one\t two  ") == ["one", "two"])
        // Unquoted substitutions split; quoted ones don't.
        #expect(try w("x${SPACED}y") == ["x", "a", "b", "y"])
        #expect(try w("\"${SPACED}\"") == ["  a  b "])
        #expect(try w("'a b' c\\ d") == ["a b", "c d"])
        #expect(try w("$UNSET") == [])
        #expect(try w("a \"\" b") == ["a", "b"])
        #expect(message { try ShellWord.expandWords("\"a b", env: env) } != nil)
    }
}
