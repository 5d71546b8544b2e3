import CWharf
import Glibc
import Runtime
import WharfCore

/// The life of one container, driven by a single poll(2) loop: the listening socket, the
/// clients, the container's stdio (pipes or pty master), the console socket and a signalfd
/// for SIGCHLD. As subreaper, the shim becomes the parent of the container's init once
/// `runc create` exits, so waitpid gives the real exit status.
final class Shim {
    enum Phase {
        case creating, created, starting, running
        /// init is gone; output is being drained.
        case draining
        /// exit.json written; `runc delete` running.
        case deleting
        /// `exited` sent; leaving once the clients are gone or after a grace period.
        case done
    }

    let args: ShimArguments
    let runc: Runc
    let listenFD: Int32
    var signalFD: Int32 = -1
    var logFD: Int32 = -1

    var phase = Phase.creating
    var clients: [ShimClient] = []

    var createPid: pid_t = 0
    var startPid: pid_t = 0
    var deletePid: pid_t = 0
    var initPid: pid_t = 0
    var startRequested = false
    var initStatus: Int32?
    var exitInfo: ExitInfo?
    var failure: String?
    var memoryEventsPath: String?

    // Container stdio, our ends. With a TTY, `ptyFD` is both input and output.
    var stdinFD: Int32 = -1
    var stdoutFD: Int32 = -1
    var stderrFD: Int32 = -1
    var ptyFD: Int32 = -1
    var consoleListenFD: Int32 = -1
    var stdinQueue: [UInt8] = []
    var closeStdinWhenFlushed = false
    var pendingSize: (UInt16, UInt16)?
    var stdoutLines = JSONLogLineSplitter(stream: "stdout")
    var stderrLines = JSONLogLineSplitter(stream: "stderr")
    var readBuffer = [UInt8](repeating: 0, count: 65536)

    var drainDeadline: Int64 = 0
    var exitDeadline: Int64 = 0

    init(args: ShimArguments, listenFD: Int32) {
        self.args = args
        self.listenFD = listenFD
        runc = Runc(path: args.runtime, root: args.runtimeRoot, logPath: args.bundle + "/runc.log")
    }

    // MARK: - Start-up

    func run() -> Never {
        _ = cwharf_set_subreaper()
        signal(SIGPIPE, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signalFD = cwharf_signalfd_for_sigchld(0)
        setNonBlocking(listenFD)
        _ = fcntl(listenFD, F_SETFD, FD_CLOEXEC)
        try? AtomicFile.write("\(getpid())", to: args.bundle + "/shim.pid")
        logFD = open(args.logPath, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
        startCreate()
        loop()
    }

    func startCreate() {
        if FS.exists(args.runtimeRoot + "/" + args.id) {
            // The previous run of this container is still being deleted (the daemon restarted
            // it before that shim closed): finish the deletion first, or create would fail.
            _ = try? Spawn.run(args.runtime, runc.deleteArguments(id: args.id, force: true))
        }
        var stdio: [Int32] = [-1, -1, -1]
        var theirs: [Int32] = []
        var console: String?
        do {
            if args.tty {
                let name = "@wharf-console-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
                consoleListenFD = try UnixSocket.listen(path: name, backlog: 1)
                setNonBlocking(consoleListenFD)
                console = name
            } else {
                if args.openStdin {
                    let p = try pipe()
                    stdio[0] = p.0
                    stdinFD = p.1
                    theirs.append(p.0)
                    setNonBlocking(stdinFD)
                }
                let o = try pipe()
                stdoutFD = o.0
                stdio[1] = o.1
                let e = try pipe()
                stderrFD = e.0
                stdio[2] = e.1
                theirs += [o.1, e.1]
                setNonBlocking(stdoutFD)
                setNonBlocking(stderrFD)
            }
            createPid = try Spawn.spawn(args.runtime,
                                        runc.createArguments(id: args.id, bundle: args.bundle,
                                                             pidFile: args.bundle + "/init.pid",
                                                             consoleSocket: console),
                                        fds: stdio)
        } catch {
            for fd in theirs { close(fd) }
            fail(step: "create", message: "\(error)")
            return
        }
        // The container holds the write ends now; ours must go, or EOF never comes.
        for fd in theirs { close(fd) }
    }

    func pipe() throws -> (Int32, Int32) {
        var p: [Int32] = [-1, -1]
        let rc = cwharf_pipe2(&p, O_CLOEXEC)
        if rc != 0 { throw WharfError.internalError("pipe: \(String(cString: strerror(-rc)))") }
        return (p[0], p[1])
    }

    func setNonBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    // MARK: - The loop

    func loop() -> Never {
        var fds: [pollfd] = []
        var handlers: [(Int16) -> Void] = []
        while true {
            if phase == .done && (!clients.contains { $0.hasPending } || monotonicMillis() >= exitDeadline) {
                finishAndExit()
            }
            if phase == .draining && (outputOpen == false || monotonicMillis() >= drainDeadline) {
                finishExit()
                continue
            }
            fds.removeAll(keepingCapacity: true)
            handlers.removeAll(keepingCapacity: true)
            func watch(_ fd: Int32, _ events: Int32, _ h: @escaping (Int16) -> Void) {
                fds.append(pollfd(fd: fd, events: Int16(events), revents: 0))
                handlers.append(h)
            }
            watch(signalFD, POLLIN) { [unowned self] _ in self.reap() }
            if phase != .done { watch(listenFD, POLLIN) { [unowned self] _ in self.acceptClient() } }
            if consoleListenFD >= 0 {
                watch(consoleListenFD, POLLIN) { [unowned self] _ in self.acceptConsole() }
            }
            for c in clients {
                watch(c.fd, (phase == .done ? 0 : POLLIN) | (c.hasPending ? POLLOUT : 0)) { [unowned self] ev in self.serviceClient(c, ev) }
            }
            if stdoutFD >= 0 { watch(stdoutFD, POLLIN) { [unowned self] _ in self.readOutput(stream: 1) } }
            if stderrFD >= 0 { watch(stderrFD, POLLIN) { [unowned self] _ in self.readOutput(stream: 2) } }
            if ptyFD >= 0 {
                let wantOut = !stdinQueue.isEmpty
                watch(ptyFD, POLLIN | (wantOut ? POLLOUT : 0)) { [unowned self] ev in
                    if ev & Int16(POLLOUT) != 0 { self.flushStdin() }
                    if ev & Int16(POLLIN | POLLHUP | POLLERR) != 0 { self.readOutput(stream: 1) }
                }
            }
            if stdinFD >= 0 && !stdinQueue.isEmpty {
                watch(stdinFD, POLLOUT) { [unowned self] _ in self.flushStdin() }
            }
            var timeout: Int32 = -1
            if phase == .draining { timeout = Int32(clamping: max(0, drainDeadline - monotonicMillis())) }
            if phase == .done { timeout = Int32(clamping: max(0, exitDeadline - monotonicMillis())) }
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n < 0 {
                if errno == EINTR { continue }
                finishAndExit()
            }
            if n == 0 { continue }
            for i in fds.indices where fds[i].revents != 0 {
                handlers[i](fds[i].revents)
            }
            clients.removeAll { c in
                if c.broken { close(c.fd) }
                return c.broken
            }
        }
    }

    var outputOpen: Bool { stdoutFD >= 0 || stderrFD >= 0 || ptyFD >= 0 }

    // MARK: - Clients

    func acceptClient() {
        while true {
            let fd = cwharf_accept4(listenFD, Int32(SOCK_CLOEXEC.rawValue | SOCK_NONBLOCK.rawValue))
            if fd < 0 { return }
            let c = ShimClient(fd: fd)
            clients.append(c)
            c.enqueue(ShimFrame.encode(.state(currentState)))
        }
    }

    var currentState: ShimState {
        switch phase {
        case .creating, .created, .starting: return .created
        case .running, .draining: return .running(pid: initPid)
        case .deleting, .done:
            if let e = exitInfo { return .exited(e) }
            return .running(pid: initPid)
        }
    }

    func broadcast(_ e: ShimEvent) {
        if clients.isEmpty { return }
        let bytes = ShimFrame.encode(e)
        for c in clients { c.enqueue(bytes) }
    }

    func serviceClient(_ c: ShimClient, _ ev: Int16) {
        if ev & Int16(POLLOUT) != 0 { c.flush() }
        if ev & Int16(POLLIN | POLLHUP | POLLERR) == 0 { return }
        let n = readBuffer.withUnsafeMutableBytes { read(c.fd, $0.baseAddress, $0.count) }
        if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
        if n <= 0 {
            c.broken = true
            return
        }
        readBuffer.withUnsafeBytes { c.decoder.feed(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        do {
            while let f = try c.decoder.next() {
                handle(try ShimFrame.decodeCommand(type: f.type, payload: f.payload))
            }
        } catch {
            c.broken = true
        }
    }

    func handle(_ cmd: ShimCommand) {
        switch cmd {
        case .start:
            switch phase {
            case .creating: startRequested = true
            case .created: startContainer()
            default: break
            }
        case .stdin(let bytes):
            guard stdinFD >= 0 || ptyFD >= 0, !closeStdinWhenFlushed else { return }
            stdinQueue.append(contentsOf: bytes)
            flushStdin()
        case .closeStdin:
            if args.tty { return }
            closeStdinWhenFlushed = true
            flushStdin()
        case .resize(let rows, let cols):
            if ptyFD >= 0 { _ = cwharf_set_winsize(ptyFD, rows, cols) } else { pendingSize = (rows, cols) }
        case .kill(let sig):
            if initPid > 0 && (phase == .created || phase == .starting || phase == .running) {
                _ = kill(initPid, sig)
            }
        }
    }

    // MARK: - Container I/O

    func flushStdin() {
        let fd = args.tty ? ptyFD : stdinFD
        guard fd >= 0 else { stdinQueue.removeAll(); return }
        while !stdinQueue.isEmpty {
            let n = stdinQueue.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n > 0 {
                stdinQueue.removeFirst(n)
            } else if n < 0 && errno == EINTR {
                continue
            } else if n < 0 && errno == EAGAIN {
                return
            } else {
                // The reader went away (EPIPE): its input is gone with it.
                stdinQueue.removeAll()
                if !args.tty { close(stdinFD); stdinFD = -1 }
                return
            }
        }
        if closeStdinWhenFlushed && stdinFD >= 0 {
            close(stdinFD)
            stdinFD = -1
        }
    }

    func readOutput(stream: UInt8) {
        let fd = args.tty ? ptyFD : (stream == 1 ? stdoutFD : stderrFD)
        guard fd >= 0 else { return }
        let n = readBuffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
        if n <= 0 {
            // EOF, or EIO on a pty master whose slave is closed everywhere: the end.
            var entries: [UInt8] = []
            let time = JSONLog.timeBytes(Timestamp.now())
            if stream == 1 { stdoutLines.finish(time: time, to: &entries) } else { stderrLines.finish(time: time, to: &entries) }
            writeLog(entries)
            close(fd)
            if args.tty { ptyFD = -1 } else if stream == 1 { stdoutFD = -1 } else { stderrFD = -1 }
            return
        }
        // Output before `runc start` is runc's own error text (the container's stdio are
        // runc's stdio); it is reported through `failed`, not logged.
        if failure != nil { return }
        readBuffer.withUnsafeBytes { raw in
            let data = UnsafeRawBufferPointer(rebasing: raw[0..<n])
            var entries: [UInt8] = []
            let time = JSONLog.timeBytes(Timestamp.now())
            if stream == 1 { stdoutLines.append(data, time: time, to: &entries) } else { stderrLines.append(data, time: time, to: &entries) }
            writeLog(entries)
            if !clients.isEmpty {
                var frame: [UInt8] = []
                ShimFrame.appendOutput(stream: stream, data, to: &frame)
                for c in clients { c.enqueue(frame) }
            }
        }
    }

    func writeLog(_ bytes: [UInt8]) {
        guard logFD >= 0, !bytes.isEmpty else { return }
        try? AtomicFile.writeAll(fd: logFD, bytes)
    }

    func acceptConsole() {
        let conn = cwharf_accept4(consoleListenFD, Int32(SOCK_CLOEXEC.rawValue))
        if conn < 0 { return }
        defer { close(conn) }
        var pid: pid_t = 0
        var uid: uid_t = 0
        // Only root (runc) may hand us a terminal on this abstract name.
        guard cwharf_peer_cred(conn, &pid, &uid) == 0, uid == 0 else { return }
        let fd = cwharf_recv_fd(conn)
        if fd < 0 { return }
        ptyFD = fd
        setNonBlocking(ptyFD)
        if let (r, c) = pendingSize { _ = cwharf_set_winsize(ptyFD, r, c) }
        close(consoleListenFD)
        consoleListenFD = -1
    }

    // MARK: - Children

    func reap() {
        while cwharf_signalfd_read(signalFD) > 0 {}
        var exits: [(pid_t, Int32)] = []
        while true {
            var status: Int32 = 0
            let pid = waitpid(-1, &status, WNOHANG)
            if pid <= 0 { break }
            exits.append((pid, cwharf_exit_code(status)))
        }
        // runc's own exits first: `started` must precede the container's `exited` even
        // when both are reaped together.
        for (pid, code) in exits where pid != initPid { childExited(pid, code) }
        for (pid, code) in exits where pid == initPid { childExited(pid, code) }
    }

    func childExited(_ pid: pid_t, _ code: Int32) {
        if pid == createPid {
            createPid = 0
            createFinished(code)
        } else if pid == startPid {
            startPid = 0
            if code != 0 {
                fail(step: "start", message: runc.lastError() ?? "runc start failed: exit status \(code)")
                return
            }
            phase = .running
            broadcast(.started(pid: initPid))
            if let s = initStatus { initExited(s) }
        } else if pid == deletePid {
            deletePid = 0
            deleted()
        } else if pid == initPid && initPid > 0 {
            if phase == .starting {
                initStatus = code  // handled once runc start has reported
            } else if phase == .running || phase == .created {
                initExited(code)
            }
        }
    }

    func createFinished(_ code: Int32) {
        if failure != nil {
            spawnDelete(force: true)  // failed while create ran; clean up now that it is done
            return
        }
        if code != 0 {
            fail(step: "create", message: runc.lastError() ?? "runc create failed: exit status \(code)")
            return
        }
        let pidText = (try? FS.readString(args.bundle + "/init.pid")) ?? ""
        initPid = pid_t(pidText.trimmingSpaces) ?? 0
        if initPid <= 0 {
            fail(step: "create", message: "runc create did not record the container's pid")
            return
        }
        if args.tty && ptyFD < 0 && consoleListenFD >= 0 {
            // runc sent the terminal before exiting; it is queued on the console socket.
            setBlocking(consoleListenFD)
            acceptConsole()
        }
        memoryEventsPath = Self.memoryEventsPath(pid: initPid)
        phase = .created
        if startRequested { startContainer() }
    }

    func setBlocking(_ fd: Int32) {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    }

    func startContainer() {
        phase = .starting
        do {
            startPid = try Spawn.spawn(args.runtime, runc.startArguments(id: args.id))
        } catch {
            fail(step: "start", message: "\(error)")
        }
    }

    // MARK: - The end

    func initExited(_ code: Int32) {
        initStatus = code
        phase = .draining
        drainDeadline = monotonicMillis() + 2000
        if stdinFD >= 0 { close(stdinFD); stdinFD = -1 }
        stdinQueue.removeAll()
    }

    /// All output is drained (or the drain timed out): record the exit, then delete.
    func finishExit() {
        for fd in [stdoutFD, stderrFD, ptyFD] where fd >= 0 {
            // The drain timed out; whatever still holds the other end is not the container.
            close(fd)
        }
        stdoutFD = -1; stderrFD = -1; ptyFD = -1
        let info = ExitInfo(exitCode: initStatus ?? 128, finishedAt: Timestamp.now().rfc3339Nano,
                            oomKilled: oomKilled())
        record(info)
        // The daemon learns the exit now; `runc delete` (which takes a Go start-up) runs
        // after, and the connection closing tells when runc's state and the cgroup are gone.
        broadcast(.exited(info))
        phase = .deleting
        spawnDelete(force: false)
    }

    func record(_ info: ExitInfo) {
        exitInfo = info
        try? AtomicFile.write(info.json, to: args.bundle + "/exit.json")
    }

    func spawnDelete(force: Bool) {
        do {
            deletePid = try Spawn.spawn(args.runtime, runc.deleteArguments(id: args.id, force: force))
        } catch {
            deleted()
        }
    }

    /// runc's state and the cgroup are gone; the container can be started again. The shim
    /// leaves once its queued events are written (at most a second for a stuck client).
    func deleted() {
        phase = .done
        exitDeadline = monotonicMillis() + 1000
        // A daemon that reconnects from now on finds no shim (and reads exit.json).
        if !args.socketPath.isEmpty { unlink(args.socketPath) }
    }

    /// `runc create` or `start` failed: report Docker's message and exit code.
    func fail(step: String, message: String) {
        if failure != nil { return }
        var text = "failed to create shim task: OCI runtime \(step) failed: \(message): unknown"
        if step == "start" { text = "OCI runtime start failed: \(message): unknown" }
        let lower = text.lowercased()
        var code: Int32 = 128
        // moby daemon/start.go translateContainerdStartErr.
        if lower.contains("executable file not found") || lower.contains("no such file or directory")
            || lower.contains("system cannot find the file specified") {
            code = 127
        }
        if lower.contains("permission denied") { code = 126 }
        if lower.contains("not a directory") {
            text += ": Are you trying to mount a directory onto a file (or vice-versa)? Check if the specified host path exists and is the expected type"
        }
        failure = text
        if initPid > 0 { _ = kill(initPid, SIGKILL) }
        for fd in [stdinFD, consoleListenFD] where fd >= 0 { close(fd) }
        stdinFD = -1; consoleListenFD = -1
        let info = ExitInfo(exitCode: code, finishedAt: Timestamp.now().rfc3339Nano, error: text)
        record(info)
        broadcast(.failed(text))
        broadcast(.exited(info))
        phase = .deleting
        if createPid != 0 {
            // `runc create` is still running (a failed spawn of start, say): let it end first.
            return
        }
        spawnDelete(force: true)
    }

    func finishAndExit() -> Never {
        for c in clients { c.flush() }
        if !args.socketPath.isEmpty { unlink(args.socketPath) }
        exit(0)
    }

    // MARK: - OOM

    /// Where the kernel counts OOM kills for the container's cgroup (v2 memory.events, v1
    /// memory.oom_control; both have an `oom_kill N` line), found from init's /proc entry.
    static func memoryEventsPath(pid: pid_t) -> String? {
        guard let text = try? FS.readString("/proc/\(pid)/cgroup") else { return nil }
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
            guard parts.count == 3 else { continue }
            if parts[0] == "0" && parts[1].isEmpty && CgroupMode.isUnified {
                return "/sys/fs/cgroup\(parts[2])/memory.events"
            }
            if parts[1].split(separator: ",").contains("memory") {
                return "/sys/fs/cgroup/memory\(parts[2])/memory.oom_control"
            }
        }
        return nil
    }

    func oomKilled() -> Bool {
        guard let p = memoryEventsPath, let text = try? FS.readString(p) else { return false }
        for line in text.split(separator: "\n") where line.hasPrefix("oom_kill ") {
            return (Int(line.dropFirst(9)) ?? 0) > 0
        }
        return false
    }
}

func monotonicMillis() -> Int64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\n" || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\n" || l == "\t" { s.removeLast() }
        return String(s)
    }
}
