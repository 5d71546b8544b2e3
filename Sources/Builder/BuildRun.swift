import Dockerfile
import Engine
import FoundationEssentials
import ImageStore
import OCI
import WharfAPI
import WharfCore

/// One build: walks the needed stages step by step, printing what Docker's classic builder
/// prints. Used by one task.
final class BuildRun: @unchecked Sendable {
    let service: BuildService
    let file: Dockerfile
    let plan: BuildPlan
    let options: BuildOptions
    let context: String
    let work: String
    let output: @Sendable (JSONMessage) -> Void
    /// Every stage's result, as the stages (running at once where they can) finish.
    let shared: StageResults
    var stepNumber: Int
    let totalSteps: Int
    /// The context, indexed; extracted when a step needs its files.
    var archive: ContextArchive?
    /// ARGs before the first FROM, with --build-arg values: what FROM lines expand with.
    var metaArgs: [String: String] = [:]

    init(service: BuildService, file: Dockerfile, plan: BuildPlan, options: BuildOptions, context: String, work: String,
         shared: StageResults, firstStep: Int, output: @escaping @Sendable (JSONMessage) -> Void) throws {
        self.service = service
        self.file = file
        self.plan = plan
        self.options = options
        self.context = context
        self.work = work
        self.shared = shared
        self.stepNumber = firstStep
        self.output = output
        totalSteps = plan.needed.reduce(0) { $0 + 1 + file.stages[$1].instructions.count } + (options.labels.isEmpty ? 0 : 1)
        for a in file.metaArgs {
            if let v = options.buildArgs[a.name] ?? nil {
                metaArgs[a.name] = v
            } else if let d = a.defaultValue {
                metaArgs[a.name] = try ShellWord.expand(d, env: metaArgs, escape: file.escape)
            }
        }
    }

    /// Steps before stage `i` in the build (its FROM is step that + 1).
    static func firstStep(of i: Int, _ plan: BuildPlan, _ file: Dockerfile) -> Int {
        plan.needed.filter { $0 < i }.reduce(0) { $0 + 1 + file.stages[$1].instructions.count }
    }

    var store: ImageStore { service.store }

    func say(_ text: String) { output(JSONMessage(stream: text)) }

    func title(_ original: String) {
        stepNumber += 1
        say("Step \(stepNumber)/\(totalSteps) : \(original)")
        say("\n")
    }

    func showID(_ state: BuildState) {
        if let id = state.imageID { say(" ---> \(id.shortID)\n") }
    }

    /// One stage, from its FROM to its last step.
    func runStage(_ i: Int) async throws -> BuildState {
        let stage = file.stages[i]
        title(stage.original)
        var state = try await from(stage)
        showID(state)
        for ins in stage.instructions {
            try Task.checkCancellation()
            title(ins.original)
            try await step(ins, &state)
            showID(state)
        }
        return state
    }

    /// After the target stage: the `--label` step, the tags, Docker's closing lines.
    func finish(_ target: BuildState) async throws -> Digest {
        var final = target
        if !options.labels.isEmpty {
            let text = "LABEL " + options.labels.keys.sorted().map { "\($0)=\(options.labels[$0]!)" }.joined(separator: " ")
            title(text)
            let kvs = options.labels.keys.sorted().map { KeyValue(key: $0, value: options.labels[$0]!) }
            try await metadata(.label(kvs), original: text, &final, expand: false)
            showID(final)
        }
        guard let id = final.imageID else {
            throw BuildFailure(message: "No image was generated. Is your Dockerfile empty?", code: 1)
        }
        for t in options.tags {
            let ref = try Reference(parsing: t).withDefaultTag()
            try store.tag(id.string, repo: ref.nameOnly.fullString, tag: ref.tag)
        }
        var aux = JSONMessage()
        aux.aux = .object(["ID": .string(id.string)])
        output(aux)
        say("Successfully built \(id.shortID)\n")
        for t in options.tags {
            let ref = try Reference(parsing: t).withDefaultTag()
            say("Successfully tagged \(ref.familiarString)\n")
        }
        return id
    }

    // MARK: - FROM

    func from(_ stage: Stage) async throws -> BuildState {
        let base = try ShellWord.expand(stage.base, env: metaArgs, escape: file.escape)
        if base.lowercased() == "scratch" { return BuildState.scratch() }
        if let i = file.stages.firstIndex(where: { $0.name == base.lowercased() }), var s = try await shared.result(of: i) {
            s.args = [:]
            return s
        }
        var record: ImageRecord? = options.pull ? nil : try? store.resolve(base)
        if record == nil {
            try await pull(base, platform: options.platform ?? stage.platform)
            record = try store.resolve(base)
        }
        guard let r = record else { throw BuildFailure(message: "pull access denied for \(base)", code: 1) }
        var state = BuildState(imageID: r.id, config: r.config, blobs: try store.manifest(for: r)?.layers ?? [])
        if state.config.config == nil { state.config.config = OCI.ContainerConfig() }
        // The base image's ONBUILD triggers run first, as Docker's do.
        if let triggers = state.runConfig.onBuild, !triggers.isEmpty {
            say("# Executing \(triggers.count) build trigger\(triggers.count == 1 ? "" : "s")\n")
            state.runConfig.onBuild = nil
            let parsed = try Dockerfile.parse("FROM scratch\n" + triggers.joined(separator: "\n"))
            for ins in parsed.stages.first?.instructions ?? [] { try await step(ins, &state) }
        }
        return state
    }

    /// Pulls `name` (its `latest` tag when it names none: an empty tag would mean every
    /// tag), the progress going into the build's output as Docker's does.
    func pull(_ name: String, platform: String?) async throws {
        let ref = try Reference(parsing: name)
        let tag = ref.digest?.string ?? ref.tag ?? "latest"
        try await service.engine.images.pull(image: ref.nameOnly.fullString, tag: tag, platform: platform,
                                             authHeader: options.authHeader, begin: {}, progress: output)
    }

    // MARK: - steps

    func step(_ ins: Instruction, _ state: inout BuildState) async throws {
        do {
            switch ins.command {
            case .run(let spec): try await run(spec, original: ins.original, &state)
            case .copy(let spec): try await copy(spec, isAdd: false, original: ins.original, &state)
            case .add(let spec): try await copy(spec, isAdd: true, original: ins.original, &state)
            default: try await metadata(ins.command, original: ins.original, &state, expand: true)
            }
        } catch let e as BuildFailure {
            throw e
        } catch {
            throw BuildFailure(message: WharfError.from(error).message, code: 1)
        }
    }

    /// Makes this step's image (a child of the last one) and moves the state onto it.
    func commit(_ state: inout BuildState, createdBy: String, layer: LayerInfo?, cacheKey: String) throws {
        var cfg = state.config
        cfg.created = Timestamp.now().rfc3339Nano
        var h = cfg.history ?? []
        h.append(History(created: cfg.created, createdBy: createdBy, emptyLayer: layer == nil ? true : nil))
        cfg.history = h
        var blobs = state.blobs
        if let layer {
            cfg.rootfs.diffIDs.append(layer.diffID)
            blobs.append(layer.blob)
        }
        let rec = try store.createImage(config: cfg, layerBlobs: blobs, parent: state.imageID, cacheKey: cacheKey)
        state.imageID = rec.id
        state.config = rec.config
        state.blobs = blobs
    }

    /// The image an identical step made from the same parent before, unless --no-cache.
    func cached(_ state: BuildState, key: String) -> BuildState? {
        guard !options.noCache, let parent = state.imageID, let rec = store.cachedChild(parent: parent, key: key),
              let m = try? store.manifest(for: rec) else { return nil }
        var s = state
        s.imageID = rec.id
        s.config = rec.config
        s.blobs = m.layers
        return s
    }

    /// A cache hit: Docker's line, and the state moves onto the cached image (the stage's
    /// ARGs and CMD bookkeeping stay).
    func useCache(_ hit: BuildState, _ state: inout BuildState) {
        say(" ---> Using cache\n")
        var h = hit
        h.args = state.args
        h.cmdSetInStage = state.cmdSetInStage
        state = h
    }

    static func cacheKey(_ parts: String...) -> String {
        Digest.sha256(Array(parts.joined(separator: "\n").utf8)).encoded
    }
}
