/// `RUN --mount=type=cache,target=/root/.cache,…`: a CSV record of `key=value` fields
/// (BuildKit's parseMount). Values are kept as written, since Docker expands them when
/// the step runs; what can be checked without them (field names, the type, which
/// fields a type allows) is checked now, with Docker's messages.
enum RunMountParser {
    static let types = ["bind", "cache", "tmpfs", "secret", "ssh"]
    private static let keys = ["type", "from", "source", "target", "readonly", "id", "sharing", "required",
                               "size", "mode", "uid", "gid", "src", "dst", "destination", "ro", "rw",
                               "readwrite", "env"]
    private static let canonical = ["src": "source", "dst": "target", "destination": "target",
                                    "ro": "readonly", "rw": "readwrite"]

    static func parse(_ value: String) throws(Failure) -> RunMount {
        let fields = try csvFields(value)
        var mount = RunMount(type: "bind")
        for field in fields {
            let key: String
            let val: String
            if let (k, v) = cutOnce(field, at: "=") {
                key = k.lowercased()
                val = v
            } else {
                key = field.lowercased()
                switch key {
                case "readonly", "ro", "readwrite", "rw":
                    mount.options[canonical[key] ?? key] = "true"
                case "required":
                    guard mount.type == "secret" || mount.type == "ssh" else {
                        throw Failure("unexpected key '\(key)' for mount type '\(mount.type)'")
                    }
                    mount.options["required"] = "true"
                default:
                    throw Failure("invalid field '\(field)' must be a key=value pair")
                }
                continue
            }
            switch key {
            case "type":
                // A variable is resolved when the step runs; lowercasing it would change it.
                let t = val.contains("$") ? val : val.lowercased()
                if !t.contains("$") && !types.contains(t) {
                    throw Failure(Suggest.wrap("unsupported mount type \(goQuote(val))", value: val, options: types, caseSensitive: true))
                }
                mount.type = t
            case "from":
                // A stage or image name is resolved before any step runs.
                let s = Array(val.unicodeScalars)
                if let i = s.firstIndex(of: "$"), i != s.count - 1 {
                    throw Failure("'from' doesn't support variable expansion, define alias stage instead")
                }
                mount.options["from"] = val
            case "required", "size":
                let allowed = key == "size" ? mount.type == "tmpfs" : (mount.type == "secret" || mount.type == "ssh")
                guard allowed else { throw Failure("unexpected key '\(key)' for mount type '\(mount.type)'") }
                mount.options[key] = val
            default:
                guard keys.contains(key) else {
                    throw Failure(Suggest.wrap("unexpected key '\(key)' in '\(field)'", value: key, options: keys, caseSensitive: true))
                }
                mount.options[canonical[key] ?? key] = val
            }
        }
        if !["secret", "ssh", "cache"].contains(mount.type) {
            for k in ["mode", "uid", "gid"] where mount.options[k] != nil {
                throw Failure("\(k) not allowed for \(goQuote(mount.type)) type mounts")
            }
        }
        if mount.type == "secret" {
            if mount.options["from"] != nil { throw Failure("secret mount should not have a from") }
            if mount.options["sharing"] != nil { throw Failure("secret mount should not define sharing") }
        }
        if mount.options["sharing"] != nil && mount.type != "cache" {
            throw Failure("invalid cache sharing set for \(mount.type) mount")
        }
        return mount
    }

    /// One CSV record: fields separated by commas; a field may be double-quoted, with
    /// `""` standing for a quote inside it.
    static func csvFields(_ text: String) throws(Failure) -> [String] {
        let r = Array(text.unicodeScalars)
        var fields: [String] = []
        var i = 0
        while true {
            var field = String.UnicodeScalarView()
            if i < r.count && r[i] == "\"" {
                i += 1
                while true {
                    guard i < r.count else {
                        throw Failure("failed to parse csv mounts: extraneous or missing \" in quoted-field")
                    }
                    if r[i] == "\"" {
                        if i + 1 < r.count && r[i + 1] == "\"" {
                            field.append("\"")
                            i += 2
                            continue
                        }
                        i += 1
                        break
                    }
                    field.append(r[i])
                    i += 1
                }
                if i < r.count && r[i] != "," {
                    throw Failure("failed to parse csv mounts: extraneous or missing \" in quoted-field")
                }
            } else {
                while i < r.count && r[i] != "," {
                    if r[i] == "\"" { throw Failure("failed to parse csv mounts: bare \" in non-quoted-field") }
                    field.append(r[i])
                    i += 1
                }
            }
            fields.append(String(field))
            if i >= r.count { break }
            i += 1 // ","
        }
        return fields
    }
}
