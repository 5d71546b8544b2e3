import ImageStore
import OCI
import WharfAPI
import WharfCore

extension ContainerService {
    func create(name: String?, request: ContainerCreateRequest) async throws -> ContainerCreateResponse {
        var cfg = request.config
        let host = request.hostConfig
        guard let imageRef = cfg.Image, !imageRef.isEmpty else {
            throw WharfError.invalid("No image was specified")  // Docker: "config cannot be empty…"
        }
        let validName = try name.map { try ContainerNames.validate($0) }
        try validateHostConfig(host)
        let image = try await blocking { [images] in try images.resolve(imageRef) }

        // Merge with the image's config as Docker does: the user's values win; Cmd from the
        // image only when the user set neither Cmd nor Entrypoint.
        let ic = image.config.config
        if cfg.Entrypoint == [""] { cfg.Entrypoint = [] }
        if (cfg.Entrypoint ?? []).isEmpty {
            if (cfg.Cmd ?? []).isEmpty { cfg.Cmd = ic?.cmd }
            if cfg.Entrypoint == nil { cfg.Entrypoint = ic?.entrypoint }
        }
        if cfg.Entrypoint == [] { cfg.Entrypoint = nil }
        cfg.Env = mergeEnv(image: ic?.env ?? [], user: cfg.Env ?? [])
        if (cfg.WorkingDir ?? "").isEmpty { cfg.WorkingDir = ic?.workingDir ?? "" }
        if (cfg.User ?? "").isEmpty { cfg.User = ic?.user ?? "" }
        if cfg.StopSignal == nil, let s = ic?.stopSignal, !s.isEmpty { cfg.StopSignal = s }
        if cfg.Healthcheck == nil { cfg.Healthcheck = Self.healthConfig(from: ic?.healthcheck) }
        var labels = ic?.labels ?? [:]
        for (k, v) in cfg.Labels ?? [:] { labels[k] = v }
        cfg.Labels = labels
        if let ports = ic?.exposedPorts {
            var p = cfg.ExposedPorts ?? [:]
            for k in ports.keys where p[k] == nil { p[k] = WharfAPI.EmptyObject() }
            cfg.ExposedPorts = p
        }
        if let vols = ic?.volumes {
            var v = cfg.Volumes ?? [:]
            for k in vols.keys where v[k] == nil { v[k] = WharfAPI.EmptyObject() }
            cfg.Volumes = v
        }
        if let sig = cfg.StopSignal, !sig.isEmpty { _ = try Signals.parse(sig) }
        var mounts = try resolveMounts(config: cfg, host: host)
        let argv = (cfg.Entrypoint ?? []) + (cfg.Cmd ?? [])
        guard let path = argv.first else {
            throw WharfError.invalid("no command specified")
        }
        cfg.Image = imageRef

        let id = ContainerID.generate()
        if (cfg.Hostname ?? "").isEmpty { cfg.Hostname = String(id.prefix(12)) }
        if cfg.Domainname == nil { cfg.Domainname = "" }
        var hostConfig = host
        if (hostConfig.NetworkMode ?? "").isEmpty { hostConfig.NetworkMode = "default" }
        if hostConfig.LogConfig?.Type == nil || hostConfig.LogConfig?.Type == "" {
            hostConfig.LogConfig = LogConfig(Type: "json-file", Config: hostConfig.LogConfig?.Config ?? [:])
        }
        if hostConfig.RestartPolicy?.Name == nil || hostConfig.RestartPolicy?.Name == "" {
            hostConfig.RestartPolicy = RestartPolicy(Name: "no", MaximumRetryCount: 0)
        }

        // Reserve the name before any disk work, so two creates cannot both take it.
        let finalName = try reserveName(validName, id: id)
        do {
            mounts = try await blocking { [self, mounts] in
                var m = mounts
                try self.createVolumes(&m)
                return m
            }
        } catch {
            index.withLock { if $0.names[finalName] == id { $0.names[finalName] = nil } }
            throw error
        }
        let record = ContainerRecord(id: id, name: finalName, created: .now(), config: cfg,
                                     imageID: image.id.string, imageName: imageRef,
                                     path: path, args: Array(argv.dropFirst()), mounts: mounts.isEmpty ? nil : mounts)
        let c = Container(record: record, hostConfig: hostConfig, state: ContainerStateRecord(),
                          dir: config.containerDir(id), bundle: config.bundleDir(id), socketPath: config.shimSocket(id))
        let finalHost = hostConfig
        do {
            try await blocking {
                try FS.mkdirAll(c.dir, mode: 0o710)
                try AtomicFile.write(APIJSON.encode(record), to: c.dir + "/config.json", mode: 0o600)
                try AtomicFile.write(APIJSON.encode(finalHost), to: c.dir + "/hostconfig.json", mode: 0o600)
                try c.persistState()
            }
        } catch {
            index.withLock { if $0.names[finalName] == id { $0.names[finalName] = nil } }
            try? FS.removeAll(c.dir)
            throw error
        }
        index.withLock { $0.byID[id] = c }
        emit(c, "create")
        logger.debug("created container \(id) (\(finalName))")
        return ContainerCreateResponse(Id: id, Warnings: [])
    }

    private func reserveName(_ requested: String?, id: String) throws -> String {
        try index.withLock { idx in
            if let n = requested {
                if let other = idx.names[n] {
                    throw WharfError.conflict("Conflict. The container name \"/\(n)\" is already in use by container \"\(other)\". You have to remove (or rename) that container to be able to reuse that name.")
                }
                idx.names[n] = id
                return n
            }
            for _ in 0..<64 {
                let n = ContainerNames.random()
                if idx.names[n] == nil {
                    idx.names[n] = id
                    return n
                }
            }
            let n = ContainerNames.random() + String(Int.random(in: 0..<10000))
            idx.names[n] = id
            return n
        }
    }

    private func validateHostConfig(_ h: HostConfig) throws {
        switch h.NetworkMode ?? "" {
        case "", "default", "bridge", "none", "host": break
        case let m where m.hasPrefix("container:"):
            throw WharfError(.notImplemented, "network mode \(m) is not supported yet")
        case let m:
            throw WharfError.notFound("network \(m) not found")
        }
        try HostRuntimeOptions.validate(h)
        try Self.validateRestartPolicy(h)
        if let rp = h.RestartPolicy?.Name, !["", "no", "always", "on-failure", "unless-stopped"].contains(rp) {
            throw WharfError.invalid("invalid restart policy: unknown policy '\(rp)'; use one of 'no', 'always', 'on-failure', or 'unless-stopped'")
        }
        if let rt = h.Runtime, !rt.isEmpty, rt != config.runtime, config.runtimes[rt] == nil, rt != "runc" {
            throw WharfError.invalid("unknown or invalid runtime name: \(rt)")
        }
        if let t = h.LogConfig?.Type, !["", "json-file", "none"].contains(t) {
            throw WharfError.invalid("logger: no log driver named '\(t)' is registered")
        }
        if (h.LogConfig?.Type ?? "json-file") != "none" { _ = try LogOptions(h.LogConfig) }
    }

    /// Image env first, then the user's; a user key replaces the image's in place.
    func mergeEnv(image: [String], user: [String]) -> [String] {
        var out = image
        func key(_ s: String) -> Substring { s.split(separator: "=", maxSplits: 1).first ?? Substring(s) }
        for e in user {
            if let i = out.firstIndex(where: { key($0) == key(e) }) { out[i] = e } else { out.append(e) }
        }
        return out
    }
}
