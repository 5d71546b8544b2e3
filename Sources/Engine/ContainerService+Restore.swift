import Runtime
import WharfAPI
import WharfCore

extension ContainerService {
    /// Rebuilds the index from disk and re-adopts running containers from their shims. A
    /// container whose shim is gone is recorded as exited, with the code its shim left in
    /// exit.json when there is one.
    func restore() {
        try? FS.mkdirAll(config.containersDir, mode: 0o710)
        for id in FS.listDirectory(config.containersDir) {
            if id.hasPrefix(".removing-") {
                // A removal the daemon answered but had not finished deleting.
                try? FS.removeAll(config.containersDir + "/" + id)
                try? FS.removeAll(config.bundleDir(String(id.dropFirst(".removing-".count))))
                continue
            }
            let dir = config.containerDir(id)
            guard let rb = try? FS.readFile(dir + "/config.json"),
                  let record = try? APIJSON.decode(ContainerRecord.self, from: rb) else {
                logger.warning("skipping \(dir): unreadable config.json")
                continue
            }
            let host = (try? FS.readFile(dir + "/hostconfig.json")).flatMap { try? APIJSON.decode(HostConfig.self, from: $0) } ?? HostConfig()
            var state = (try? FS.readFile(dir + "/state.json")).flatMap { try? APIJSON.decode(ContainerStateRecord.self, from: $0) } ?? ContainerStateRecord()
            let c = Container(record: record, hostConfig: host, state: state, dir: dir, bundle: config.bundleDir(id), socketPath: config.shimSocket(id))
            register(c)
            guard state.status == .running else {
                restoreNotRunning(c)
                continue
            }
            if let shim = try? ShimConnection.connect(socketPath: c.socketPath) {
                c.live.withLock {
                    $0.shim = shim
                    $0.shimAlive = true
                }
                shim.run { [weak self] event in self?.handleShimEvent(c, event) }
                readoptMounts(c)
                logger.info("re-adopted running container \(id)")
            } else {
                let info = readExitFile(c)
                state.status = .exited
                state.exitCode = info.exitCode
                state.pid = 0
                state.finishedAt = Timestamp(rfc3339: info.finishedAt) ?? .now()
                if let e = info.error { state.error = e }
                c.live.withLock { $0.state = state }
                teardownRootfs(c)
                try? FS.removeAll(c.bundle)
                try? c.persistState()
                logger.info("container \(id) exited while the daemon was away (\(info.exitCode))")
                if host.AutoRemove == true {
                    Task { try? await self.removeStopped(c, removeVolumes: true) }
                }
            }
        }
    }
}

extension ContainerService {
    /// A container recorded as created or exited. If the daemon died during a start, its
    /// shim may be alive (the shim's state then decides what happens), or the start left a
    /// mounted rootfs and a bundle behind, or the shim already recorded how it ended.
    private func restoreNotRunning(_ c: Container) {
        guard FS.exists(c.bundle) else { return }
        if let shim = try? ShimConnection.connect(socketPath: c.socketPath) {
            c.live.withLock {
                $0.shim = shim
                $0.shimAlive = true
                $0.resumingStart = true
            }
            shim.run { [weak self] event in self?.handleShimEvent(c, event) }
            logger.info("resuming an interrupted start of \(c.id)")
            return
        }
        if let bytes = try? FS.readFile(c.bundle + "/exit.json"),
           let info = try? APIJSON.decode(ExitInfo.self, from: bytes) {
            // exit.json is removed before each start, so this one is from the interrupted run.
            c.live.withLock { l in
                l.state.status = info.error == nil ? .exited : .created
                l.state.exitCode = info.exitCode
                l.state.pid = 0
                l.state.finishedAt = Timestamp(rfc3339: info.finishedAt) ?? .now()
                if let e = info.error { l.state.error = e }
            }
            try? c.persistState()
        }
        teardownRootfs(c)
        try? FS.removeAll(c.bundle)
    }
}

extension ContainerService: ContainerBackend {
    public func create(name: String?, request: ContainerCreateRequest, apiVersion: APIVersion) async throws -> ContainerCreateResponse {
        try await create(name: name, request: request)
    }
}
