import OCI
import Runtime
import WharfAPI
import WharfCore

extension ContainerService {
    /// `docker update`: resources and the restart policy. A running container gets the new
    /// limits through `runc update`; hostconfig.json keeps them for the next start.
    public func update(_ ref: String, with u: HostConfig) async throws -> [String] {
        let c = try lookup(ref)
        var h = c.hostConfig
        if let v = u.Memory { h.Memory = v }
        if let v = u.MemorySwap { h.MemorySwap = v }
        if let v = u.MemoryReservation { h.MemoryReservation = v }
        if let v = u.NanoCpus { h.NanoCpus = v }
        if let v = u.CpuShares { h.CpuShares = v }
        if let v = u.CpuQuota { h.CpuQuota = v }
        if let v = u.CpuPeriod { h.CpuPeriod = v }
        if let v = u.CpusetCpus { h.CpusetCpus = v }
        if let v = u.CpusetMems { h.CpusetMems = v }
        if let v = u.PidsLimit { h.PidsLimit = v }
        if let v = u.OomKillDisable { h.OomKillDisable = v }
        if let rp = u.RestartPolicy, let name = rp.Name, !name.isEmpty { h.RestartPolicy = rp }
        try HostRuntimeOptions.validate(h)
        try Self.validateRestartPolicy(h)
        if c.isRunning, let resources = HostRuntimeOptions.resources(h) {
            let r = runc(for: c)
            let path = c.bundle + "/update.json"
            try await blocking {
                try AtomicFile.write(APIJSON.encode(resources), to: path, mode: 0o600, durable: false)
                defer { unlink(path) }
                try r.update(id: c.id, resourcesFile: path)
            }
        }
        let final = h
        c.live.withLock { $0.hostConfig = final }
        try await blocking { try AtomicFile.write(APIJSON.encode(final), to: c.dir + "/hostconfig.json", mode: 0o600) }
        emit(c, "update")
        return []
    }
}

#if canImport(Glibc)
import Glibc
#endif
