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
        // The docker CLI sends every field, unset ones as zero or null: as with Docker, only
        // non-zero values change anything.
        if let v = u.Memory, v != 0 { h.Memory = v }
        if let v = u.MemorySwap, v != 0 { h.MemorySwap = v }
        if let v = u.MemoryReservation, v != 0 { h.MemoryReservation = v }
        if let v = u.NanoCpus, v != 0 {
            h.NanoCpus = v
            h.CpuQuota = 0
            h.CpuPeriod = 0
        }
        if let v = u.CpuQuota, v != 0 { h.CpuQuota = v; h.NanoCpus = 0 }
        if let v = u.CpuPeriod, v != 0 { h.CpuPeriod = v; h.NanoCpus = 0 }
        if let v = u.CpuShares, v != 0 { h.CpuShares = v }
        if let v = u.CpusetCpus, !v.isEmpty { h.CpusetCpus = v }
        if let v = u.CpusetMems, !v.isEmpty { h.CpusetMems = v }
        if let v = u.PidsLimit { h.PidsLimit = v }
        if let v = u.OomKillDisable { h.OomKillDisable = v }
        if let rp = u.RestartPolicy, let name = rp.Name, !name.isEmpty { h.RestartPolicy = rp }
        if let m = h.Memory, m > 0, let sw = h.MemorySwap, sw > 0, sw < m, (u.MemorySwap ?? 0) == 0 {
            throw WharfError.invalid("Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time")
        }
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
