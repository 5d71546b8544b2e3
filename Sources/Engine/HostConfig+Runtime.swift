import OCI
import Runtime
import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// HostConfig's resources and security options, validated at create with Docker's messages
/// and turned into the runtime's terms at start.
enum HostRuntimeOptions {
    struct Security: Equatable {
        var seccomp: ContainerRuntimeConfig.Seccomp = .default
        var noNewPrivileges = false
    }

    /// `--security-opt`: seccomp=unconfined | seccomp=<profile JSON> (the docker CLI sends
    /// a file's content, not its path), no-new-privileges[=true|false]; apparmor and label
    /// options are accepted and have no effect on this host.
    static func security(_ opts: [String]) throws -> Security {
        var s = Security()
        for raw in opts {
            let sep = raw.firstIndex(where: { $0 == "=" || $0 == ":" })
            let key = sep.map { String(raw[..<$0]) } ?? raw
            let value = sep.map { String(raw[raw.index(after: $0)...]) } ?? ""
            switch key {
            case "seccomp":
                if value == "unconfined" {
                    s.seccomp = .unconfined
                } else if value.hasPrefix("{") {
                    _ = try SeccompProfile.parse(Array(value.utf8))
                    s.seccomp = .custom(Array(value.utf8))
                } else if value == "builtin" || value.isEmpty {
                    s.seccomp = .default
                } else {
                    throw WharfError.invalid("opening seccomp profile (\(value)) failed: the docker CLI sends the profile's content; pass a JSON profile")
                }
            case "no-new-privileges":
                guard ["", "true", "false"].contains(value) else {
                    throw WharfError.invalid("invalid --security-opt 2: \"\(raw)\"")
                }
                s.noNewPrivileges = value != "false"
            case "apparmor", "label", "systempaths", "writable-cgroups":
                break
            default:
                throw WharfError.invalid("invalid --security-opt 1: \"\(raw)\"")
            }
        }
        return s
    }

    /// Docker's checks of resource settings (daemon/daemon_unix.go verifyPlatformContainerResources).
    static func validate(_ h: HostConfig) throws {
        let memory = h.Memory ?? 0
        if memory > 0 && memory < 6 * 1024 * 1024 {
            throw WharfError.invalid("Minimum memory limit allowed is 6MB")
        }
        if let swap = h.MemorySwap, swap > 0 {
            if memory == 0 {
                throw WharfError.invalid("You should always set the Memory limit when using Memoryswap limit, see usage")
            }
            if swap < memory {
                throw WharfError.invalid("Minimum memoryswap limit should be larger than memory limit, see usage")
            }
        }
        if let r = h.MemoryReservation, r > 0, memory > 0, memory < r {
            throw WharfError.invalid("Minimum memory limit can not be less than memory reservation limit, see usage")
        }
        if let r = h.MemoryReservation, r > 0, r < 6 * 1024 * 1024 {
            throw WharfError.invalid("Minimum memory reservation allowed is 6MB")
        }
        if let sw = h.MemorySwappiness, sw != -1, !(0...100).contains(sw) {
            throw WharfError.invalid("Invalid value: \(sw), valid memory swappiness range is 0-100")
        }
        let nano = h.NanoCpus ?? 0
        if nano > 0 && ((h.CpuQuota ?? 0) > 0 || (h.CpuPeriod ?? 0) > 0) {
            throw WharfError.conflict("Conflicting options: Nano CPUs and CPU Period cannot both be set")
        }
        let ncpu = Int64(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        if nano < 0 || nano > ncpu * 1_000_000_000 {
            throw WharfError.invalid("Range of CPUs is from 0.01 to \(ncpu).00, as there are only \(ncpu) CPUs available")
        }
        if let p = h.CpuPeriod, p != 0, !(1000...1_000_000).contains(p) {
            throw WharfError.invalid("CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)")
        }
        if let q = h.CpuQuota, q > 0, q < 1000 {
            throw WharfError.invalid("CPU cfs quota can not be less than 1ms (i.e. 1000)")
        }
        if let c = h.CpusetCpus, !c.isEmpty, !cpusetIsValid(c, max: Int(ncpu) - 1) {
            throw WharfError.invalid("Requested CPUs are not available - requested \(c), available: 0-\(ncpu - 1)")
        }
        for u in h.Ulimits ?? [] {
            guard rlimitNames[u.Name] != nil else { throw WharfError.invalid("invalid ulimit type: \(u.Name)") }
            if u.Soft > u.Hard { throw WharfError.invalid("ulimit soft limit must be less than or equal to hard limit: \(u.Soft) > \(u.Hard)") }
        }
        _ = try Capabilities.effective(add: h.CapAdd ?? [], drop: h.CapDrop ?? [], privileged: false)
        for d in h.Devices ?? [] {
            let perms = d.CgroupPermissions
            guard perms.allSatisfy({ "rwm".contains($0) }) else { throw WharfError.invalid("invalid device mode: \(perms)") }
            guard d.PathOnHost.hasPrefix("/") else { throw WharfError.invalid("\(d.PathOnHost) is not an absolute path") }
        }
        _ = try deviceRules(h)
        _ = try security(h.SecurityOpt ?? [])
    }

    static func deviceRules(_ h: HostConfig) throws -> [RuntimeSpecDeviceCgroup] {
        try (h.DeviceCgroupRules ?? []).map(HostDevices.parseRule)
    }

    /// `--device` entries, read from the host at each start (a device may come and go).
    static func devices(_ h: HostConfig) throws -> [HostDevices.Mapping] {
        try (h.Devices ?? []).flatMap {
            try HostDevices.mappings(host: $0.PathOnHost, container: $0.PathInContainer, permissions: $0.CgroupPermissions)
        }
    }

    /// "0-2,4": every listed cpu must exist.
    static func cpusetIsValid(_ s: String, max: Int) -> Bool {
        for part in s.split(separator: ",", omittingEmptySubsequences: false) {
            let ends = part.split(separator: "-", omittingEmptySubsequences: false)
            guard ends.count <= 2, let lo = Int(ends[0]), let hi = Int(ends.last!), lo <= hi, lo >= 0, hi <= max else {
                return false
            }
        }
        return true
    }

    static let rlimitNames: [String: String] = [
        "core": "RLIMIT_CORE", "cpu": "RLIMIT_CPU", "data": "RLIMIT_DATA", "fsize": "RLIMIT_FSIZE",
        "locks": "RLIMIT_LOCKS", "memlock": "RLIMIT_MEMLOCK", "msgqueue": "RLIMIT_MSGQUEUE", "nice": "RLIMIT_NICE",
        "nofile": "RLIMIT_NOFILE", "nproc": "RLIMIT_NPROC", "rss": "RLIMIT_RSS", "rtprio": "RLIMIT_RTPRIO",
        "rttime": "RLIMIT_RTTIME", "sigpending": "RLIMIT_SIGPENDING", "stack": "RLIMIT_STACK", "as": "RLIMIT_AS",
    ]

    static func rlimits(_ h: HostConfig) -> [RuntimeSpecRlimit] {
        (h.Ulimits ?? []).compactMap { u in
            rlimitNames[u.Name].map { RuntimeSpecRlimit(type: $0, hard: UInt64(max(0, u.Hard)), soft: UInt64(max(0, u.Soft))) }
        }
    }

    /// The cgroup settings Docker derives from HostConfig.
    static func resources(_ h: HostConfig) -> RuntimeSpecResources? {
        var memory = RuntimeSpecMemory()
        var cpu = RuntimeSpecCPU()
        var any = false
        if let m = h.Memory, m > 0 {
            memory.limit = m
            // Docker's default: as much swap as memory (MemorySwap 0), unlimited with -1.
            let swap = h.MemorySwap ?? 0
            memory.swap = swap == 0 ? m * 2 : swap
            any = true
        }
        if let r = h.MemoryReservation, r > 0 { memory.reservation = r; any = true }
        if let sw = h.MemorySwappiness, (0...100).contains(sw) { memory.swappiness = UInt64(sw); any = true }
        if h.OomKillDisable == true { memory.disableOOMKiller = true; any = true }
        if let n = h.NanoCpus, n > 0 {
            cpu.period = 100_000
            cpu.quota = n * 100_000 / 1_000_000_000
            any = true
        }
        if let q = h.CpuQuota, q > 0 { cpu.quota = q; any = true }
        if let p = h.CpuPeriod, p > 0 { cpu.period = UInt64(p); any = true }
        if let s = h.CpuShares, s > 0 { cpu.shares = UInt64(s); any = true }
        if let c = h.CpusetCpus, !c.isEmpty { cpu.cpus = c; any = true }
        if let m = h.CpusetMems, !m.isEmpty { cpu.mems = m; any = true }
        var r = RuntimeSpecResources()
        if memory != RuntimeSpecMemory() { r.memory = memory }
        if cpu != RuntimeSpecCPU() { r.cpu = cpu }
        if let p = h.PidsLimit, p != 0 { r.pids = RuntimeSpecPids(limit: p); any = true }
        return any ? r : nil
    }
}
