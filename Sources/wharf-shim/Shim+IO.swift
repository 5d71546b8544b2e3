import CWharf
import Glibc
import Runtime
import WharfCore

/// Clients and the container's stdio.
extension Shim {
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
        case .execStart, .execStdin, .execCloseStdin, .execResize:
            handleExec(cmd)
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
            close(fd)
            if args.tty { ptyFD = -1 } else if stream == 1 { stdoutFD = -1 } else { stderrFD = -1 }
            if phase == .creating {
                earlyOutput.append((stream, []))   // the end, in order after what came before
            } else {
                finishStream(stream)
            }
            return
        }
        // While runc runs, the pipes may carry runc's own error text (reported through
        // `failed`, never logged or shown) or the container's first output: keep it until
        // runc's exit tells which.
        if failure != nil { return }
        if phase == .creating {
            earlyOutput.append((stream, Array(readBuffer[0..<n])))
            return
        }
        readBuffer.withUnsafeBytes { raw in
            emitOutput(stream: stream, UnsafeRawBufferPointer(rebasing: raw[0..<n]))
        }
    }

    /// Output of the container: to the json-file log and to every client.
    func emitOutput(stream: UInt8, _ data: UnsafeRawBufferPointer) {
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

    /// A stream ended: a partial last line goes to the log.
    func finishStream(_ stream: UInt8) {
        var entries: [UInt8] = []
        let time = JSONLog.timeBytes(Timestamp.now())
        if stream == 1 { stdoutLines.finish(time: time, to: &entries) } else { stderrLines.finish(time: time, to: &entries) }
        writeLog(entries)
    }

    /// `runc run` succeeded: what the container printed meanwhile is real output.
    func releaseEarlyOutput() {
        let early = earlyOutput
        earlyOutput = []
        for (stream, data) in early {
            if data.isEmpty {
                finishStream(stream)
            } else {
                data.withUnsafeBytes { emitOutput(stream: stream, $0) }
            }
        }
    }

    func writeLog(_ bytes: [UInt8]) {
        guard let log, !bytes.isEmpty else { return }
        try? log.write(bytes)
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
}
