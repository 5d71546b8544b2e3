import ArgumentParser
import WharfClient
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

struct Login: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Authenticate to a registry")
    @Option(name: .shortAndLong, help: "Username") var username: String?
    @Option(name: .shortAndLong, help: "Password") var password: String?
    @Flag(name: .customLong("password-stdin"), help: "Take the password from stdin") var passwordStdin = false
    @Argument(help: "[SERVER]") var server: String?

    func run() throws {
        let address = server ?? DockerConfigFile.hubAddress
        var pass = password
        if passwordStdin {
            if password != nil { throw CLIError.message("--password and --password-stdin are mutually exclusive") }
            guard username != nil else { throw CLIError.message("Must provide --username with --password-stdin") }
            var text = String(decoding: readFile("/dev/stdin") ?? [], as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            pass = text
        } else if password != nil {
            Output.errLine("WARNING! Using --password via the CLI is insecure. Use --password-stdin.")
        }
        guard let user = username, let pass, !user.isEmpty else {
            throw CLIError.message("Error: Cannot perform an interactive login from a non TTY device")
        }
        let client = try CLIContext.client()
        let body = JSON.obj(["username": .string(user), "password": .string(pass), "serveraddress": .string(address)])
        let res = try client.json("POST", "/auth", body: .json(body))
        try DockerConfigFile.storeAuth(address, user: user, password: pass)
        Output.line(res["Status"]?.string ?? "Login Succeeded")
    }
}

struct Logout: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Log out from a registry")
    @Argument(help: "[SERVER]") var server: String?

    func run() throws {
        let address = server ?? DockerConfigFile.hubAddress
        if try DockerConfigFile.removeAuth(address) {
            Output.line("Removing login credentials for \(address)")
        } else {
            Output.line("Not logged in to \(address)")
        }
    }
}

extension DockerConfigFile {
    static let hubAddress = "https://index.docker.io/v1/"

    /// `auths[address] = {"auth": base64(user:password)}`, other settings kept, written
    /// atomically with mode 0600 as docker does.
    static func storeAuth(_ address: String, user: String, password: String) throws {
        var members = load()?.members ?? []
        var auths = members.first { $0.key == "auths" }?.value.members ?? []
        auths.removeAll { $0.key == address }
        if let helper = CredentialHelper.helper(for: address) {
            // The secret goes to the helper; config.json only notes the registry, as docker does.
            try CredentialHelper.store(helper, server: address, user: user, secret: password)
            auths.append(.init(address, .object([])))
        } else {
            auths.append(.init(address, .obj(["auth": .string(Base64.encode(Array("\(user):\(password)".utf8)))])))
        }
        members.removeAll { $0.key == "auths" }
        members.insert(.init("auths", .object(auths)), at: 0)
        try write(.object(members))
    }

    /// Whether there was an entry to remove.
    static func removeAuth(_ address: String) throws -> Bool {
        if let helper = CredentialHelper.helper(for: address) { try? CredentialHelper.erase(helper, server: address) }
        guard var members = load()?.members, let i = members.firstIndex(where: { $0.key == "auths" }),
              var auths = members[i].value.members, auths.contains(where: { $0.key == address }) else { return false }
        auths.removeAll { $0.key == address }
        members[i] = .init("auths", .object(auths))
        try write(.object(members))
        return true
    }

    static func write(_ json: JSON) throws {
        let dir = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        try FS.mkdirAll(dir, mode: 0o700)
        try AtomicFile.write(JSON.indent(Array(json.compact.utf8), indent: "\t") + [10], to: path, mode: 0o600)
    }
}
