import WharfAPI
import WharfCore

/// Restart policies: no, always, unless-stopped, on-failure[:N], with Docker's back-off
/// (100 ms doubling to a minute, back to 100 ms after a run of 10 s or more).
extension ContainerService {
    static func validateRestartPolicy(_ h: HostConfig) throws {
        let name = h.RestartPolicy?.Name ?? ""
        let count = h.RestartPolicy?.MaximumRetryCount ?? 0
        if count < 0 { throw WharfError.invalid("invalid restart policy: maximum retry count cannot be negative") }
        if count > 0 && name != "on-failure" {
            throw WharfError.invalid("invalid restart policy: maximum retry count can only be used with 'on-failure'")
        }
        if h.AutoRemove == true && !["", "no"].contains(name) {
            throw WharfError.invalid("can't create 'AutoRemove' container with restart policy")
        }
    }

    /// Takes the policy, not the container: it is called under the container's lock.
    func policyWantsRestart(_ policy: RestartPolicy?, exitCode: Int32, restartCount: Int, manual: Bool) -> Bool {
        if manual { return false }
        switch policy?.Name ?? "no" {
        case "always", "unless-stopped": return true
        case "on-failure":
            let max = policy?.MaximumRetryCount ?? 0
            return exitCode != 0 && (max == 0 || restartCount < max)
        default: return false
        }
    }

    func scheduleRestartIfNeeded(_ c: Container, exitCode: Int32) {
        let delay = c.live.withLock { l -> Int64? in
            guard !l.removing, policyWantsRestart(l.hostConfig.RestartPolicy, exitCode: exitCode,
                                                  restartCount: l.state.restartCount,
                                                  manual: l.state.manuallyStopped == true) else { return nil }
            let ran = l.state.finishedAt.unixNanoseconds - l.state.startedAt.unixNanoseconds
            if ran >= 10_000_000_000 { l.restartDelayMillis = 100 }
            let d = l.restartDelayMillis
            l.restartDelayMillis = min(l.restartDelayMillis * 2, 60_000)
            l.restarting = true
            return d
        }
        guard let delay else { return }
        logger.debug("restarting \(c.id) in \(delay) ms (policy \(c.hostConfig.RestartPolicy?.Name ?? ""))")
        Task { [self] in
            try? await Task.sleep(nanoseconds: UInt64(delay) * 1_000_000)
            let go = c.live.withLock { l -> Bool in
                guard l.restarting, !l.removing, l.state.manuallyStopped != true else { return false }
                l.state.restartCount += 1
                return true
            }
            guard go, index.withLock({ $0.byID[c.id] != nil }) else { return }
            do {
                try await start(c.id, byPolicy: true)
                emit(c, "restart")
            } catch {
                logger.warning("restart of \(c.id) failed: \(WharfError.from(error).message)")
                c.live.withLock { $0.restarting = false }
            }
        }
    }

    /// At daemon start: `always` containers start again (even stopped by hand),
    /// `unless-stopped` ones unless a user stopped them, `on-failure` ones whose last exit
    /// was a failure and that have retries left (Docker's restartmanager.ShouldRestart).
    func startByPolicyAtBoot() {
        for c in all where !c.isRunning {
            let policy = c.hostConfig.RestartPolicy
            let wants = c.live.withLock { l -> Bool in
                guard l.state.status == .exited, !l.resumingStart else { return false }
                switch policy?.Name ?? "no" {
                case "always": return true
                case "unless-stopped": return l.state.manuallyStopped != true
                case "on-failure":
                    let max = policy?.MaximumRetryCount ?? 0
                    return l.state.exitCode != 0 && (max == 0 || l.state.restartCount < max)
                default: return false
                }
            }
            guard wants else { continue }
            Task { [self] in
                do { try await start(c.id) } catch {
                    logger.warning("could not start \(c.id) by its restart policy: \(WharfError.from(error).message)")
                }
            }
        }
    }
}
