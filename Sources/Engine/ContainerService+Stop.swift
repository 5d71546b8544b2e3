import Runtime
import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

extension ContainerService {
    public func stop(_ ref: String, signal: String?, timeout: Int?) async throws {
        let c = try lookup(ref)
        // A start in flight (a restart policy's, say) finishes first; then it is stopped.
        while c.live.withLock({ $0.starting }) { try await Task.sleep(nanoseconds: 2_000_000) }
        let wasRestarting = c.live.withLock { l -> Bool in
            l.state.manuallyStopped = true
            defer { l.restarting = false }
            return l.restarting
        }
        if wasRestarting && !c.isRunning {
            c.persistInBackground()
            return
        }
        guard c.isRunning else { throw WharfError(.notModified, "container already stopped") }
        let sig = try Signals.parse(signal ?? c.record.config.StopSignal ?? "SIGTERM")
        let t = timeout ?? c.record.config.StopTimeout ?? 10
        try await stopRunning(c, signal: sig, timeout: t)
        emit(c, "stop")
    }

    /// The stop signal, then SIGKILL once the timeout passes (a negative timeout waits forever).
    func stopRunning(_ c: Container, signal: Int32, timeout: Int) async throws {
        let waiter = registerWaiter(c, .nextExit)
        guard let waiter else { return }
        signalContainer(c, signal)
        try? await thaw(c)
        if timeout >= 0 {
            let exited = await waitWithTimeout(waiter, seconds: Double(timeout))
            if exited { return }
            logger.debug("container \(c.id) did not stop within \(timeout)s; sending SIGKILL")
            signalContainer(c, SIGKILL)
            try? await thaw(c)
            // SIGKILL of the init kills the whole pid namespace; if the shim is gone the
            // exit may never be reported, so do not wait forever.
            if await waitWithTimeout(waiter, seconds: 10) { return }
            throw WharfError.internalError("container \(c.id) did not exit after SIGKILL")
        } else {
            _ = await waiter.result()
        }
    }

    public func kill(_ ref: String, signal: String?) async throws {
        let c = try lookup(ref)
        let sig = try Signals.parse((signal ?? "").isEmpty ? "KILL" : signal!)
        guard c.isRunning else {
            throw WharfError.conflict("Cannot kill container: \(ref): Container \(c.id) is not running")
        }
        c.live.withLock { $0.state.manuallyStopped = true }
        signalContainer(c, sig)
        emit(c, "kill", ["signal": String(sig)])
        // A frozen container gets the signal when it thaws; Docker thaws it for a kill.
        if sig == SIGKILL { try? await thaw(c) }
    }

    public func restart(_ ref: String, signal: String?, timeout: Int?) async throws {
        let c = try lookup(ref)
        if c.isRunning {
            let sig = try Signals.parse(signal ?? c.record.config.StopSignal ?? "SIGTERM")
            try await stopRunning(c, signal: sig, timeout: timeout ?? c.record.config.StopTimeout ?? 10)
        }
        // start() waits for the exit's cleanup (unmount, state) itself.
        try await start(c.id)
        emit(c, "restart")
    }

    func signalContainer(_ c: Container, _ sig: Int32) {
        let (shim, pid) = c.live.withLock { ($0.shim, $0.state.pid) }
        if let shim, (try? shim.send(.kill(sig))) != nil { return }
        if pid > 0 { _ = Glibc.kill(pid, sig) }
    }

    /// A waiter that is registered now, so an exit in between is not missed. nil when the
    /// container is not running.
    func registerWaiter(_ c: Container, _ cond: WaitCondition) -> WaiterHandle? {
        let h = WaiterHandle(container: c, condition: cond)
        return h.armIfRunning() ? h : nil
    }

    func waitWithTimeout(_ w: WaiterHandle, seconds: Double) async -> Bool {
        await withTaskGroup(of: Bool.self) { g in
            g.addTask { _ = await w.result(); return true }
            g.addTask {
                try? await Task.sleep(nanoseconds: UInt64(max(0, seconds) * 1e9))
                return false
            }
            let first = await g.next() ?? false
            g.cancelAll()
            return first
        }
    }
}
