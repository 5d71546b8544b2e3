import WharfClient

/// One `ps` row as docker's `ContainerContext` presents it to templates.
enum ContainerRow {
    static let headers: [String: String] = [
        "ID": "CONTAINER ID", "Image": "IMAGE", "Command": "COMMAND", "CreatedAt": "CREATED AT",
        "RunningFor": "CREATED", "Ports": "PORTS", "State": "STATE", "Status": "STATUS", "Size": "SIZE",
        "Names": "NAMES", "Labels": "LABELS", "Mounts": "MOUNTS", "Networks": "NETWORKS",
        "LocalVolumes": "LOCAL VOLUMES",
    ]

    static let defaultTable = "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}"

    /// Builds the row from a `GET /containers/json` element.
    static func make(_ c: JSON, truncate: Bool, now: Double) -> JSON {
        let id = c["Id"]?.string ?? ""
        var image = c["Image"]?.string ?? ""
        if image.isEmpty {
            image = "<no image>"
        } else if truncate {
            let imageID = c["ImageID"]?.string ?? ""
            if ListFormat.truncateID(imageID) == ListFormat.truncateID(image) {
                image = ListFormat.truncateID(image)
            } else if let at = image.firstIndex(of: "@") {
                image = String(image[..<at])
            }
        }
        var command = c["Command"]?.string ?? ""
        if truncate { command = ListFormat.ellipsis(command, 20) }
        let created = c["Created"]?.int64 ?? 0
        var names: [String] = []
        for n in c["Names"]?.stringList ?? [] {
            let parts = n.split(separator: "/", omittingEmptySubsequences: true)
            // Link names ("/a/b") are left out unless --no-trunc.
            if parts.count == 1 { names.append(String(parts[0])) } else if !truncate { names.append(String(n.dropFirst())) }
        }
        let labels = (c["Labels"]?.members ?? []).map { "\($0.key)=\($0.value.string ?? "")" }.sorted()
        let networks = (c["NetworkSettings"]?["Networks"]?.members ?? []).map(\.key).sorted()
        let mounts = c["Mounts"]?.array ?? []
        var mountNames: [String] = []
        var localVolumes = 0
        for m in mounts {
            var name = m["Name"]?.string ?? ""
            if name.isEmpty { name = m["Source"]?.string ?? "" }
            if truncate { name = ListFormat.ellipsis(name, 15) }
            mountNames.append(name)
            if m["Driver"]?.string == "local" { localVolumes += 1 }
        }
        let sizeRw = c["SizeRw"]?.int64 ?? 0
        let sizeRoot = c["SizeRootFs"]?.int64 ?? 0
        var size = HumanUnits.size(Double(sizeRw), precision: 3)
        if sizeRoot > 0 { size += " (virtual \(HumanUnits.size(Double(sizeRoot), precision: 3)))" }
        return .obj([
            "Command": .string(ListFormat.goQuote(command)),
            "CreatedAt": .string(Clock.goTimeString(created)),
            "ID": .string(truncate ? ListFormat.truncateID(id) : id),
            "Image": .string(image),
            "Labels": .string(labels.joined(separator: ",")),
            "LocalVolumes": .string(String(localVolumes)),
            "Mounts": .string(mountNames.joined(separator: ",")),
            "Names": .string(names.joined(separator: ",")),
            "Networks": .string(networks.joined(separator: ",")),
            "Platform": .null,
            "Ports": .string(ports(c["Ports"]?.array ?? [])),
            "RunningFor": .string(HumanUnits.ago(created, now: now)),
            "Size": .string(size),
            "State": .string(c["State"]?.string ?? ""),
            "Status": .string(c["Status"]?.string ?? ""),
        ])
    }

    /// docker's `DisplayablePorts`: consecutive ports grouped into ranges, published
    /// mappings last ("9090/tcp, 127.0.0.1:8080->80/tcp").
    static func ports(_ list: [JSON]) -> String {
        struct Port { var ip: String; var priv: Int; var pub: Int; var type: String }
        var ports = list.map { p in
            Port(ip: p["IP"]?.string ?? "", priv: p["PrivatePort"]?.int ?? 0, pub: p["PublicPort"]?.int ?? 0,
                 type: p["Type"]?.string ?? "tcp")
        }
        ports.sort { a, b in
            if a.priv != b.priv { return a.priv < b.priv }
            if a.ip != b.ip { return a.ip < b.ip }
            if a.pub != b.pub { return a.pub < b.pub }
            return a.type < b.type
        }
        var groups: [String: (first: Int, last: Int)] = [:]
        var keys: [String] = []
        var result: [String] = []
        var hostMappings: [String] = []
        func form(_ key: String, _ first: Int, _ last: Int) -> String {
            let parts = key.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
            var type = parts[0]
            var ip = ""
            if parts.count > 1 {
                ip = parts[0]
                type = parts[1]
            }
            var group = String(first)
            if first != last { group += "-\(last)" }
            if !ip.isEmpty { group = "\(ip):\(group)->\(group)" }
            return group + "/" + type
        }
        for p in ports {
            var key = p.type
            if !p.ip.isEmpty {
                if p.pub != p.priv {
                    let host = p.ip.contains(":") ? "[\(p.ip)]" : p.ip
                    hostMappings.append("\(host):\(p.pub)->\(p.priv)/\(p.type)")
                    continue
                }
                key = p.ip + "/" + p.type
            }
            guard let g = groups[key] else {
                groups[key] = (p.priv, p.priv)
                keys.append(key)
                continue
            }
            if p.priv == g.last + 1 {
                groups[key] = (g.first, p.priv)
                continue
            }
            result.append(form(key, g.first, g.last))
            groups[key] = (p.priv, p.priv)
        }
        for k in keys {
            let g = groups[k]!
            result.append(form(k, g.first, g.last))
        }
        return (result + hostMappings).joined(separator: ", ")
    }
}
