import Runtime
import WharfAPI
import WharfCore

extension ContainerService {
    /// Samples the container's cgroup; nil when it is not running (Docker then reports zeros).
    func sample(_ c: Container) async -> CgroupStats.Sample? {
        let (running, pid) = c.live.withLock { ($0.state.status == .running, $0.state.pid) }
        guard running else { return nil }
        let cgroupsPath = "/wharf/" + c.id
        return try? await blocking { try CgroupStats.sample(cgroupsPath: cgroupsPath, pid: pid) }
    }

    func statsJSON(_ c: Container, _ now: CgroupStats.Sample?, _ previous: CgroupStats.Sample?) -> ContainerStats {
        var s = ContainerStats(name: "/" + c.name, id: c.id, read: (now?.read ?? .zero).rfc3339Nano,
                               preread: (previous?.read ?? .zero).rfc3339Nano)
        func cpu(_ x: CgroupStats.Sample) -> ContainerStats.CPUStats {
            var out = ContainerStats.CPUStats()
            out.cpu_usage.total_usage = x.cpuTotalUsage
            out.cpu_usage.percpu_usage = x.percpuUsage
            out.cpu_usage.usage_in_kernelmode = x.cpuUsageInKernelmode
            out.cpu_usage.usage_in_usermode = x.cpuUsageInUsermode
            out.system_cpu_usage = x.systemCPUUsage
            out.online_cpus = x.onlineCPUs
            out.throttling_data.periods = x.throttling.periods
            out.throttling_data.throttled_periods = x.throttling.throttledPeriods
            out.throttling_data.throttled_time = x.throttling.throttledTime
            return out
        }
        guard let now else { return s }
        s.cpu_stats = cpu(now)
        if let previous { s.precpu_stats = cpu(previous) }
        s.memory_stats.usage = now.memoryUsage
        s.memory_stats.max_usage = now.memoryMaxUsage
        s.memory_stats.failcnt = now.memoryFailcnt
        s.memory_stats.limit = now.memoryLimit
        s.memory_stats.stats = now.memoryStats
        s.pids_stats.current = now.pidsCurrent
        s.pids_stats.limit = now.pidsLimit ?? 0
        s.blkio_stats.io_service_bytes_recursive = now.blkio.map { .init(major: $0.major, minor: $0.minor, op: $0.op, value: $0.value) }
        s.blkio_stats.io_serviced_recursive = now.blkioServiced?.map { .init(major: $0.major, minor: $0.minor, op: $0.op, value: $0.value) }
        // A host-network container has the host's interfaces: Docker shows none.
        if c.hostConfig.NetworkMode != "host" {
            var nets: [String: ContainerStats.NetworkStats] = [:]
            for (name, n) in now.networks {
                var ns = ContainerStats.NetworkStats()
                ns.rx_bytes = n.rxBytes; ns.rx_packets = n.rxPackets; ns.rx_errors = n.rxErrors; ns.rx_dropped = n.rxDropped
                ns.tx_bytes = n.txBytes; ns.tx_packets = n.txPackets; ns.tx_errors = n.txErrors; ns.tx_dropped = n.txDropped
                nets[name] = ns
            }
            s.networks = nets.isEmpty ? nil : nets
        }
        return s
    }

    /// `docker stats`: one sample (two, a second apart, for CPU percentages unless
    /// `oneShot`), or one per second while `emit` returns true.
    public func stats(_ ref: String, stream: Bool, oneShot: Bool, emit: @escaping @Sendable (ContainerStats) -> Bool) async throws {
        let c = try lookup(ref)
        var previous: CgroupStats.Sample? = nil
        if !stream {
            if !oneShot && c.isRunning {
                previous = await sample(c)
                try? await Task.sleep(nanoseconds: 1_000_000_000)
            }
            _ = emit(statsJSON(c, await sample(c), previous))
            return
        }
        while true {
            let now = await sample(c)
            if !emit(statsJSON(c, now, previous)) { return }
            if now == nil && !c.isRunning && index.withLock({ $0.byID[c.id] == nil }) { return }
            previous = now
            try await Task.sleep(nanoseconds: 1_000_000_000)
        }
    }
}
