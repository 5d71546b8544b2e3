import WharfAPI
import WharfCore

/// One mount of a container, resolved at create from `-v` (Binds), `--mount` (Mounts),
/// `--tmpfs`, `--volumes-from` and the image's VOLUMEs, and kept in the container's record.
struct MountSpec: Codable, Sendable, Equatable {
    enum Kind: String, Codable, Sendable { case volume, bind, tmpfs }
    var type: Kind
    /// The volume's name (volumes only); filled in at create for anonymous ones.
    var name: String?
    /// The host path (binds only).
    var source: String = ""
    var destination: String
    var readOnly = false
    /// As inspect shows it: the `-v` mode text, or "" for `--mount`.
    var mode = ""
    /// Binds: rprivate unless asked otherwise.
    var propagation = ""
    var noCopy = false
    var subpath: String?
    /// tmpfs: size=…, mode=… and the like.
    var tmpfsOptions: [String]?
    /// `-v /missing:/x` creates the host directory; `--mount` refuses it.
    var createHostPath = false
    var anonymous = false
    /// `volume-opt` and `volume-label` of `--mount`: used when the mount creates the volume.
    var volumeOptions: [String: String]?
    var volumeLabels: [String: String]?
    /// Listed in inspect's Mounts (`--tmpfs` entries are not, as with Docker).
    var listed = true
}

/// Docker's parsing and validation of mount requests (moby volume/mounts linux_parser).
enum MountParser {
    static let propagations: Set<String> = ["shared", "rshared", "slave", "rslave", "private", "rprivate"]

    static func mountConfigError(_ type: String, _ text: String) -> WharfError {
        WharfError.invalid("invalid mount config for type \"\(type)\": \(text)")
    }

    static func checkDestination(_ dst: String, type: String) throws -> String {
        guard dst.hasPrefix("/") else {
            throw mountConfigError(type, "invalid mount path: '\(dst)' mount path must be absolute")
        }
        let clean = cleanPath(dst)
        if clean == "/" { throw WharfError.invalid("invalid specification: destination can't be '/'") }
        return clean
    }

    /// Lexically cleaned absolute path (Go's filepath.Clean for absolute paths).
    static func cleanPath(_ p: String) -> String {
        var out: [Substring] = []
        for part in p.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." { if !out.isEmpty { out.removeLast() }; continue }
            out.append(part)
        }
        return "/" + out.joined(separator: "/")
    }

    /// `-v [src:]dst[:mode]`.
    static func parseBind(_ raw: String) throws -> MountSpec {
        let parts = raw.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let invalid = WharfError.invalid("invalid volume specification: '\(raw)'")
        var src = "", dst = "", mode = ""
        switch parts.count {
        case 1: dst = parts[0]
        case 2: src = parts[0]; dst = parts[1]
        case 3: src = parts[0]; dst = parts[1]; mode = parts[2]
        default: throw invalid
        }
        if dst.isEmpty || (parts.count > 1 && src.isEmpty) { throw invalid }
        let isBind = src.hasPrefix("/")
        let type = isBind ? "bind" : "volume"
        var m = MountSpec(type: isBind ? .bind : .volume, destination: try checkDestination(dst, type: type))
        let flags = mode.split(separator: ",").map(String.init)
        var seenRW = false, seenLabel = false, seenProp = false
        for f in flags {
            switch f {
            case "ro", "rw":
                if seenRW { throw WharfError.invalid("invalid mode: \(mode)") }
                seenRW = true
                m.readOnly = f == "ro"
            case "z", "Z":
                if seenLabel { throw WharfError.invalid("invalid mode: \(mode)") }
                seenLabel = true
            case "nocopy":
                if isBind { throw WharfError.invalid("invalid mode: \(mode)") }
                m.noCopy = true
            case _ where propagations.contains(f):
                if seenProp || !isBind { throw WharfError.invalid("invalid mode: \(mode)") }
                seenProp = true
                m.propagation = f
            default:
                throw WharfError.invalid("invalid mode: \(mode)")
            }
        }
        m.mode = mode
        if isBind {
            m.source = cleanPath(src)
            if m.propagation.isEmpty { m.propagation = "rprivate" }
            m.createHostPath = true
        } else if src.isEmpty {
            m.anonymous = true
        } else {
            guard VolumeService.isValidName(src) else { throw VolumeService.invalidName(src) }
            m.name = src
            if mode.isEmpty { m.mode = "z" }
        }
        return m
    }

    /// `--mount type=…` as the API carries it.
    static func parseMount(_ mt: Mount) throws -> MountSpec {
        let type = mt.Type ?? ""
        guard ["bind", "volume", "tmpfs"].contains(type) else {
            throw mountConfigError(type, "mount type unknown")
        }
        guard let target = mt.Target, !target.isEmpty else {
            throw mountConfigError(type, "field Target must not be empty")
        }
        var m = MountSpec(type: MountSpec.Kind(rawValue: type)!, destination: try checkDestination(target, type: type))
        m.readOnly = mt.ReadOnly ?? false
        func forbid(_ present: Bool, _ field: String) throws {
            if present { throw mountConfigError(type, "field \(field) must not be specified") }
        }
        switch m.type {
        case .bind:
            try forbid(mt.VolumeOptions != nil, "VolumeOptions")
            try forbid(mt.TmpfsOptions != nil, "TmpfsOptions")
            guard let src = mt.Source, !src.isEmpty else { throw mountConfigError(type, "field Source must not be empty") }
            guard src.hasPrefix("/") else {
                throw mountConfigError(type, "invalid mount path: '\(src)' mount path must be absolute")
            }
            m.source = cleanPath(src)
            let prop = mt.BindOptions?.Propagation ?? ""
            if !prop.isEmpty && !propagations.contains(prop) {
                throw mountConfigError(type, "invalid propagation mode: \(prop)")
            }
            m.propagation = prop.isEmpty ? "rprivate" : prop
            m.createHostPath = mt.BindOptions?.CreateMountpoint ?? false
            if !m.createHostPath && !FS.exists(m.source) {
                throw mountConfigError(type, "bind source path does not exist: \(m.source)")
            }
        case .volume:
            try forbid(mt.BindOptions != nil, "BindOptions")
            try forbid(mt.TmpfsOptions != nil, "TmpfsOptions")
            if let src = mt.Source, !src.isEmpty {
                guard VolumeService.isValidName(src) else { throw VolumeService.invalidName(src) }
                m.name = src
            } else {
                m.anonymous = true
            }
            if let d = mt.VolumeOptions?.DriverConfig?.Name, !d.isEmpty, d != "local" {
                throw WharfError.notFound("error looking up volume plugin \(d): plugin \"\(d)\" not found")
            }
            m.noCopy = mt.VolumeOptions?.NoCopy ?? false
            m.volumeOptions = mt.VolumeOptions?.DriverConfig?.Options
            m.volumeLabels = mt.VolumeOptions?.Labels
            if let sub = mt.VolumeOptions?.Subpath, !sub.isEmpty {
                let clean = cleanPath("/" + sub)
                if sub.hasPrefix("/") || sub.split(separator: "/").contains("..") || clean == "/" {
                    throw mountConfigError(type, "subpath must be a relative path within the volume")
                }
                m.subpath = String(clean.dropFirst())
            }
        case .tmpfs:
            try forbid(!(mt.Source ?? "").isEmpty, "Source")
            try forbid(mt.BindOptions != nil, "BindOptions")
            try forbid(mt.VolumeOptions != nil, "VolumeOptions")
            var opts: [String] = []
            if let size = mt.TmpfsOptions?.SizeBytes, size > 0 { opts.append("size=\(size)") }
            if let mode = mt.TmpfsOptions?.Mode, mode != 0 { opts.append("mode=" + String(mode & 0o7777, radix: 8)) }
            m.tmpfsOptions = opts
        }
        return m
    }

    /// `--tmpfs /dst[:opts]` (HostConfig.Tmpfs).
    static func parseTmpfs(_ dst: String, _ options: String) throws -> MountSpec {
        var m = MountSpec(type: .tmpfs, destination: try checkDestination(dst, type: "tmpfs"))
        m.tmpfsOptions = options.split(separator: ",").map(String.init)
        m.readOnly = m.tmpfsOptions?.contains("ro") ?? false
        m.listed = false
        return m
    }
}
