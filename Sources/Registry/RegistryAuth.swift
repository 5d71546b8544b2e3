import FoundationEssentials
import WharfCore

/// What a client gives for a registry: Docker's `X-Registry-Auth` (base64url JSON of
/// `{username, password, auth, identitytoken, registrytoken, serveraddress}`).
public struct RegistryCredentials: Sendable, Equatable, Codable {
    public var username: String?
    public var password: String?
    public var auth: String?
    public var identitytoken: String?
    public var registrytoken: String?
    public var serveraddress: String?

    public init(username: String? = nil, password: String? = nil, identitytoken: String? = nil, registrytoken: String? = nil) {
        self.username = username
        self.password = password
        self.identitytoken = identitytoken
        self.registrytoken = registrytoken
    }

    /// The registry host a login's `serveraddress` names: no scheme, no path;
    /// Docker Hub's index address means docker.io.
    public static func host(ofServerAddress s: String) -> String {
        var h = Substring(s)
        if let r = h.firstRange(of: "://") { h = h[r.upperBound...] }
        if let slash = h.firstIndex(of: "/") { h = h[..<slash] }
        let host = String(h)
        return ["index.docker.io", "registry-1.docker.io", ""].contains(host) ? "docker.io" : host
    }

    /// Decodes the header; an empty or `{}` header means anonymous.
    public init?(header: String?) {
        guard var h = header.map(trimWhitespace), !h.isEmpty else { return nil }
        h = h.replacing("-", with: "+").replacing("_", with: "/")
        while h.count % 4 != 0 { h += "=" }
        guard let data = Data(base64Encoded: h),
              let c = try? JSONDecoder().decode(RegistryCredentials.self, from: data) else { return nil }
        self = c
        if (username ?? "").isEmpty, let a = auth, let d = Data(base64Encoded: a),
           let s = String(data: d, encoding: .utf8), let colon = s.firstIndex(of: ":") {
            username = String(s[..<colon])
            password = String(s[s.index(after: colon)...])
        }
        if isEmpty { return nil }
    }

    var isEmpty: Bool {
        (username ?? "").isEmpty && (identitytoken ?? "").isEmpty && (registrytoken ?? "").isEmpty
    }

    /// `Authorization: Basic …`.
    var basic: String? {
        guard let u = username, !u.isEmpty else { return nil }
        return "Basic " + Data("\(u):\(password ?? "")".utf8).base64EncodedString()
    }
}

/// A `WWW-Authenticate` challenge: `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`.
struct AuthChallenge: Equatable {
    var scheme: String
    var params: [String: String]

    init?(_ header: String) {
        let trimmed = trimWhitespace(header)
        guard let space = trimmed.firstIndex(of: " ") else {
            if trimmed.isEmpty { return nil }
            scheme = trimmed.lowercased()
            params = [:]
            return
        }
        scheme = trimmed[..<space].lowercased()
        var p: [String: String] = [:]
        var rest = trimmed[trimmed.index(after: space)...]
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let eq = rest.firstIndex(of: "=") else { break }
            let key = trimWhitespace(String(rest[..<eq])).lowercased()
            rest = rest[rest.index(after: eq)...].drop { $0 == " " }
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var escaped = false
                var end = rest.startIndex
                for i in rest.indices {
                    let ch = rest[i]
                    if escaped { value.append(ch); escaped = false; continue }
                    if ch == "\\" { escaped = true; continue }
                    if ch == "\"" { end = i; break }
                    value.append(ch)
                    end = rest.index(after: i)
                }
                rest = end < rest.endIndex ? rest[rest.index(after: end)...] : rest[rest.endIndex...]
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = trimWhitespace(String(rest[..<end]))
                rest = rest[end...]
            }
            p[key] = value
        }
        params = p
    }
}

/// Leading and trailing spaces, tabs and line ends removed.
func trimWhitespace(_ s: String) -> String {
    let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }
    return String(s.drop(while: isSpace).reversed().drop(while: isSpace).reversed())
}
