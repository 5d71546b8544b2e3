import OCI
import Runtime
import Synchronization
import WharfAPI
import WharfCore

/// One `docker exec`: kept in memory, as Docker keeps them, until its container goes.
final class ExecSession: Sendable {
    let id: String
    let container: Container
    let config: ExecConfig

    struct State {
        var started = false
        var running = false
        var exitCode: Int?
        var pid: Int32 = 0
        var sink: (any StreamSink)?
    }

    let state = Mutex(State())

    init(id: String, container: Container, config: ExecConfig) {
        self.id = id
        self.container = container
        self.config = config
    }

    var tty: Bool { config.Tty ?? false }

    /// The process ended (or never started): record the code, then end the stream, in that
    /// order, since the client asks for the exit code as soon as its stream ends.
    func finish(exitCode: Int, message: String? = nil) {
        let sink = state.withLock { s -> (any StreamSink)? in
            guard s.exitCode == nil else { return nil }
            s.exitCode = exitCode
            s.running = false
            defer { s.sink = nil }
            return s.sink
        }
        if let message, let sink { sink.write(.stdout, Array((message + "\r\n").utf8)) }
        sink?.finish()
    }
}

/// The client's side of an exec stream: stdin and its end go to the shim.
struct ExecInput: AttachInput {
    let session: ExecSession
    let attachStdin: Bool

    func stdin(_ bytes: [UInt8]) {
        guard attachStdin, let shim = session.container.live.withLock({ $0.shim }) else { return }
        try? shim.send(.execStdin(id: session.id, bytes))
    }

    func stdinClosed() {
        guard attachStdin, let shim = session.container.live.withLock({ $0.shim }) else { return }
        try? shim.send(.execCloseStdin(id: session.id))
    }

    func detached() {}
}

extension ContainerService: ExecBackend {
    func execSession(_ id: String) throws -> ExecSession {
        guard let s = execs.withLock({ $0[id] }) else { throw WharfError.notFound("No such exec instance: \(id)") }
        return s
    }

    public func createExec(container ref: String, config: ExecConfig) async throws -> String {
        let c = try lookup(ref)
        guard let cmd = config.Cmd, !cmd.isEmpty else { throw WharfError.invalid("No exec command specified") }
        guard c.isRunning else { throw WharfError.conflict("Container \(c.id) is not running") }
        if c.isPaused { throw WharfError.conflict("Container \(ref) is paused, unpause the container before exec") }
        let id = ContainerID.generate()
        execs.withLock { $0[id] = ExecSession(id: id, container: c, config: config) }
        emit(c, "exec_create: " + cmd.joined(separator: " "), ["execID": id])
        return id
    }

    public func execHasTTY(_ id: String) async throws -> Bool {
        try execSession(id).tty
    }

    public func startExec(_ id: String, options: ExecStartOptions, sink: any StreamSink) async throws -> (any AttachInput)? {
        let session = try execSession(id)
        let c = session.container
        try session.state.withLock { s in
            if s.exitCode != nil { throw WharfError.conflict("Error: Exec command \(id) has already run") }
            if s.started { throw WharfError.conflict("Error: Exec command \(id) is already running") }
            s.started = true
            if !options.detach { s.sink = sink }
        }
        guard c.isRunning, let shim = c.live.withLock({ $0.shim }) else {
            session.finish(exitCode: 126)
            throw WharfError.conflict("Container \(c.id) is not running")
        }
        let cfg = session.config
        var console: ContainerRuntimeConfig.ConsoleSize?
        if session.tty {
            if let cs = options.consoleSize {
                console = .init(rows: cs.rows, cols: cs.cols)
            } else if let cs = cfg.ConsoleSize, cs.count == 2, cs[0] > 0, cs[1] > 0 {
                console = .init(rows: UInt16(clamping: cs[0]), cols: UInt16(clamping: cs[1]))
            }
        }
        let record = c.record.config
        let consoleSize = console
        let process: RuntimeSpecProcess
        do {
            process = try await blocking { [self] in
                let rc = try self.runtimeConfig(
                    c, args: cfg.Cmd ?? [], extraEnv: cfg.Env ?? [],
                    user: (cfg.User ?? "").isEmpty ? (record.User ?? "") : cfg.User!,
                    cwd: (cfg.WorkingDir ?? "").isEmpty ? (record.WorkingDir ?? "") : cfg.WorkingDir!,
                    tty: session.tty, console: consoleSize,
                    privileged: (cfg.Privileged ?? false) || (c.hostConfig.Privileged ?? false))
                guard let p = try SpecBuilder.build(rc).process else { throw WharfError.internalError("no process in the runtime spec") }
                return p
            }
        } catch {
            session.finish(exitCode: 126)
            throw error
        }
        let request = ExecRequest(id: id, process: process, tty: session.tty, stdin: cfg.AttachStdin ?? false)
        do {
            try shim.send(.execStart(request))
        } catch {
            session.finish(exitCode: 126)
            throw WharfError.internalError("exec: \(WharfError.from(error).message)")
        }
        emit(c, "exec_start: " + (cfg.Cmd ?? []).joined(separator: " "), ["execID": id])
        return options.detach ? nil : ExecInput(session: session, attachStdin: cfg.AttachStdin ?? false)
    }

    public func resizeExec(_ id: String, height: Int, width: Int) async throws {
        let session = try execSession(id)
        guard session.state.withLock({ $0.running }), let shim = session.container.live.withLock({ $0.shim }) else {
            throw WharfError.internalError("cannot resize a stopped container: unknown")
        }
        guard (0...65535).contains(height), (0...65535).contains(width) else {
            throw WharfError.invalid("invalid terminal size")
        }
        try shim.send(.execResize(id: id, rows: UInt16(height), cols: UInt16(width)))
    }

    public func inspectExec(_ id: String) async throws -> ExecInspect {
        let session = try execSession(id)
        let s = session.state.withLock { $0 }
        let cmd = session.config.Cmd ?? []
        return ExecInspect(
            ID: id, Running: s.running, ExitCode: s.exitCode,
            ProcessConfig: .init(tty: session.tty, entrypoint: cmd.first ?? "", arguments: Array(cmd.dropFirst()),
                                 privileged: session.config.Privileged ?? false, user: session.config.User),
            OpenStdin: session.config.AttachStdin ?? false, OpenStderr: session.config.AttachStderr ?? false,
            OpenStdout: session.config.AttachStdout ?? false, ContainerID: session.container.id,
            DetachKeys: session.config.DetachKeys ?? "", Pid: Int(s.pid))
    }

    /// Exec events from the container's shim.
    func handleExecEvent(_ event: ShimEvent) {
        switch event {
        case .execStarted(let id, let pid):
            (try? execSession(id))?.state.withLock {
                $0.running = true
                $0.pid = pid
            }
        case .execOutput(let id, let stream, let bytes):
            let sink = (try? execSession(id))?.state.withLock { $0.sink }
            sink?.write(stream == 2 ? .stderr : .stdout, bytes)
        case .execExited(let id, let code):
            if let s = try? execSession(id) {
                s.finish(exitCode: Int(code))
                emit(s.container, "exec_die", ["execID": id, "exitCode": String(code)])
            }
        case .execFailed(let id, let message, _):
            // Docker reports a failed exec inside the stream, and always with code 126
            // (moby's exec start error path), whatever the cause.
            (try? execSession(id))?.finish(exitCode: 126, message: message)
        default:
            break
        }
    }

    /// The container stopped: execs the shim did not report end now; its removal forgets them.
    func endExecs(of c: Container, forget: Bool) {
        let mine = execs.withLock { all -> [ExecSession] in
            let m = all.values.filter { $0.container === c }
            if forget { for s in m { all[s.id] = nil } }
            return m
        }
        for s in mine where s.state.withLock({ $0.started && $0.exitCode == nil }) {
            s.finish(exitCode: 137)
        }
    }

    /// IDs of the container's execs that run, for inspect's ExecIDs.
    func runningExecIDs(of c: Container) -> [String] {
        execs.withLock { all in all.values.filter { $0.container === c && $0.state.withLock { $0.running } }.map { $0.id } }
    }
}
