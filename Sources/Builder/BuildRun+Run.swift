import Archive
import Dockerfile
import Engine
import OCI
import Synchronization
import WharfAPI
import WharfCore

extension BuildRun {
    /// RUN: a real container from the last step's image, with the stage's env, user and
    /// workdir and the build args as environment; its writable layer becomes the step's.
    func run(_ spec: RunSpec, original: String, _ state: inout BuildState) async throws {
        var cmd = argv(spec.form, state)
        if !spec.heredocs.isEmpty, case .shell(let line) = spec.form {
            // `RUN <<EOF` alone runs the body as a script; otherwise the shell reads the
            // heredocs itself, so it gets the line and the bodies as written.
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            let bare = trimmed.hasPrefix("<<") && !trimmed.contains(" ")
            var script = bare ? "" : line
            if bare, let h = spec.heredocs.first {
                script = h.content
            } else {
                for h in spec.heredocs {
                    script += "\n" + h.content + (h.content.hasSuffix("\n") || h.content.isEmpty ? "" : "\n") + h.name
                }
            }
            cmd = state.shell + [script]
        }
        let argText = state.args.keys.sorted().map { "\($0)=\(state.args[$0]!)" }
        let createdBy = (argText.isEmpty ? "" : "|\(argText.count) " + argText.joined(separator: " ") + " ") + cmd.joined(separator: " ")
        let key = Self.cacheKey("RUN", cmd.joined(separator: "\u{0}"), argText.joined(separator: "\u{0}"),
                                spec.mounts.map { "\($0.type) \($0.options.sorted { $0.key < $1.key })" }.joined(separator: ";"))
        if let hit = cached(state, key: key) {
            useCache(hit, &state)
            return
        }
        guard let image = state.imageID else {
            throw BuildFailure(message: "failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: \"\(cmd.first ?? "")\": executable file not found in $PATH: unknown", code: 127)
        }
        var env = state.env
        for a in argText where !env.contains(where: { $0.hasPrefix(String(a.prefix { $0 != "=" }) + "=") }) { env.append(a) }
        var cfg = WharfAPI.ContainerConfig()
        cfg.Image = image.string
        cfg.Cmd = cmd
        cfg.Entrypoint = [""]
        cfg.Env = env
        cfg.User = state.runConfig.user ?? ""
        cfg.WorkingDir = state.runConfig.workingDir ?? ""
        cfg.AttachStdout = true
        cfg.AttachStderr = true
        var host = HostConfig()
        host.NetworkMode = spec.network ?? options.networkMode ?? "default"
        if options.shmSize > 0 { host.ShmSize = options.shmSize }
        if options.memory > 0 { host.Memory = options.memory }
        if !options.extraHosts.isEmpty { host.ExtraHosts = options.extraHosts }
        var fromMounts: [String] = []
        defer { for m in fromMounts { unmountFrom(m) } }
        host.Mounts = try await runMounts(spec.mounts, state, mounted: &fromMounts)
        let containers = service.engine.containers
        let created = try await containers.create(name: nil, request: ContainerCreateRequest(config: cfg, hostConfig: host),
                                                  apiVersion: .current)
        let id = created.Id
        say(" ---> Running in \(String(id.prefix(12)))\n")
        var removed = false
        func remove() async {
            guard !removed else { return }
            removed = true
            try? await containers.remove(id, force: true, removeVolumes: true)
            say("Removing intermediate container \(String(id.prefix(12)))\n")
        }
        do {
            var attach = AttachOptions()
            attach.stdout = true
            attach.stderr = true
            attach.stream = true
            let sink = BuildOutputSink(output)
            _ = try await containers.attach(id, options: attach, sink: sink)
            let waiter = try await containers.wait(id, condition: .nextExit)
            try await containers.start(id)
            let result = await waiter.result()
            await sink.drained()
            if result.StatusCode != 0 {
                if options.forceRemove { await remove() }
                throw BuildFailure(message: "The command '\(cmd.joined(separator: " "))' returned a non-zero code: \(result.StatusCode)",
                                   code: Int(result.StatusCode))
            }
            let layer = try await containers.writableLayer(id, parent: OCI.chainIDs(diffIDs: state.config.rootfs.diffIDs).last)
            do {
                try commit(&state, createdBy: createdBy, layer: layer, cacheKey: key)
            } catch {
                store.releaseLayer(layer.chainID)
                throw error
            }
            if options.remove { await remove() }
        } catch let e as BuildFailure {
            throw e
        } catch {
            if options.forceRemove { await remove() }
            throw error
        }
    }

    /// `RUN --mount`: cache mounts are named volumes that outlive the build (keyed by id or
    /// target); tmpfs mounts are tmpfs; bind mounts read from the context, read-only.
    func runMounts(_ mounts: [RunMount], _ state: BuildState, mounted: inout [String]) async throws -> [Mount]? {
        guard !mounts.isEmpty else { return nil }
        var out: [Mount] = []
        for m in mounts {
            out.append(try await runMount(m, mounted: &mounted))
        }
        return out
    }

    func runMount(_ m: RunMount, mounted: inout [String]) async throws -> Mount {
        let target = m.options["target"] ?? m.options["dst"] ?? m.options["destination"] ?? ""
        guard target.hasPrefix("/") else { throw BuildFailure(message: "mount target must be absolute: \(target)", code: 1) }
        switch m.type {
        case "cache":
            let id = m.options["id"] ?? target
            let name = "wharf-build-cache-" + String(Digest.sha256(Array(id.utf8)).encoded.prefix(20))
            var mt = Mount(Type: "volume", Source: name, Target: target)
            mt.ReadOnly = m.options["readonly"] == "true" || m.options["ro"] == "true"
            return mt
        case "tmpfs":
            return Mount(Type: "tmpfs", Target: target)
        case "bind":
            var root = context
            if let from = m.options["from"], !from.isEmpty {
                let dir = try await mountFrom(from)
                mounted.append(dir)
                root = dir + "/rootfs"
            } else {
                try archive?.ensureExtracted()
            }
            let source = try resolvePathInRoot(root, m.options["source"] ?? m.options["src"] ?? "/", followLast: true)
            var mt = Mount(Type: "bind", Source: source, Target: target)
            mt.ReadOnly = !(m.options["rw"] == "true" || m.options["readwrite"] == "true")
            return mt
        default:
            throw BuildFailure(message: "RUN --mount=type=\(m.type) is not supported by this builder", code: 1)
        }
    }
}

/// A RUN step's output, as `{"stream": …}` lines in the build's answer.
final class BuildOutputSink: StreamSink {
    let output: @Sendable (JSONMessage) -> Void
    private let state = Mutex<(closed: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    init(_ output: @escaping @Sendable (JSONMessage) -> Void) { self.output = output }

    func write(_ stream: StdStream, _ bytes: [UInt8]) {
        output(JSONMessage(stream: String(decoding: bytes, as: UTF8.self)))
    }

    func finish() {
        let ws = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.closed = true
            defer { s.waiters = [] }
            return s.waiters
        }
        for w in ws { w.resume() }
    }

    var isClosed: Bool { false }

    /// Returns once the attach stream has ended (all output delivered).
    func drained() async {
        await withCheckedContinuation { (k: CheckedContinuation<Void, Never>) in
            let now = state.withLock { s -> Bool in
                if s.closed { return true }
                s.waiters.append(k)
                return false
            }
            if now { k.resume() }
        }
    }
}
