import ArgumentParser
import WharfClient

struct Pull: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Download an image from a registry")
    @Flag(name: [.customShort("a"), .customLong("all-tags")], help: "Download all tagged images in the repository") var allTags = false
    @Option(help: "Set platform if server is multi-platform capable") var platform: String?
    @Flag(name: .shortAndLong, help: "Suppress verbose output") var quiet = false
    @Argument(help: "NAME[:TAG|@DIGEST]") var name: String

    func run() throws {
        let ref = ImageReference(name)
        if allTags && (ref.tag != nil || ref.digest != nil) {
            throw CLIError.message("tag can't be used with --all-tags/-a")
        }
        if ref.tag == nil && ref.digest == nil && !quiet && !allTags { Output.line("Using default tag: latest") }
        let client = try CLIContext.client()
        var q = Query()
        q.add("fromImage", ref.repository)
        q.add("tag", allTags ? "" : (ref.digest ?? ref.tag ?? "latest"))
        if let platform { q.add("platform", platform) }
        let resp = try client.send("POST", "/images/create", query: q,
                                   headers: [("X-Registry-Auth", RegistryAuthHeader.forImage(ref.repository))])
        if quiet {
            try JSONProgress.print(resp, silent: true)
        } else {
            try JSONProgress.print(resp)
        }
        Output.line(allTags ? ref.repository : (ref.digest.map { "\(ref.repository)@\($0)" } ?? "\(ref.repository):\(ref.tag ?? "latest")"))
    }
}

/// `X-Registry-Auth` for a repository's registry from `~/.docker/config.json` (`auths`),
/// or `{}` (anonymous), as docker sends it.
enum RegistryAuthHeader {
    static func forImage(_ repository: String) -> String {
        let host = repository.split(separator: "/").first.map(String.init) ?? ""
        let key = host == "docker.io" ? "https://index.docker.io/v1/" : host
        if let helper = CredentialHelper.helper(for: key), let (user, secret) = CredentialHelper.get(helper, server: key) {
            let json = user == "<token>"
                ? JSON.obj(["identitytoken": .string(secret), "serveraddress": .string(key)])
                : JSON.obj(["username": .string(user), "password": .string(secret), "serveraddress": .string(key)])
            return Base64.encodeURL(Array(json.line.dropLast()))
        }
        guard let cfg = DockerConfigFile.load(), let auths = cfg["auths"],
              let entry = auths[key] ?? auths["https://" + key] ?? auths["http://" + key],
              let auth = entry["auth"]?.string, !auth.isEmpty,
              let decoded = Base64.decode(auth), let colon = decoded.firstIndex(of: 58) else {
            return "e30="
        }
        let user = String(decoding: decoded[..<colon], as: UTF8.self)
        let pass = String(decoding: decoded[(colon + 1)...], as: UTF8.self)
        let json = JSON.obj(["username": .string(user), "password": .string(pass), "serveraddress": .string(key)])
        return Base64.encodeURL(Array(json.line.dropLast()))
    }
}

/// `~/.docker/config.json` (or `$DOCKER_CONFIG/config.json`), parsed.
enum DockerConfigFile {
    static var path: String {
        if let dir = getenvString("DOCKER_CONFIG") { return dir + "/config.json" }
        return (getenvString("HOME") ?? "/root") + "/.docker/config.json"
    }

    static func load() -> JSON? {
        guard let bytes = readFile(path) else { return nil }
        return try? JSON(parsing: bytes)
    }
}

func getenvString(_ name: String) -> String? {
    guard let v = getenv(name) else { return nil }
    let s = String(cString: v)
    return s.isEmpty ? nil : s
}

#if canImport(Glibc)
import Glibc
#endif

/// Standard and URL-safe base64, small and dependency-free.
enum Base64 {
    static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func encode(_ bytes: [UInt8]) -> String {
        var out: [UInt8] = []
        var i = 0
        while i < bytes.count {
            let b0 = bytes[i], b1 = i + 1 < bytes.count ? bytes[i + 1] : 0, b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 3) << 4 | b1 >> 4)])
            out.append(i + 1 < bytes.count ? alphabet[Int((b1 & 15) << 2 | b2 >> 6)] : 61)
            out.append(i + 2 < bytes.count ? alphabet[Int(b2 & 63)] : 61)
            i += 3
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func encodeURL(_ bytes: [UInt8]) -> String {
        String(encode(bytes).map { $0 == "+" ? "-" : ($0 == "/" ? "_" : $0) })
    }

    static func decode(_ s: String) -> [UInt8]? {
        var table = [UInt8](repeating: 255, count: 256)
        for (i, c) in alphabet.enumerated() { table[Int(c)] = UInt8(i) }
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        for c in s.utf8 where c != 61 && c != 10 && c != 13 {
            let v = table[Int(c)]
            if v == 255 { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8((acc >> UInt32(bits)) & 0xff))
            }
        }
        return out
    }
}
