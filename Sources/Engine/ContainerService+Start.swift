import ImageStore
import OCI
import Runtime
import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

extension ContainerService {
    public func start(_ ref: String) async throws {
        try await start(ref, byPolicy: false)
    }

    /// `byPolicy`: a restart policy's start, which a user's stop in the meantime cancels
    /// (checked in the same lock section that marks the start, so a stop either comes
    /// before and cancels it, or after and waits for it, then stops the container).
    func start(_ ref: String, byPolicy: Bool) async throws {
        let c = try lookup(ref)
        // The previous run's exit may still be releasing the rootfs.
        await c.waitExitProcessed()
        let proceed = try c.live.withLock { l -> Bool in
            if l.removing { throw WharfError.conflict("container is marked for removal and cannot be started") }
            if l.state.status == .running || l.starting || l.resumingStart { return false }
            if byPolicy && l.state.manuallyStopped == true { return false }
            l.starting = true
            return true
        }
        guard proceed else { throw WharfError(.notModified, "container already started") }
        defer { c.live.withLock { $0.starting = false } }

        let image = try await blocking { [images] in try images.resolve(c.record.imageID) }
        let pid: Int32
        let shim: ShimConnection
        do {
            shim = try await blocking { [self] in try self.prepareAndLaunch(c, image: image) }
        } catch {
            try? await blocking { [self] in self.teardownRootfs(c) }
            await recordStartFailure(c, error)
            throw error
        }
        do {
            pid = try await withCheckedThrowingContinuation { (k: CheckedContinuation<Int32, any Error>) in
                c.live.withLock { l in
                    l.shim = shim
                    l.shimAlive = true
                    l.startContinuation = k
                }
                shim.run { [weak self] event in self?.handleShimEvent(c, event) }
                // Stdin that arrived before the shim existed goes first, then the start.
                let (pending, closeIt) = c.live.withLock { l -> ([[UInt8]], Bool) in
                    let p = l.pendingStdin
                    l.pendingStdin = []
                    let cl = l.pendingStdinClose
                    l.pendingStdinClose = false
                    return (p, cl)
                }
                for chunk in pending { try? shim.send(.stdin(chunk)) }
                if closeIt { try? shim.send(.closeStdin) }
                FaultPoint.hit("start.launched")
                do { try shim.send(.start) } catch {
                    c.live.withLock { $0.startContinuation = nil }
                    k.resume(throwing: error)
                }
            }
        } catch {
            try? await blocking { [self] in self.teardownRootfs(c) }
            throw error
        }
        FaultPoint.hit("start.started")
        markStarted(c, pid: pid)
        logger.debug("started container \(c.id) pid \(pid)")
    }

    /// The process runs: record it, tell listeners, start the health checks. Also used when
    /// a restarted daemon finds that a start it was doing went through.
    func markStarted(_ c: Container, pid: Int32) {
        c.live.withLock { l in
            l.state.status = .running
            l.state.manuallyStopped = false
            l.restarting = false
            l.resumingStart = false
            l.state.pid = pid
            l.state.startedAt = .now()
            l.state.exitCode = 0
            l.state.error = ""
            l.state.oomKilled = false
            l.state.finishedAt = .zero
        }
        c.persistInBackground()
        emit(c, "start")
        startHealthMonitor(c)
    }

    /// A start that failed before the runtime ran (a missing device, a bad profile): the
    /// container stays "created" with Docker's unknown exit code (128) and the error, and
    /// goes away if it was run with --rm, as with Docker.
    private func recordStartFailure(_ c: Container, _ error: any Error) async {
        let message = (error as? WharfError)?.message ?? "\(error)"
        c.live.withLock { l in
            l.state.error = message
            if l.state.exitCode == 0 { l.state.exitCode = 128 }
            l.starting = false
        }
        try? await blocking { try c.persistState() }
        if c.hostConfig.AutoRemove == true {
            try? await removeStopped(c, removeVolumes: true)
        }
    }

    /// Mounts the rootfs, writes the per-container files and the OCI bundle, and launches
    /// the shim. Blocking: called through `blocking {}`.
    private func prepareAndLaunch(_ c: Container, image: ImageRecord) throws -> ShimConnection {
        try FS.mkdirAll(c.bundle, mode: 0o711)
        try FS.mkdirAll(c.rootfs, mode: 0o755)
        try images.mountRootfs(image: image, containerDir: c.dir, target: c.rootfs)
        do {
            let cfg = c.record.config
            let host = c.hostConfig
            let hostname = cfg.Hostname ?? String(c.id.prefix(12))
            let networkMode = host.NetworkMode ?? "default"
            try writeEtcFiles(c, hostname: hostname, hostNetwork: networkMode == "host")

            var console: ContainerRuntimeConfig.ConsoleSize?
            if c.tty, let cs = host.ConsoleSize, cs.count == 2, cs[0] > 0, cs[1] > 0 {
                console = .init(rows: UInt16(clamping: cs[0]), cols: UInt16(clamping: cs[1]))
            }
            var args = [c.record.path] + c.record.args
            var initMount: ContainerRuntimeConfig.BindMount?
            if host.Init == true {
                // --init: Docker's docker-init (tini) as PID 1, reaping zombies and passing
                // signals on, bind-mounted read-only from the host.
                guard let path = Self.initBinary() else {
                    throw WharfError.invalid("docker-init binary not found: install tini (tini-static)")
                }
                initMount = .init(source: path, destination: "/sbin/docker-init", readonly: true)
                args = ["/sbin/docker-init", "--"] + args
            }
            var rc = try runtimeConfig(c, args: args, extraEnv: [], user: cfg.User ?? "",
                                       cwd: cfg.WorkingDir ?? "", tty: c.tty, console: console,
                                       privileged: host.Privileged ?? false)
            if let initMount { rc.bindMounts.append(initMount) }
            let (binds, tmpfs) = try prepareMounts(c)
            rc.bindMounts += binds
            rc.tmpfsMounts = tmpfs
            rc.devices = try HostRuntimeOptions.devices(host)
            rc.deviceRules = try HostRuntimeOptions.deviceRules(host)
            let spec = try SpecBuilder.build(rc)
            try AtomicFile.write(APIJSON.encode(spec), to: c.bundle + "/config.json", mode: 0o600, durable: false)
            // A leftover from a previous run would be read as this run's result.
            unlink(c.bundle + "/exit.json")
            let runtimePath = host.Runtime.flatMap { config.runtimes[$0] } ?? config.runtimes[config.runtime] ?? config.runtime
            let logOptions = try LogOptions(host.LogConfig)
            let opts = ShimLaunchOptions(
                id: c.id, bundle: c.bundle, runtimePath: runtimePath, runtimeRoot: config.runtimeRoot,
                logPath: (host.LogConfig?.Type == "none") ? "" : c.logPath,
                tty: c.tty, openStdin: c.record.config.OpenStdin ?? false,
                shimPath: config.shimPath, socketPath: c.socketPath,
                logMaxSize: logOptions.maxSize > 0 ? logOptions.maxSize : nil, logMaxFile: logOptions.maxFile)
            FaultPoint.hit("start.mounted")
            return try ShimConnection.launch(opts)
        } catch {
            teardownRootfs(c)
            throw error
        }
    }

    /// The runtime view of the container, for its own process or for an exec (which runs
    /// with the same environment, capabilities and profile, plus its own overrides).
    func runtimeConfig(_ c: Container, args: [String], extraEnv: [String], user userSpec: String, cwd: String,
                       tty: Bool, console: ContainerRuntimeConfig.ConsoleSize?, privileged: Bool) throws -> ContainerRuntimeConfig {
        let cfg = c.record.config
        let host = c.hostConfig
        let hostname = cfg.Hostname ?? String(c.id.prefix(12))
        let networkMode = host.NetworkMode ?? "default"
        let user = try UserResolver.resolve(userSpec, rootfs: c.rootfs)
        var env = mergeEnv(image: cfg.Env ?? [], user: extraEnv)
        func has(_ k: String) -> Bool { env.contains { $0.hasPrefix(k + "=") } }
        if !has("PATH") { env.insert("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", at: 0) }
        if !has("HOSTNAME") { env.insert("HOSTNAME=\(hostname)", at: 1) }
        if tty && !has("TERM") { env.append("TERM=xterm") }
        var binds = [
            ContainerRuntimeConfig.BindMount(source: c.dir + "/resolv.conf", destination: "/etc/resolv.conf"),
            ContainerRuntimeConfig.BindMount(source: c.dir + "/hostname", destination: "/etc/hostname"),
            ContainerRuntimeConfig.BindMount(source: c.dir + "/hosts", destination: "/etc/hosts"),
        ]
        if networkMode == "host" { binds.removeAll { $0.destination == "/etc/hostname" } }
        let security = try HostRuntimeOptions.security(host.SecurityOpt ?? [])
        var groups = user.additionalGids
        for g in host.GroupAdd ?? [] {
            let gid = try UserResolver.group(g, rootfs: c.rootfs)
            if !groups.contains(gid) { groups.append(gid) }
        }
        return ContainerRuntimeConfig(
            id: c.id, rootfs: c.rootfs, args: args, env: env, cwd: cwd.isEmpty ? "/" : cwd,
            uid: user.uid, gid: user.gid, additionalGids: groups,
            tty: tty, consoleSize: console, hostname: networkMode == "host" ? "" : hostname,
            readonlyRootfs: host.ReadonlyRootfs ?? false,
            network: networkMode == "host" ? .host : .none,
            bindMounts: binds, capAdd: host.CapAdd ?? [], capDrop: host.CapDrop ?? [],
            privileged: privileged, seccomp: security.seccomp, noNewPrivileges: security.noNewPrivileges,
            rlimits: HostRuntimeOptions.rlimits(host),
            shmSize: (host.ShmSize ?? 0) > 0 ? host.ShmSize! : 64 * 1024 * 1024,
            sysctls: host.Sysctls ?? [:], resources: HostRuntimeOptions.resources(host))
    }

    /// The init for `--init`: a static tini, which works whatever the image's libc.
    static func initBinary() -> String? {
        ["/usr/bin/tini-static", "/usr/bin/docker-init", "/usr/libexec/docker/docker-init"].first { FS.exists($0) }
    }

    /// /etc/hostname, /etc/hosts and /etc/resolv.conf live in the container's directory
    /// and are bind-mounted in, as Docker does.
    private func writeEtcFiles(_ c: Container, hostname: String, hostNetwork: Bool) throws {
        // Regenerated at every start: atomic, but not worth an fsync on the start path.
        try AtomicFile.write(hostname + "\n", to: c.dir + "/hostname", durable: false)
        var hosts: String
        if hostNetwork, let h = try? FS.readString("/etc/hosts") {
            hosts = h
        } else {
            hosts = "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\n"
                + "ff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n"
            if !hostNetwork { hosts += "127.0.1.1\t\(hostname)\n" }
        }
        try AtomicFile.write(hosts, to: c.dir + "/hosts", durable: false)
        let resolv = (try? FS.readString("/etc/resolv.conf")) ?? ""
        try AtomicFile.write(resolv, to: c.dir + "/resolv.conf", durable: false)
    }

    func teardownRootfs(_ c: Container) {
        releaseMounts(c)
        try? images.unmountRootfs(target: c.rootfs)
    }
}
