import CWharf
import Glibc
import Runtime
import WharfCore

/// runc's children, the container's exit, failures and OOM accounting.
extension Shim {
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
        } else if let e = execs.first(where: { $0.runcPid == pid }) {
            execRuncFinished(e, code)
        } else if let e = execs.first(where: { $0.pid == pid && $0.started }) {
            execProcessExited(e, code)
        } else if initPid == 0 || execs.contains(where: { $0.runcPid != 0 }) {
            // The container's init can exit before `runc run` exits and names it; an exec's
            // process before `runc exec` does.
            unknownExits[pid] = code
        }
    }

    func createFinished(_ code: Int32) {
        if failure != nil {
            spawnDelete(force: true)  // failed while create ran; clean up now that it is done
            return
        }
        if code != 0 {
            // Docker's wording names runc's create step; ours ran as `runc run`.
            let message = (runc.lastError() ?? "runc create failed: exit status \(code)")
                .replacingFirst("runc run failed:", with: "runc create failed:")
            fail(step: "create", message: message)
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
        // `runc run --detach` has started the process already. Clients first (the daemon
        // connected before runc was spawned), then the output that came meanwhile.
        acceptClient()
        phase = .running
        broadcast(.started(pid: initPid))
        releaseEarlyOutput()
        if let code = unknownExits.removeValue(forKey: initPid) { initExited(code) }
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
        endExecs()
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
        unlinkSocket()
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
        unlinkSocket()
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

extension String {
    /// Without Foundation: the shim links only the Swift runtime.
    func replacingFirst(_ target: String, with replacement: String) -> String {
        let chars = Array(self), t = Array(target)
        guard t.count <= chars.count else { return self }
        for i in 0...(chars.count - t.count) where Array(chars[i..<(i + t.count)]) == t {
            return String(chars[..<i]) + replacement + String(chars[(i + t.count)...])
        }
        return self
    }
}
