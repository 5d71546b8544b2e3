import OCI
import Runtime
import Synchronization
import WharfAPI
import WharfCore

/// Collects a health probe's output (at most 4 KiB, as Docker keeps) and its end.
final class ProbeSink: StreamSink {
    private let state = Mutex<(output: [UInt8], done: Bool, waiter: CheckedContinuation<Void, Never>?)>(([], false, nil))

    func write(_ stream: StdStream, _ bytes: [UInt8]) {
        state.withLock { s in
            if s.output.count < 4096 { s.output += bytes.prefix(4096 - s.output.count) }
        }
    }

    func finish() {
        let w = state.withLock { s -> CheckedContinuation<Void, Never>? in
            s.done = true
            defer { s.waiter = nil }
            return s.waiter
        }
        w?.resume()
    }

    var isClosed: Bool { false }
    var output: String { String(decoding: state.withLock { $0.output }, as: UTF8.self) }

    /// Waits for the end, at most `seconds`; false on timeout.
    func wait(seconds: Double) async -> Bool {
        await withTaskGroup(of: Bool.self) { g in
            g.addTask {
                await withCheckedContinuation { (k: CheckedContinuation<Void, Never>) in
                    let done = self.state.withLock { s -> Bool in
                        if s.done { return true }
                        s.waiter = k
                        return false
                    }
                    if done { k.resume() }
                }
                return true
            }
            g.addTask {
                try? await Task.sleep(nanoseconds: UInt64(seconds * 1e9))
                return false
            }
            let first = await g.next() ?? false
            if !first { self.finish() }   // releases the first task
            g.cancelAll()
            return first
        }
    }
}

/// Health checks as Docker runs them: the probe is an exec in the container every
/// interval; `retries` failures in a row (after the start period) make it unhealthy.
extension ContainerService {
    struct HealthSettings {
        var test: [String]
        var interval: Double
        var timeout: Double
        var startPeriod: Double
        var retries: Int
    }

    /// The effective check: the container's, else the image's; nil for none or NONE.
    static func healthSettings(_ h: HealthConfig?) -> HealthSettings? {
        guard let h, let test = h.Test, let kind = test.first, kind != "NONE" else { return nil }
        let cmd: [String]
        switch kind {
        case "CMD": cmd = Array(test.dropFirst())
        case "CMD-SHELL": cmd = ["/bin/sh", "-c", test.dropFirst().joined(separator: " ")]
        default: return nil
        }
        guard !cmd.isEmpty else { return nil }
        func secs(_ ns: Int64?, _ dflt: Double) -> Double { (ns ?? 0) > 0 ? Double(ns!) / 1e9 : dflt }
        return HealthSettings(test: cmd, interval: secs(h.Interval, 30), timeout: secs(h.Timeout, 30),
                              startPeriod: secs(h.StartPeriod, 0), retries: (h.Retries ?? 0) > 0 ? h.Retries! : 3)
    }

    static func healthConfig(from image: HealthcheckConfig?) -> HealthConfig? {
        guard let image else { return nil }
        var h = HealthConfig(Test: image.test)
        h.Interval = image.interval
        h.Timeout = image.timeout
        h.StartPeriod = image.startPeriod
        h.StartInterval = image.startInterval
        h.Retries = image.retries
        return h
    }

    /// Starts the monitor for a run of the container (called once it runs).
    func startHealthMonitor(_ c: Container) {
        guard let settings = Self.healthSettings(c.record.config.Healthcheck) else { return }
        let run = c.live.withLock { l -> Int64 in
            l.state.health = HealthState(Status: "starting")
            return l.state.startedAt.unixNanoseconds
        }
        Task.detached { [self] in
            var streak = 0
            while true {
                try? await Task.sleep(nanoseconds: UInt64(settings.interval * 1e9))
                // Stop with the run that started us.
                guard c.live.withLock({ $0.state.status == .running && $0.state.startedAt.unixNanoseconds == run }) else {
                    return
                }
                let start = Timestamp.now()
                let (code, output) = await probe(c, settings)
                let end = Timestamp.now()
                let inStartPeriod = Double(end.unixNanoseconds - run) / 1e9 < settings.startPeriod
                streak = code == 0 ? 0 : streak + 1
                let changed = c.live.withLock { l -> String? in
                    guard l.state.status == .running else { return nil }
                    var h = l.state.health ?? HealthState(Status: "starting")
                    let before = h.Status
                    h.Log.append(.init(Start: start.rfc3339Nano, End: end.rfc3339Nano, ExitCode: code, Output: output))
                    if h.Log.count > 5 { h.Log.removeFirst(h.Log.count - 5) }
                    if code == 0 {
                        h.Status = "healthy"
                        h.FailingStreak = 0
                    } else if !inStartPeriod {
                        h.FailingStreak = streak
                        if streak >= settings.retries { h.Status = "unhealthy" }
                    }
                    l.state.health = h
                    return h.Status != before ? h.Status : nil
                }
                c.persistInBackground()
                if let status = changed { emit(c, "health_status: " + status) }
            }
        }
    }

    /// Runs the probe as an exec; (exit code, output). A timeout counts as a failure.
    func probe(_ c: Container, _ s: HealthSettings) async -> (Int, String) {
        var config = ExecConfig()
        config.Cmd = s.test
        config.AttachStdout = true
        config.AttachStderr = true
        let id = ContainerID.generate()
        let session = ExecSession(id: id, container: c, config: config)
        execs.withLock { $0[id] = session }
        defer { execs.withLock { $0[id] = nil } }
        let sink = ProbeSink()
        do {
            _ = try await startExec(id, options: ExecStartOptions(), sink: sink)
        } catch {
            return (-1, WharfError.from(error).message)
        }
        guard await sink.wait(seconds: s.timeout) else {
            return (-1, "Health check exceeded timeout (\(Int(s.timeout))s)")
        }
        return (session.state.withLock { $0.exitCode } ?? -1, sink.output)
    }
}
