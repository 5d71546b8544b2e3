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
    /// The json-file log (rotated per `--log-max-size`/`--log-max-file`); nil if it could not be opened.
    var log: RotatingLogFile?

    var phase = Phase.creating
    var clients: [ShimClient] = []

    var createPid: pid_t = 0
    var startPid: pid_t = 0
    var deletePid: pid_t = 0
    var initPid: pid_t = 0
    var startRequested = false
    var initStatus: Int32?
    /// Output read while `runc run` was still running: shown once it succeeded.
    var earlyOutput: [(stream: UInt8, data: [UInt8])] = []
    /// Exits of children not yet known (the container's init can end before `runc run`
    /// has told us its pid).
    var unknownExits: [pid_t: Int32] = [:]
    var exitInfo: ExitInfo?
    /// `docker exec` processes, from `execStart` until `execExited` or `execFailed`.
    var execs: [ExecProcess] = []
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

    var socketIdentity: (UInt64, UInt64)?
    var drainDeadline: Int64 = 0
    var exitDeadline: Int64 = 0

    init(args: ShimArguments, listenFD: Int32) {
        self.args = args
        self.listenFD = listenFD
        runc = Runc(path: args.runtime, root: args.runtimeRoot, logPath: args.bundle + "/runc.log")
    }

    // MARK: - Start-up

    func run() -> Never {
        // The daemon's environment passes to runc, but not these: runc would forward
        // sd_notify or socket activation into the container.
        for name in ["NOTIFY_SOCKET", "LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] { unsetenv(name) }
        // Never pin the daemon's working directory (it may be on a mount that goes away).
        if [args.bundle, args.logPath, args.runtimeRoot, args.socketPath].allSatisfy({ $0.hasPrefix("/") }) {
            _ = chdir("/")
        }
        waitForPreviousShim()
        socketIdentity = Self.fileIdentity(args.socketPath)
        _ = cwharf_set_subreaper()
        signal(SIGPIPE, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signalFD = cwharf_signalfd_for_sigchld(0)
        setNonBlocking(listenFD)
        _ = fcntl(listenFD, F_SETFD, FD_CLOEXEC)
        try? AtomicFile.write("\(getpid())", to: args.bundle + "/shim.pid")
        log = try? RotatingLogFile(path: args.logPath, maxSize: args.logMaxSize, maxFile: args.logMaxFile)
        startCreate()
        loop()
    }

    /// The daemon may start a container again as soon as `exited` arrives, while the
    /// previous run's shim is still in `runc delete`. Let that shim finish (it removes the
    /// cgroup this run is about to create), then clear whatever runc state is left.
    func waitForPreviousShim() {
        guard FS.exists(args.runtimeRoot + "/" + args.id) else { return }
        if let text = try? FS.readString(args.bundle + "/shim.pid"), let old = pid_t(text.trimmingSpaces),
           old != getpid(), let cmd = try? FS.readString("/proc/\(old)/cmdline"), cmd.contains("wharf-shim") {
            _ = cwharf_wait_pid_gone(old, 5000)
        }
        if FS.exists(args.runtimeRoot + "/" + args.id) {
            _ = try? Spawn.run(args.runtime, runc.deleteArguments(id: args.id, force: true))
        }
    }

    /// (device, inode) of a path, to tell our socket file from a successor's.
    static func fileIdentity(_ path: String) -> (UInt64, UInt64)? {
        var st = stat()
        guard !path.isEmpty, lstat(path, &st) == 0 else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino))
    }

    /// Removes the socket file unless it is no longer ours (a new shim for the same
    /// container may have bound the same path already).
    func unlinkSocket() {
        guard let mine = socketIdentity, let now = Self.fileIdentity(args.socketPath),
              mine == now else { return }
        unlink(args.socketPath)
        socketIdentity = nil
    }

    func startCreate() {
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
            // One `runc run --detach` instead of create + start. The container may print
            // before runc exits; that output waits in `earlyOutput` until runc reports
            // success (on failure the same pipes carried runc's own error text instead).
            createPid = try Spawn.spawn(args.runtime,
                                        runc.runDetachedArguments(id: args.id, bundle: args.bundle,
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

    /// What a pollfd entry stands for; kept beside the pollfd array (no closures, so the
    /// loop allocates nothing per turn).
    enum Source {
        case signal, listener, console, client(ShimClient), stdout, stderr, pty, stdin
        case execStdout(ExecProcess), execStderr(ExecProcess), execPty(ExecProcess)
        case execStdin(ExecProcess), execConsole(ExecProcess)
    }

    func loop() -> Never {
        var fds: [pollfd] = []
        var sources: [Source] = []
        while true {
            if phase == .done && (!clients.contains { $0.hasPending } || monotonicMillis() >= exitDeadline) {
                finishAndExit()
            }
            finishExecsIfDone()
            if phase == .draining && ((!outputOpen && !execsBusy) || monotonicMillis() >= drainDeadline) {
                finishExit()
                continue
            }
            fds.removeAll(keepingCapacity: true)
            sources.removeAll(keepingCapacity: true)
            func watch(_ fd: Int32, _ events: Int32, _ s: Source) {
                fds.append(pollfd(fd: fd, events: Int16(events), revents: 0))
                sources.append(s)
            }
            watch(signalFD, POLLIN, .signal)
            // Once `runc delete` is done the socket is unlinked and nobody new is let in.
            if phase != .done { watch(listenFD, POLLIN, .listener) }
            if consoleListenFD >= 0 { watch(consoleListenFD, POLLIN, .console) }
            for c in clients {
                watch(c.fd, (phase == .done ? 0 : POLLIN) | (c.hasPending ? POLLOUT : 0), .client(c))
            }
            if stdoutFD >= 0 { watch(stdoutFD, POLLIN, .stdout) }
            if stderrFD >= 0 { watch(stderrFD, POLLIN, .stderr) }
            if ptyFD >= 0 { watch(ptyFD, POLLIN | (stdinQueue.isEmpty ? 0 : POLLOUT), .pty) }
            if stdinFD >= 0 && !stdinQueue.isEmpty { watch(stdinFD, POLLOUT, .stdin) }
            for e in execs {
                if e.stdoutFD >= 0 { watch(e.stdoutFD, POLLIN, .execStdout(e)) }
                if e.stderrFD >= 0 { watch(e.stderrFD, POLLIN, .execStderr(e)) }
                if e.ptyFD >= 0 { watch(e.ptyFD, POLLIN | (e.stdinQueue.isEmpty ? 0 : POLLOUT), .execPty(e)) }
                if e.stdinFD >= 0 && !e.stdinQueue.isEmpty { watch(e.stdinFD, POLLOUT, .execStdin(e)) }
                if e.consoleListenFD >= 0 { watch(e.consoleListenFD, POLLIN, .execConsole(e)) }
            }

            var timeout: Int32 = -1
            if phase == .draining { timeout = Int32(clamping: max(0, drainDeadline - monotonicMillis())) }
            if phase == .done { timeout = Int32(clamping: max(0, exitDeadline - monotonicMillis())) }
            if let d = nextExecDeadline {
                let t = Int32(clamping: max(0, d - monotonicMillis()))
                if timeout < 0 || t < timeout { timeout = t }
            }
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n < 0 {
                if errno == EINTR { continue }
                finishAndExit()
            }
            if n == 0 { continue }
            for i in fds.indices where fds[i].revents != 0 {
                let ev = fds[i].revents
                switch sources[i] {
                case .signal: reap()
                case .listener: acceptClient()
                case .console: acceptConsole()
                case .client(let c): serviceClient(c, ev)
                case .stdout: readOutput(stream: 1)
                case .stderr: readOutput(stream: 2)
                case .stdin: flushStdin()
                case .pty:
                    if ev & Int16(POLLOUT) != 0 { flushStdin() }
                    if ev & Int16(POLLIN | POLLHUP | POLLERR) != 0 { readOutput(stream: 1) }
                case .execStdout(let e): readExecOutput(e, stream: 1)
                case .execStderr(let e): readExecOutput(e, stream: 2)
                case .execStdin(let e): flushExecStdin(e)
                case .execConsole(let e): acceptExecConsole(e)
                case .execPty(let e):
                    if ev & Int16(POLLOUT) != 0 { flushExecStdin(e) }
                    if ev & Int16(POLLIN | POLLHUP | POLLERR) != 0 { readExecOutput(e, stream: 1) }
                }
            }
            clients.removeAll { c in
                if c.broken { close(c.fd) }
                return c.broken
            }
        }
    }

    var outputOpen: Bool { stdoutFD >= 0 || stderrFD >= 0 || ptyFD >= 0 }
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
