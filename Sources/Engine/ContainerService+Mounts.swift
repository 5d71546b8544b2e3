import Archive
import Runtime
import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

extension ContainerService {
    /// Every mount a create asks for, validated with Docker's messages. In Docker's order:
    /// `--volumes-from` first, then `-v` and `--mount` (which may not share a destination),
    /// `--tmpfs`, and last anonymous volumes for the image's and the request's VOLUMEs.
    func resolveMounts(config cfg: ContainerConfig, host: HostConfig) throws -> [MountSpec] {
        var byDest: [String: MountSpec] = [:]
        var order: [String] = []
        func put(_ m: MountSpec) {
            if byDest[m.destination] == nil { order.append(m.destination) }
            byDest[m.destination] = m
        }
        for spec in host.VolumesFrom ?? [] {
            let parts = spec.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            guard parts.count <= 2, !parts[0].isEmpty else { throw WharfError.invalid("invalid volumes-from specification: \(spec)") }
            var rw: Bool?
            if parts.count == 2 {
                switch parts[1] {
                case "ro": rw = false
                case "rw": rw = true
                default: throw WharfError.invalid("invalid mode for volumes-from: \(parts[1])")
                }
            }
            let other = try lookup(parts[0])
            for var m in other.record.mounts ?? [] where m.type != .tmpfs {
                if let rw { m.readOnly = !rw }
                put(m)
            }
        }
        var explicit = Set<String>()
        func putExplicit(_ m: MountSpec) throws {
            if explicit.contains(m.destination) { throw WharfError.invalid("Duplicate mount point: \(m.destination)") }
            explicit.insert(m.destination)
            put(m)
        }
        for raw in host.Binds ?? [] { try putExplicit(try MountParser.parseBind(raw)) }
        for mt in host.Mounts ?? [] { try putExplicit(try MountParser.parseMount(mt)) }
        for (dst, opts) in (host.Tmpfs ?? [:]).sorted(by: { $0.key < $1.key }) {
            try putExplicit(try MountParser.parseTmpfs(dst, opts))
        }
        for dst in (cfg.Volumes ?? [:]).keys.sorted() {
            let clean = try MountParser.checkDestination(dst, type: "volume")
            if byDest[clean] != nil { continue }
            var m = MountSpec(type: .volume, destination: clean)
            m.anonymous = true
            put(m)
        }
        return order.map { byDest[$0]! }
    }

    /// Creates the volumes a new container names and its anonymous ones (as Docker does at
    /// create, with their `create` events).
    func createVolumes(_ mounts: inout [MountSpec]) throws {
        for i in mounts.indices where mounts[i].type == .volume {
            let m = mounts[i]
            if m.anonymous && m.name == nil {
                mounts[i].name = try volumes.create(name: nil, driver: nil, options: m.volumeOptions, labels: m.volumeLabels).Name
            } else if let n = m.name, !volumes.exists(n) {
                _ = try volumes.create(name: n, driver: nil, options: m.volumeOptions, labels: m.volumeLabels)
            }
        }
    }

    /// IDs of the containers that reference volume `name`, running or not.
    func volumeUsers(_ name: String) -> [String] {
        all.filter { c in (c.record.mounts ?? []).contains { $0.type == .volume && $0.name == name } }
            .map(\.id).sorted()
    }

    /// At start: the host side of each mount (volumes mounted if they need it, filled from
    /// the image when new and empty; missing `-v` host directories created). Blocking.
    func prepareMounts(_ c: Container) throws -> (binds: [ContainerRuntimeConfig.BindMount], tmpfs: [ContainerRuntimeConfig.TmpfsMount]) {
        var binds: [ContainerRuntimeConfig.BindMount] = []
        var tmpfs: [ContainerRuntimeConfig.TmpfsMount] = []
        var acquired: [String] = []
        do {
            for m in c.record.mounts ?? [] {
                switch m.type {
                case .tmpfs:
                    tmpfs.append(.init(destination: m.destination, options: m.tmpfsOptions ?? []))
                case .bind:
                    if !FS.exists(m.source) {
                        guard m.createHostPath else {
                            throw MountParser.mountConfigError("bind", "bind source path does not exist: \(m.source)")
                        }
                        try FS.mkdirAll(m.source, mode: 0o755)
                    }
                    binds.append(.init(source: m.source, destination: m.destination, readonly: m.readOnly,
                                       propagation: m.propagation))
                case .volume:
                    guard let name = m.name else { continue }
                    var path = try volumes.acquire(name)
                    acquired.append(name)
                    if let sub = m.subpath {
                        let resolved = try resolvePathInRoot(path, sub, followLast: true)
                        guard FS.isDirectory(resolved) || FS.exists(resolved) else {
                            throw WharfError.invalid("error while mounting volume with subpath '\(sub)': stat \(path)/\(sub): no such file or directory")
                        }
                        path = resolved
                    } else if !m.noCopy, CopyUp.isEmptyDirectory(path),
                              let inImage = try? resolvePathInRoot(c.rootfs, m.destination, followLast: true),
                              FS.isDirectory(inImage) {
                        try CopyUp.copy(from: inImage, to: path)
                    }
                    binds.append(.init(source: path, destination: m.destination, readonly: m.readOnly))
                    emitVolume(name, "mount", c, ["destination": m.destination, "read/write": String(!m.readOnly),
                                                  "propagation": ""])
                }
            }
        } catch {
            for name in acquired { volumes.release(name) }
            throw error
        }
        c.live.withLock { $0.acquiredVolumes = acquired }
        return (binds, tmpfs)
    }

    /// The run is over: options volumes no other container holds are unmounted.
    func releaseMounts(_ c: Container) {
        let names = c.live.withLock { l -> [String] in
            defer { l.acquiredVolumes = [] }
            return l.acquiredVolumes
        }
        for name in names {
            volumes.release(name)
            emitVolume(name, "unmount", c, [:])
        }
    }

    /// A re-adopted running container holds its volumes again.
    func readoptMounts(_ c: Container) {
        var held: [String] = []
        for m in c.record.mounts ?? [] where m.type == .volume {
            guard let name = m.name, let r = volumes.state(name) else { continue }
            if r.options?["device"] != nil {
                try? volumes.withMountCount(name) { $0 += 1 }
            }
            held.append(name)
        }
        c.live.withLock { $0.acquiredVolumes = held }
    }

    /// `rm -v` and `--rm`: the container's anonymous volumes go with it (named ones stay).
    func removeAnonymousVolumes(_ c: Container) {
        for m in c.record.mounts ?? [] where m.type == .volume {
            guard let name = m.name, volumes.isAnonymous(name), volumeUsers(name).isEmpty else { continue }
            do { try volumes.delete(name) } catch { logger.warning("removing volume \(name): \(error)") }
        }
    }

    /// `Mounts` as inspect and ps show them.
    func mountPoints(_ c: Container) -> [MountPoint] {
        (c.record.mounts ?? []).filter(\.listed).map { m in
            switch m.type {
            case .volume:
                let name = m.name ?? ""
                var source = volumes.dataPath(name)
                if let sub = m.subpath { source += "/" + sub }
                return MountPoint(Type: "volume", Name: name, Source: source, Destination: m.destination, Driver: "local",
                                  Mode: m.mode, RW: !m.readOnly, Propagation: "")
            case .bind:
                return MountPoint(Type: "bind", Name: nil, Source: m.source, Destination: m.destination, Driver: nil,
                                  Mode: m.mode, RW: !m.readOnly, Propagation: m.propagation)
            case .tmpfs:
                return MountPoint(Type: "tmpfs", Name: nil, Source: "", Destination: m.destination, Driver: nil,
                                  Mode: "", RW: !m.readOnly, Propagation: "")
            }
        }
    }

    private func emitVolume(_ name: String, _ action: String, _ c: Container, _ extra: [String: String]) {
        var attrs = ["driver": "local", "container": c.id]
        for (k, v) in extra { attrs[k] = v }
        events.publish(type: "volume", action: action, id: name, attributes: attrs)
    }
}
