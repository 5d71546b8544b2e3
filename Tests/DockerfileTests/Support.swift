import Dockerfile
import WharfCore

/// The instructions of the only stage of `text`.
func instructions(_ text: String) throws -> [Instruction] {
    try Dockerfile.parse(text).stages[0].instructions
}

/// The command of one instruction line placed after `FROM scratch`.
func command(_ line: String) throws -> Command {
    try instructions("FROM scratch\n" + line + "\n")[0].command
}

/// The message `Dockerfile.parse` fails with, or nil when it succeeds.
func parseError(_ text: String) -> String? {
    do {
        _ = try Dockerfile.parse(text)
        return nil
    } catch let e as WharfError {
        return e.code == .invalidArgument ? e.message : "unexpected code \(e.code): \(e.message)"
    } catch {
        return "unexpected error \(error)"
    }
}

/// The message of the error `body` throws, or nil.
func message(_ body: () throws -> Any) -> String? {
    do {
        _ = try body()
        return nil
    } catch let e as WharfError {
        return e.message
    } catch {
        return "\(error)"
    }
}
