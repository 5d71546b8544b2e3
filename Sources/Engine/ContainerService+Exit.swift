import Runtime
import WharfAPI
import WharfCore

extension ContainerService {
    /// Called on the shim reader thread, in the shim's order: output before exit.
    func handleShimEvent(_ c: Container, _ event: ShimEvent) {
        switch event {
        case .output(let stream, let bytes):
            c.deliverOutput(stream: stream, bytes)
        case .execStarted, .execOutput, .execExited, .execFailed:
            handleExecEvent(event)
        case .started(let pid):
            let k = c.live.withLock { l -> CheckedContinuation<Int32, any Error>? in
                defer { l.startContinuation = nil }
                return l.startContinuation
            }
            if let k {
                k.resume(returning: pid)
            } else if c.live.withLock({ $0.resumingStart }) {
                markStarted(c, pid: pid)
            }
        case .failed(let message):
            let k = c.live.withLock { l -> CheckedContinuation<Int32, any Error>? in
                defer { l.startContinuation = nil }
                l.state.error = message
                return l.startContinuation
            }
            // Docker answers 400 when the command cannot be found or run, 500 otherwise.
            let userError = message.contains("executable file not found") || message.contains("no such file or directory")
                || message.contains("permission denied")
            k?.resume(throwing: WharfError(userError ? .invalidArgument : .internalError, message))
        case .exited(let info):
            Task { await self.processExit(c, info) }
        case .state(let s):
            switch s {
            case .exited(let info):
                Task { await self.processExit(c, info) }
            case .running(let pid):
                let adopt = c.live.withLock { l -> Bool in
                    l.state.pid = pid
                    return l.resumingStart && l.state.status != .running
                }
                // A start the previous daemon made, but did not live to record.
                if adopt { markStarted(c, pid: pid) }
            case .created:
                // The previous daemon died between creating the container and starting
                // it: finish the start it was asked for.
                if c.live.withLock({ $0.resumingStart }) {
                    do { try c.live.withLock { $0.shim }?.send(.start) } catch {
                        logger.warning("could not resume the start of \(c.id): \(error)")
                    }
                }
            }
        case .closed:
            // The shim is gone. If it never said how the container ended (it was killed),
            // record what exit.json says, if anything.
            let stillRunning = c.live.withLock { l -> Bool in
                l.shimAlive = false
                return l.state.status == .running || l.startContinuation != nil || l.resumingStart
            }
            if stillRunning {
                Task { await self.processExit(c, self.readExitFile(c)) }
            }
        }
    }

    func readExitFile(_ c: Container) -> ExitInfo {
        if let bytes = try? FS.readFile(c.bundle + "/exit.json"),
           let info = try? APIJSON.decode(ExitInfo.self, from: bytes) {
            return info
        }
        return ExitInfo(exitCode: 255, finishedAt: Timestamp.now().rfc3339Nano, error: "container's shim exited unexpectedly")
    }

    /// The container's process ended: record it, release what the run held, wake waiters,
    /// end attach streams, and remove the container when AutoRemove says so.
    func processExit(_ c: Container, _ info: ExitInfo) async {
        let claimed = c.live.withLock { l -> ([AttachSubscriber], [Waiter], CheckedContinuation<Int32, any Error>?)? in
            // Exactly one caller processes an exit (the shim's `exited`, its `closed`, or a
            // restore may all report it).
            guard l.shim != nil || l.state.status == .running || l.resumingStart else { return nil }
            // A process that never ran leaves the container "created", as Docker does,
            // with the exit code and error of the failed start.
            let neverRan = info.error != nil && l.state.status != .running
            l.state.status = neverRan ? .created : .exited
            l.state.exitCode = info.exitCode
            l.state.oomKilled = info.oomKilled
            l.state.paused = false
            if l.state.health != nil { l.state.health?.Status = "unhealthy" }
            l.state.pid = 0
            if let e = info.error { l.state.error = e }
            l.state.finishedAt = Timestamp(rfc3339: info.finishedAt) ?? .now()
            // The connection stays open until the shim closes it: that is how we learn the
            // shim finished deleting runc's state.
            l.shim = nil
            l.exitInProgress = true
            let subs = l.subscribers
            l.subscribers = []
            let ws = l.waiters.filter { $0.condition != .removed }
            l.waiters.removeAll { $0.condition != .removed }
            let k = l.startContinuation
            l.startContinuation = nil
            l.resumingStart = false
            return (subs, ws, k)
        }
        guard let (subs, waiters, startK) = claimed else { return }
        FaultPoint.hit("exit.received")
        failStart(startK, info)
        // Clients first: the attach streams end (their output is already queued ahead of
        // the close) and waiters learn the exit code; the rootfs and state.json follow.
        // A start or removal in the meantime waits for `exitInProgress` to clear.
        for s in subs { s.sink.finish() }
        endExecs(of: c, forget: false)
        let response = c.waitResponse()
        if c.hostConfig.AutoRemove != true {
            for w in waiters { w.fulfil(response) }
        }
        try? await blocking { [self] in
            self.teardownRootfs(c)
            try c.persistState()
        }
        c.live.withLock { $0.exitInProgress = false }
        if c.hostConfig.AutoRemove == true {
            // With --rm the client waits for `removed`; keep next-exit waiters in step.
            for w in waiters { w.fulfil(response) }
        }
        if info.oomKilled { emit(c, "oom") }
        emit(c, "die", ["exitCode": String(info.exitCode)])
        logger.debug("container \(c.id) exited with \(info.exitCode)")
        if c.hostConfig.AutoRemove == true {
            try? await removeStopped(c, removeVolumes: true)
        } else {
            scheduleRestartIfNeeded(c, exitCode: info.exitCode)
        }
    }

    /// A start still waiting when the process already ended learns that it failed.
    private func failStart(_ k: CheckedContinuation<Int32, any Error>?, _ info: ExitInfo) {
        k?.resume(throwing: WharfError.internalError(info.error ?? "container exited before it started"))
    }
}
