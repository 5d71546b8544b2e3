import CWharf
import Glibc
import Runtime
import WharfCore

/// One `docker exec` process. `runc exec --detach` starts it; once runc has exited the
/// process is the shim's child (subreaper) and is reaped like the container's init.
final class ExecProcess {
    let id: String
    let tty: Bool
    let processFile: String
    let pidFile: String
    let runc: Runc

    /// `runc exec` while it runs; 0 after.
    var runcPid: pid_t = 0
    /// The exec's process, once runc has reported it.
    var pid: pid_t = 0
    var started = false
    var exitCode: Int32?
    var drainDeadline: Int64 = 0

    // Our ends of its stdio. With a TTY, `ptyFD` is both input and output.
    var stdinFD: Int32 = -1
    var stdoutFD: Int32 = -1
    var stderrFD: Int32 = -1
    var ptyFD: Int32 = -1
    var consoleListenFD: Int32 = -1
    /// With a TTY, whether input reaches the pty at all.
    var acceptsInput = false
    var stdinQueue: [UInt8] = []
    var closeStdinWhenFlushed = false
    var pendingSize: (UInt16, UInt16)?
    /// Output read while `runc exec` ran (its own error text on failure); an empty chunk
    /// marks a stream's end.
    var held: [(stream: UInt8, data: [UInt8])] = []

    init(id: String, tty: Bool, bundle: String, runtime: String, runtimeRoot: String) {
        self.id = id
        self.tty = tty
        processFile = bundle + "/exec-\(id).json"
        pidFile = bundle + "/exec-\(id).pid"
        runc = Runc(path: runtime, root: runtimeRoot, logPath: bundle + "/exec-\(id).log")
    }

    var outputOpen: Bool { stdoutFD >= 0 || stderrFD >= 0 || ptyFD >= 0 }
    var inputFD: Int32 { tty ? ptyFD : stdinFD }

    /// `runc exec --detach`; runc's global arguments as `Runc` writes them.
    func arguments(containerID: String, consoleSocket: String?) -> [String] {
        var a = [runc.path, "--root", runc.root]
        if let l = runc.logPath { a += ["--log", l, "--log-format", "json"] }
        a += ["exec", "--detach", "--pid-file", pidFile, "--process", processFile]
        if let c = consoleSocket { a += ["--console-socket", c] }
        return a + [containerID]
    }

    func closeAll() {
        for fd in [stdinFD, stdoutFD, stderrFD, ptyFD, consoleListenFD] where fd >= 0 { close(fd) }
        stdinFD = -1; stdoutFD = -1; stderrFD = -1; ptyFD = -1; consoleListenFD = -1
        stdinQueue.removeAll()
    }

    func removeFiles() {
        for f in [processFile, pidFile, runc.logPath ?? ""] where !f.isEmpty { unlink(f) }
    }

    /// Exec IDs become file names in the bundle.
    static func validID(_ id: String) -> Bool {
        guard !id.isEmpty, id.utf8.count <= 128, id.first != "." else { return false }
        return id.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") || c == UInt8(ascii: ".")
        }
    }
}

extension Shim {
    // MARK: - Start

    func startExec(_ req: ExecRequest) {
        guard phase == .running, initPid > 0 else {
            broadcast(.execFailed(id: req.id, message: "Container \(args.id) is not running", exitCode: 126))
            return
        }
        guard ExecProcess.validID(req.id) else {
            broadcast(.execFailed(id: req.id, message: "invalid exec ID \"\(req.id)\"", exitCode: 126))
            return
        }
        if execs.contains(where: { $0.id == req.id }) {
            broadcast(.execFailed(id: req.id, message: "exec \(req.id) is already running", exitCode: 126))
            return
        }
        let e = ExecProcess(id: req.id, tty: req.tty, bundle: args.bundle, runtime: args.runtime,
                            runtimeRoot: args.runtimeRoot)
        var stdio: [Int32] = [-1, -1, -1]
        var theirs: [Int32] = []
        var console: String?
        do {
            e.removeFiles()  // an earlier exec's leftovers; runc appends to its log
            try AtomicFile.write(req.runcProcessJSON(), to: e.processFile, mode: 0o600, durable: false)
            if req.tty {
                let name = "@wharf-console-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
                e.consoleListenFD = try UnixSocket.listen(path: name, backlog: 1)
                setNonBlocking(e.consoleListenFD)
                e.acceptsInput = req.stdin
                console = name
            } else {
                if req.stdin {
                    let p = try pipe()
                    stdio[0] = p.0
                    e.stdinFD = p.1
                    theirs.append(p.0)
                    setNonBlocking(e.stdinFD)
                }
                let o = try pipe()
                e.stdoutFD = o.0
                stdio[1] = o.1
                theirs.append(o.1)
                let r = try pipe()
                e.stderrFD = r.0
                stdio[2] = r.1
                theirs.append(r.1)
                setNonBlocking(e.stdoutFD)
                setNonBlocking(e.stderrFD)
            }
            e.runcPid = try Spawn.spawn(args.runtime, e.arguments(containerID: args.id, consoleSocket: console),
                                        fds: stdio)
        } catch {
            for fd in theirs { close(fd) }
            e.closeAll()
            e.removeFiles()
            broadcast(.execFailed(id: req.id, message: "OCI runtime exec failed: \(error): unknown", exitCode: 126))
            return
        }
        // runc and then the process hold the other ends now; ours must go, or EOF never comes.
        for fd in theirs { close(fd) }
        execs.append(e)
    }

    /// `runc exec` exited.
    func execRuncFinished(_ e: ExecProcess, _ code: Int32) {
        e.runcPid = 0
        defer {
            // With no runc exec in flight, every pid the shim can be told about is known.
            if !execs.contains(where: { $0.runcPid != 0 }) && initPid > 0 { unknownExits.removeAll() }
        }
        if code != 0 {
            let raw = e.runc.lastError() ?? "exit status \(code)"
            failExec(e, message: Self.execFailureMessage(raw), exitCode: Self.execFailureCode(raw))
            return
        }
        let pidText = (try? FS.readString(e.pidFile)) ?? ""
        e.pid = pid_t(pidText.trimmingSpaces) ?? 0
        if e.pid <= 0 {
            failExec(e, message: "OCI runtime exec failed: runc exec did not record the process's pid: unknown",
                     exitCode: 126)
            return
        }
        e.removeFiles()
        if e.tty && e.ptyFD < 0 && e.consoleListenFD >= 0 {
            // runc sent the terminal before exiting; it is queued on the console socket.
            setBlocking(e.consoleListenFD)
            acceptExecConsole(e)
        }
        e.started = true
        broadcast(.execStarted(id: e.id, pid: e.pid))
        let held = e.held
        e.held = []
        for (stream, data) in held where !data.isEmpty {
            data.withUnsafeBytes { emitExecOutput(e, stream: stream, $0) }
        }
        flushExecStdin(e)
        if let status = unknownExits.removeValue(forKey: e.pid) { execProcessExited(e, status) }
    }

    func failExec(_ e: ExecProcess, message: String, exitCode: Int32) {
        e.closeAll()
        e.held = []
        e.removeFiles()
        execs.removeAll { $0 === e }
        broadcast(.execFailed(id: e.id, message: message, exitCode: exitCode))
    }

    /// runc's `runc exec failed: unable to start container process: exec: "nope": …` in
    /// Docker's words: `OCI runtime exec failed: exec failed: unable to start …: unknown`.
    static func execFailureMessage(_ runcError: String) -> String {
        var text = runcError
        for prefix in ["runc exec failed: ", "exec failed: "] where text.hasPrefix(prefix) {
            text = String(text.dropFirst(prefix.count))
            break
        }
        return "OCI runtime exec failed: exec failed: \(text): unknown"
    }

    /// moby: 127 when the executable or path is missing, else 126.
    static func execFailureCode(_ runcError: String) -> Int32 {
        let lower = runcError.lowercased()
        if lower.contains("executable file not found") || lower.contains("no such file or directory") {
            return 127
        }
        return 126
    }

    // MARK: - The end

    func execProcessExited(_ e: ExecProcess, _ status: Int32) {
        if e.exitCode != nil { return }
        e.exitCode = status
        e.drainDeadline = monotonicMillis() + 2000
        if e.stdinFD >= 0 { close(e.stdinFD); e.stdinFD = -1 }
        if e.consoleListenFD >= 0 { close(e.consoleListenFD); e.consoleListenFD = -1 }
        e.stdinQueue.removeAll()
        finishExecsIfDone()
    }

    /// Exits whose output is drained (or whose drain timed out: a background process of
    /// the exec may hold the pipes) are reported and forgotten.
    func finishExecsIfDone() {
        if execs.isEmpty { return }
        let now = monotonicMillis()
        for e in execs {
            guard let code = e.exitCode, !e.outputOpen || now >= e.drainDeadline else { continue }
            e.closeAll()
            execs.removeAll { $0 === e }
            broadcast(.execExited(id: e.id, exitCode: code))
        }
    }

    /// Until when the loop may sleep for exec drains; nil when none is pending.
    var nextExecDeadline: Int64? {
        execs.lazy.filter { $0.exitCode != nil }.map(\.drainDeadline).min()
    }

    /// During the container's drain: whether an exec may still report something.
    var execsBusy: Bool {
        execs.contains { $0.runcPid != 0 || ($0.started && ($0.exitCode == nil || $0.outputOpen)) }
    }

    /// The container's exit is about to be reported: every exec ends with it.
    func endExecs() {
        finishExecsIfDone()
        for e in execs {
            e.closeAll()
            e.removeFiles()
            if e.runcPid != 0 {
                _ = kill(e.runcPid, SIGKILL)
                broadcast(.execFailed(id: e.id, message: "Container \(args.id) is not running", exitCode: 126))
            } else {
                // Not reaped in time (a shared pid namespace keeps it alive): it goes now.
                if e.pid > 0 && e.exitCode == nil { _ = kill(e.pid, SIGKILL) }
                broadcast(.execExited(id: e.id, exitCode: e.exitCode ?? 128 + SIGKILL))
            }
        }
        execs.removeAll()
    }

    // MARK: - I/O

    func handleExec(_ cmd: ShimCommand) {
        switch cmd {
        case .execStart(let req):
            startExec(req)
        case .execStdin(let id, let bytes):
            guard let e = exec(id), e.exitCode == nil, e.inputFD >= 0 || (e.tty && e.consoleListenFD >= 0),
                  e.tty ? e.acceptsInput : true, !e.closeStdinWhenFlushed else { return }
            e.stdinQueue.append(contentsOf: bytes)
            flushExecStdin(e)
        case .execCloseStdin(let id):
            guard let e = exec(id), !e.tty else { return }
            e.closeStdinWhenFlushed = true
            flushExecStdin(e)
        case .execResize(let id, let rows, let cols):
            guard let e = exec(id) else { return }
            if e.ptyFD >= 0 { _ = cwharf_set_winsize(e.ptyFD, rows, cols) } else { e.pendingSize = (rows, cols) }
        default:
            break
        }
    }

    func exec(_ id: String) -> ExecProcess? { execs.first { $0.id == id } }

    func flushExecStdin(_ e: ExecProcess) {
        let fd = e.inputFD
        guard fd >= 0 else {
            // A TTY's input waits for the pty; a pipe's is gone.
            if !(e.tty && e.consoleListenFD >= 0) { e.stdinQueue.removeAll() }
            return
        }
        while !e.stdinQueue.isEmpty {
            let n = e.stdinQueue.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                e.stdinQueue.removeFirst(n)
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && errno == EAGAIN {
                return
            } else {
                e.stdinQueue.removeAll()
                if !e.tty { close(e.stdinFD); e.stdinFD = -1 }
                return
            }
        }
        if e.closeStdinWhenFlushed && e.stdinFD >= 0 {
            close(e.stdinFD)
            e.stdinFD = -1
        }
    }

    func readExecOutput(_ e: ExecProcess, stream: UInt8) {
        let fd = e.tty ? e.ptyFD : (stream == 1 ? e.stdoutFD : e.stderrFD)
        guard fd >= 0 else { return }
        let n = readBuffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
        if n <= 0 {
            // EOF, or EIO on a pty master whose slave is closed everywhere: the end.
            close(fd)
            if e.tty { e.ptyFD = -1 } else if stream == 1 { e.stdoutFD = -1 } else { e.stderrFD = -1 }
            if e.tty { e.stdinQueue.removeAll() }
            finishExecsIfDone()
            return
        }
        if !e.started {
            // runc's own error text on failure, the process's first output on success.
            e.held.append((stream, Array(readBuffer[0..<n])))
            return
        }
        readBuffer.withUnsafeBytes { raw in
            emitExecOutput(e, stream: stream, UnsafeRawBufferPointer(rebasing: raw[0..<n]))
        }
    }

    /// Exec output goes to the clients only: Docker never logs it.
    func emitExecOutput(_ e: ExecProcess, stream: UInt8, _ data: UnsafeRawBufferPointer) {
        if clients.isEmpty { return }
        var frame: [UInt8] = []
        ShimFrame.appendExecOutput(id: e.id, stream: stream, data, to: &frame)
        for c in clients { c.enqueue(frame) }
    }

    func acceptExecConsole(_ e: ExecProcess) {
        let conn = cwharf_accept4(e.consoleListenFD, Int32(SOCK_CLOEXEC.rawValue))
        if conn < 0 { return }
        defer { close(conn) }
        var pid: pid_t = 0
        var uid: uid_t = 0
        guard cwharf_peer_cred(conn, &pid, &uid) == 0, uid == 0 else { return }
        let fd = cwharf_recv_fd(conn)
        if fd < 0 { return }
        e.ptyFD = fd
        setNonBlocking(fd)
        if let (r, c) = e.pendingSize { _ = cwharf_set_winsize(fd, r, c) }
        close(e.consoleListenFD)
        e.consoleListenFD = -1
        if !e.acceptsInput { e.stdinQueue.removeAll() }
        flushExecStdin(e)
    }
}
