import WharfCore

/// Docker's word expansion for Dockerfile values (BuildKit's shell lexer). The lexer
/// knows `$VAR`, `${VAR}`, `${VAR:-word}`, `${VAR-word}`, `${VAR:+word}`, `${VAR+word}`,
/// `${VAR:?msg}`, `${VAR?msg}`, the pattern forms `${VAR#p}`, `${VAR##p}`, `${VAR%p}`,
/// `${VAR%%p}`, `${VAR/p/r}`, `${VAR//p/r}`; single quotes (literal), double quotes
/// (substitutions still happen; the escape character escapes only `"`, `$` and
/// itself), and the escape character outside quotes (the next character is literal;
/// `\$` stays a `$`). Quote characters are removed. Unset variables expand to "".
public enum ShellWord {
    /// Expands one word, keeping any whitespace in it. Errors read like Docker's:
    /// `failed to process "${X:?}": X: is not allowed to be unset`.
    public static func expand(_ word: String, env: [String: String], escape: Character = "\\") throws -> String {
        var lexer = ShellLexer(escape: scalar(escape), env: env)
        do {
            return try lexer.processWord(word)
        } catch {
            throw WharfError.invalid(error.message)
        }
    }

    /// Expands and splits into words as a shell would: unquoted whitespace separates
    /// words, including whitespace that an unquoted substitution produced; quoted text
    /// never splits, and an empty quoted word ("") disappears, as in Docker. Used for
    /// EXPOSE and for Docker's handling of multi-word values.
    public static func expandWords(_ text: String, env: [String: String], escape: Character = "\\") throws -> [String] {
        var lexer = ShellLexer(escape: scalar(escape), env: env)
        do {
            return try lexer.processWords(text)
        } catch {
            throw WharfError.invalid(error.message)
        }
    }

    /// Expands the body of a COPY/ADD heredoc whose delimiter was not quoted, as
    /// BuildKit does: substitutions and the backslash escape work (so `\$` gives `$`, and
    /// a backslash before any other character is dropped), but quotes are ordinary
    /// characters and stay. The escape is always the backslash, whatever the directive.
    public static func expandHeredoc(_ content: String, env: [String: String]) throws -> String {
        var lexer = ShellLexer(escape: "\\", env: env)
        lexer.skipProcessQuotes = true
        do {
            return try lexer.processWord(content)
        } catch {
            throw WharfError.invalid(error.message)
        }
    }

    private static func scalar(_ c: Character) -> Unicode.Scalar {
        c.unicodeScalars.first ?? "\\"
    }
}
