import CWharf
import WharfClient
#if canImport(Glibc)
import Glibc
#endif

/// docker's credential helpers: `docker-credential-<name> get|store|erase`, the server URL
/// or a JSON record on stdin, JSON on stdout (`credsStore` for every registry,
/// `credHelpers` per registry in config.json).
enum CredentialHelper {
    /// The helper config.json names for `server`, if any.
    static func helper(for server: String) -> String? {
        guard let cfg = DockerConfigFile.load() else { return nil }
        if let h = cfg["credHelpers"]?[server]?.string, !h.isEmpty { return h }
        if let s = cfg["credsStore"]?.string, !s.isEmpty { return s }
        return nil
    }

    /// (username, secret); a username of `<token>` means the secret is an identity token.
    static func get(_ helper: String, server: String) -> (String, String)? {
        guard let out = try? call(helper, "get", input: Array(server.utf8)), let j = try? JSON(parsing: out),
              let user = j["Username"]?.string, let secret = j["Secret"]?.string else { return nil }
        return (user, secret)
    }

    static func store(_ helper: String, server: String, user: String, secret: String) throws {
        let j = JSON.obj(["ServerURL": .string(server), "Username": .string(user), "Secret": .string(secret)])
        _ = try call(helper, "store", input: Array(j.line))
    }

    static func erase(_ helper: String, server: String) throws {
        _ = try call(helper, "erase", input: Array(server.utf8))
    }

    /// Runs the helper with `input` on stdin; its stdout, or an error with its output.
    static func call(_ helper: String, _ verb: String, input: [UInt8]) throws -> [UInt8] {
        var inPipe: [Int32] = [0, 0], outPipe: [Int32] = [0, 0]
        guard pipe(&inPipe) == 0, pipe(&outPipe) == 0 else {
            throw CLIError.message("pipe: \(String(cString: strerror(errno)))")
        }
        let program = "docker-credential-" + helper
        let argv = [program, verb]
        var cargs = argv.map { strdup($0) } + [nil]
        defer { for p in cargs { free(p) } }
        var env: [UnsafeMutablePointer<CChar>?] = []
        var e = environ
        while let p = e.pointee { env.append(p); e += 1 }
        env.append(nil)
        let fdmap: [Int32] = [inPipe[0], outPipe[1], 2]
        let pid = cwharf_spawn(program, &cargs, &env, fdmap, 3, 0)
        close(inPipe[0])
        close(outPipe[1])
        guard pid > 0 else {
            close(inPipe[1]); close(outPipe[0])
            throw CLIError.message("error getting credentials - err: exec: \"\(program)\": executable file not found in $PATH")
        }
        Output.write(inPipe[1], input)
        close(inPipe[1])
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = buf.withUnsafeMutableBytes { read(outPipe[0], $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out += buf[0..<n]
        }
        close(outPipe[0])
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        guard status == 0 else {
            throw CLIError.message("error storing credentials - err: exit status \(status >> 8), out: `\(String(decoding: out, as: UTF8.self).trimming(" \n"))`")
        }
        return out
    }
}
