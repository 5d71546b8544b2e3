import Archive
import Dockerfile
import Engine
import FoundationEssentials
import ImageStore
import Logging
import OCI
import WharfAPI
import Synchronization
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// `docker build` with the classic builder's behaviour and output: a tar context, a
/// Dockerfile, one image per step (the build cache is those images, found again by their
/// parent and the step), RUN steps as real containers, COPY/ADD as layers written
/// directly, only the stages the target needs.
public final class BuildService: BuildBackend {
    let engine: Engine
    let logger: Logger

    public init(engine: Engine, logger: Logger) {
        self.engine = engine
        self.logger = logger
    }

    var store: ImageStore { engine.store }

    public func build(contextTar: String, options: BuildOptions, begin: @escaping @Sendable () -> Void,
                      output: @escaping @Sendable (JSONMessage) -> Void) async throws -> String {
        let work = engine.config.tmpDir + "/build-" + String(UInt64.random(in: 0...UInt64.max), radix: 16)
        let context = work + "/context"
        try FS.mkdirAll(context, mode: 0o700)
        defer { try? FS.removeAll(work) }
        let name = ContextArchive.clean(options.dockerfile)
        let archive = try await blocking {
            try ContextArchive(tarPath: contextTar, dir: context, keep: [name, name + ".dockerignore"])
        }
        var text: String
        if let bytes = archive.files[name] {
            text = String(decoding: bytes, as: UTF8.self)
        } else {
            // A Dockerfile reached through a link: read it from the extracted context.
            try await blocking { try archive.ensureExtracted() }
            let path = try resolvePathInRoot(context, options.dockerfile, followLast: true)
            guard let t = try? FS.readString(path) else {
                throw WharfError.invalid("Cannot locate specified Dockerfile: \(options.dockerfile)")
            }
            text = t
        }
        let file = try Dockerfile.parse(text)
        guard !file.stages.isEmpty else { throw WharfError.invalid("the Dockerfile (\(options.dockerfile)) cannot be empty") }
        let plan = try BuildPlan(file: file, target: options.target)
        begin()
        let quiet: @Sendable (JSONMessage) -> Void = { _ in }
        let printer = OrderedOutput(order: plan.needed, output: options.quiet ? quiet : output)
        let shared = StageResults()
        // Independent stages run at once (the classic builder runs them one after another);
        // each stage's output is held back until the stages before it have printed theirs.
        for i in plan.needed {
            let run = try BuildRun(service: self, file: file, plan: plan, options: options, context: context, work: work,
                                   shared: shared, firstStep: BuildRun.firstStep(of: i, plan, file),
                                   output: printer.sink(for: i))
            run.archive = archive
            shared.add(i, Task {
                defer { printer.finished(i) }
                return try await run.runStage(i)
            })
        }
        let target: BuildState
        do {
            guard let t = try await shared.result(of: plan.target) else { throw BuildFailure(message: "no build stage", code: 1) }
            target = t
        } catch {
            shared.cancelAll()
            _ = await shared.waitAll()
            printer.flushAll()
            throw error
        }
        _ = await shared.waitAll()
        let last = try BuildRun(service: self, file: file, plan: plan, options: options, context: context, work: work,
                                shared: shared, firstStep: plan.needed.reduce(0) { $0 + 1 + file.stages[$1].instructions.count },
                                output: options.quiet ? quiet : output)
        let id = try await last.finish(target)
        if options.quiet { output(JSONMessage(stream: id.string + "\n")) }
        return id.string
    }

    public func pruneCache(all: Bool) async throws -> ([String], Int64) {
        let store = self.store
        let dropped = try await blocking { try store.dropBuildCache() }
        return (dropped.map(\.string), 0)
    }

}

/// A failed step: Docker's message, and the exit code the CLI exits with (RUN's, else 1).
struct BuildFailure: CodedFailure {
    var message: String
    var code: Int
    var exitCode: Int { code }
}

/// Which stages a build needs: the target (or the last stage) and what it uses through
/// `FROM <stage>` and `COPY --from=<stage>`, in file order.
struct BuildPlan: Sendable {
    var needed: [Int]
    var target: Int

    init(file: Dockerfile, target: String?) throws {
        let stages = file.stages
        func index(of name: String) -> Int? { file.stageIndex(named: name) }
        if let t = target, !t.isEmpty {
            guard let i = index(of: t) else { throw WharfError.invalid("failed to reach build target \(t) in Dockerfile") }
            self.target = i
        } else {
            self.target = stages.count - 1
        }
        var needed = Set<Int>()
        var todo = [self.target]
        while let i = todo.popLast() {
            guard needed.insert(i).inserted else { continue }
            if let d = index(of: stages[i].base), d < i { todo.append(d) }
            for ins in stages[i].instructions {
                if case .copy(let spec) = ins.command, let from = spec.from, let d = index(of: from), d < i { todo.append(d) }
                if case .add(let spec) = ins.command, let from = spec.from, let d = index(of: from), d < i { todo.append(d) }
                if case .run(let spec) = ins.command {
                    for m in spec.mounts { if let from = m.options["from"], let d = index(of: from), d < i { todo.append(d) } }
                }
            }
        }
        self.needed = needed.sorted()
    }
}

/// The stages' results as they finish; a stage that needs another waits for it.
final class StageResults: Sendable {
    private let tasks = Mutex<[Int: Task<BuildState, any Error>]>([:])

    func add(_ i: Int, _ t: Task<BuildState, any Error>) { tasks.withLock { $0[i] = t } }

    func result(of i: Int) async throws -> BuildState? {
        guard let t = tasks.withLock({ $0[i] }) else { return nil }
        return try await t.value
    }

    func cancelAll() { for t in tasks.withLock({ Array($0.values) }) { t.cancel() } }

    /// Waits for every stage to end, whatever the outcome.
    func waitAll() async -> Int {
        var n = 0
        for t in tasks.withLock({ Array($0.values) }) {
            _ = try? await t.value
            n += 1
        }
        return n
    }
}

/// Stage outputs in stage order: the earliest unfinished stage prints live, later ones are
/// held and printed when their turn comes.
final class OrderedOutput: Sendable {
    private struct State {
        var order: [Int]
        var live = 0                      // index into order
        var held: [Int: [JSONMessage]] = [:]
        var done = Set<Int>()
    }
    private let state: Mutex<State>
    private let output: @Sendable (JSONMessage) -> Void

    init(order: [Int], output: @escaping @Sendable (JSONMessage) -> Void) {
        state = Mutex(State(order: order))
        self.output = output
    }

    // Output happens under the lock, so a stage that just became live cannot overtake
    // what it had printed while held. The output only queues bytes on the connection.
    func sink(for stage: Int) -> @Sendable (JSONMessage) -> Void {
        { [self] m in
            state.withLock { s in
                if s.live < s.order.count && s.order[s.live] == stage {
                    output(m)
                } else {
                    s.held[stage, default: []].append(m)
                }
            }
        }
    }

    func finished(_ stage: Int) {
        state.withLock { s in
            s.done.insert(stage)
            while s.live < s.order.count && s.done.contains(s.order[s.live]) {
                s.live += 1
                if s.live < s.order.count {
                    for m in s.held.removeValue(forKey: s.order[s.live]) ?? [] { output(m) }
                }
            }
        }
    }

    /// A failed build: whatever is still held, in order.
    func flushAll() {
        state.withLock { s in
            for i in s.order { for m in s.held.removeValue(forKey: i) ?? [] { output(m) } }
            s.live = s.order.count
        }
    }
}

extension Dockerfile {
    /// The stage `AS name` names, or the one at that position (`COPY --from=0`).
    func stageIndex(named name: String) -> Int? {
        if let i = stages.firstIndex(where: { $0.name == name.lowercased() }) { return i }
        if let n = Int(name), n >= 0, n < stages.count { return n }
        return nil
    }
}
