import WharfClient

/// `--mount type=…,source=…,target=…[,readonly][,…]` as docker's `opts.MountOpt` reads it,
/// into the API's Mount object (only the fields docker sends).
enum MountFlag {
    static func parse(_ spec: String) throws -> JSON {
        var type = "volume"
        var source: String?
        var target: String?
        var readOnly = false
        var bind: [JSON.Member] = []
        var volume: [JSON.Member] = []
        var volumeLabels: [String: String] = [:]
        var driverName: String?
        var driverOpts: [String: String] = [:]
        var tmpfs: [JSON.Member] = []
        func bad(_ text: String) -> CLIError {
            CLIError.status("invalid argument \"\(spec)\" for \"--mount\" flag: \(text)", 125)
        }
        func bool(_ v: String?, _ key: String) throws -> Bool {
            guard let v else { return true }
            switch v.lowercased() {
            case "1", "true": return true
            case "0", "false": return false
            default: throw bad("invalid value for \(key): \(v)")
            }
        }
        for field in spec.split(separator: ",", omittingEmptySubsequences: true) {
            let kv = field.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            let key = kv[0].lowercased()
            let value = kv.count > 1 ? kv[1] : nil
            if value == nil && !["readonly", "ro", "volume-nocopy", "bind-nonrecursive"].contains(key) {
                throw bad("invalid field '\(field)' must be a key=value pair")
            }
            switch key {
            case "type": type = value!
            case "source", "src": source = value
            case "target", "dst", "destination": target = value
            case "readonly", "ro": readOnly = try bool(value, key)
            case "consistency": break
            case "bind-propagation": bind.append(.init("Propagation", .string(value!)))
            case "bind-nonrecursive": bind.append(.init("NonRecursive", .bool(try bool(value, key))))
            case "volume-nocopy": volume.append(.init("NoCopy", .bool(try bool(value, key))))
            case "volume-subpath": volume.append(.init("Subpath", .string(value!)))
            case "volume-label":
                let p = value!.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                volumeLabels[String(p[0])] = p.count > 1 ? String(p[1]) : ""
            case "volume-driver": driverName = value
            case "volume-opt":
                let p = value!.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                driverOpts[String(p[0])] = p.count > 1 ? String(p[1]) : ""
            case "tmpfs-size":
                guard let n = try? ContainerFlags.ramInBytes(value!) else { throw bad("invalid value for tmpfs-size: \(value!)") }
                tmpfs.append(.init("SizeBytes", .int(n)))
            case "tmpfs-mode":
                guard let m = UInt32(value!, radix: 8) else { throw bad("invalid value for tmpfs-mode: \(value!)") }
                tmpfs.append(.init("Mode", .int(m)))
            default:
                throw bad("unexpected key '\(key)' in '\(field)'")
            }
        }
        guard let target, !target.isEmpty else { throw bad("target is required") }
        if !volumeLabels.isEmpty { volume.append(.init("Labels", .stringMap(volumeLabels))) }
        if driverName != nil || !driverOpts.isEmpty {
            var dc: [JSON.Member] = [.init("Name", .string(driverName ?? ""))]
            if !driverOpts.isEmpty { dc.append(.init("Options", .stringMap(driverOpts))) }
            volume.append(.init("DriverConfig", .object(dc)))
        }
        var out: [JSON.Member] = [.init("Type", .string(type))]
        if let source { out.append(.init("Source", .string(source))) }
        out.append(.init("Target", .string(target)))
        if readOnly { out.append(.init("ReadOnly", .bool(true))) }
        if !bind.isEmpty { out.append(.init("BindOptions", .object(bind))) }
        if !volume.isEmpty { out.append(.init("VolumeOptions", .object(volume))) }
        if !tmpfs.isEmpty { out.append(.init("TmpfsOptions", .object(tmpfs))) }
        return .object(out)
    }
}
