import Glibc
import WharfCore

/// A container's resource usage read straight from its cgroup (v1 or v2) and its network
/// namespace, with the numbers `docker stats` needs (moby `daemon/stats_unix.go`).
/// Every read is best effort: a missing file (controller not mounted, container just gone)
/// leaves its fields at 0 / nil; only a cgroup missing on every controller is an error.
public enum CgroupStats {
    public struct Sample: Sendable, Equatable {
        /// When the sample was taken.
        public var read: Timestamp
        /// Nanoseconds (v1 `cpuacct.usage`; v2 `cpu.stat` usage_usec × 1000).
        public var cpuTotalUsage: UInt64
        /// Nanoseconds (v1 `cpuacct.stat` ticks, as runc converts them; v2 system_usec × 1000).
        public var cpuUsageInKernelmode: UInt64
        /// Nanoseconds (v1 `cpuacct.stat` ticks; v2 user_usec × 1000).
        public var cpuUsageInUsermode: UInt64
        /// v1 `cpuacct.usage_percpu`; nil on v2.
        public var percpuUsage: [UInt64]?
        /// Nanoseconds of host CPU time from /proc/stat (user…softirq jiffies), as moby computes it.
        public var systemCPUUsage: UInt64
        /// sysconf(_SC_NPROCESSORS_ONLN).
        public var onlineCPUs: UInt32
        public var throttling: Throttling
        /// v1 `memory.usage_in_bytes`; v2 `memory.current`.
        public var memoryUsage: UInt64
        /// The cgroup's limit, or the host's MemTotal when there is none (or it is larger).
        public var memoryLimit: UInt64
        /// v1 only (`memory.max_usage_in_bytes`).
        public var memoryMaxUsage: UInt64?
        /// v1 only (`memory.failcnt`).
        public var memoryFailcnt: UInt64?
        /// Every numeric line of `memory.stat`, keys as in the file.
        public var memoryStats: [String: UInt64]
        public var pidsCurrent: UInt64
        /// nil when unlimited ("max") or unknown.
        public var pidsLimit: UInt64?
        /// Docker's `io_service_bytes_recursive`: v1 `blkio.throttle.io_service_bytes_recursive`
        /// (ops as in the file: Read, Write, Sync, Async, Discard, Total); v2 `io.stat`
        /// rbytes/wbytes as "read"/"write".
        public var blkio: [BlkioEntry]
        /// Docker's `io_serviced_recursive`: v1 `blkio.throttle.io_serviced_recursive`;
        /// nil on v2, where Docker omits it.
        public var blkioServiced: [BlkioEntry]?
        /// Per interface of the container's network namespace (/proc/<pid>/net/dev), "lo" left out.
        public var networks: [String: NetworkCounters]
        /// True when read from a cgroup v2 (unified) hierarchy.
        public var unified: Bool

        public init(read: Timestamp = .zero, cpuTotalUsage: UInt64 = 0, cpuUsageInKernelmode: UInt64 = 0,
                    cpuUsageInUsermode: UInt64 = 0, percpuUsage: [UInt64]? = nil, systemCPUUsage: UInt64 = 0,
                    onlineCPUs: UInt32 = 0, throttling: Throttling = Throttling(), memoryUsage: UInt64 = 0,
                    memoryLimit: UInt64 = 0, memoryMaxUsage: UInt64? = nil, memoryFailcnt: UInt64? = nil,
                    memoryStats: [String: UInt64] = [:], pidsCurrent: UInt64 = 0, pidsLimit: UInt64? = nil,
                    blkio: [BlkioEntry] = [], blkioServiced: [BlkioEntry]? = nil,
                    networks: [String: NetworkCounters] = [:], unified: Bool = false) {
            self.read = read
            self.cpuTotalUsage = cpuTotalUsage
            self.cpuUsageInKernelmode = cpuUsageInKernelmode
            self.cpuUsageInUsermode = cpuUsageInUsermode
            self.percpuUsage = percpuUsage
            self.systemCPUUsage = systemCPUUsage
            self.onlineCPUs = onlineCPUs
            self.throttling = throttling
            self.memoryUsage = memoryUsage
            self.memoryLimit = memoryLimit
            self.memoryMaxUsage = memoryMaxUsage
            self.memoryFailcnt = memoryFailcnt
            self.memoryStats = memoryStats
            self.pidsCurrent = pidsCurrent
            self.pidsLimit = pidsLimit
            self.blkio = blkio
            self.blkioServiced = blkioServiced
            self.networks = networks
            self.unified = unified
        }
    }

    /// Docker's `throttling_data`.
    public struct Throttling: Sendable, Equatable {
        public var periods: UInt64
        public var throttledPeriods: UInt64
        /// Nanoseconds.
        public var throttledTime: UInt64
        public init(periods: UInt64 = 0, throttledPeriods: UInt64 = 0, throttledTime: UInt64 = 0) {
            self.periods = periods
            self.throttledPeriods = throttledPeriods
            self.throttledTime = throttledTime
        }
    }

    public struct BlkioEntry: Sendable, Equatable {
        public var major: UInt64
        public var minor: UInt64
        public var op: String
        public var value: UInt64
        public init(major: UInt64, minor: UInt64, op: String, value: UInt64) {
            self.major = major
            self.minor = minor
            self.op = op
            self.value = value
        }
    }

    public struct NetworkCounters: Sendable, Equatable {
        public var rxBytes: UInt64, rxPackets: UInt64, rxErrors: UInt64, rxDropped: UInt64
        public var txBytes: UInt64, txPackets: UInt64, txErrors: UInt64, txDropped: UInt64
        public init(rxBytes: UInt64 = 0, rxPackets: UInt64 = 0, rxErrors: UInt64 = 0, rxDropped: UInt64 = 0,
                    txBytes: UInt64 = 0, txPackets: UInt64 = 0, txErrors: UInt64 = 0, txDropped: UInt64 = 0) {
            self.rxBytes = rxBytes
            self.rxPackets = rxPackets
            self.rxErrors = rxErrors
            self.rxDropped = rxDropped
            self.txBytes = txBytes
            self.txPackets = txPackets
            self.txErrors = txErrors
            self.txDropped = txDropped
        }
    }

    /// Samples the cgroup at `cgroupsPath` (the OCI `linux.cgroupsPath`, e.g. `/wharf/<id>`,
    /// under runc's cgroupfs driver) and the network namespace of `pid` (the container's init;
    /// 0 or less: no network counters). Blocking (a few small file reads).
    /// Throws `.notFound` when the cgroup exists on no controller.
    public static func sample(cgroupsPath: String, pid: Int32) throws -> Sample {
        let rel = cgroupsPath.hasPrefix("/") ? cgroupsPath : "/" + cgroupsPath
        let layout: Layout
        if CgroupMode.isUnified {
            layout = .v2(dir: trimSlash("/sys/fs/cgroup" + rel))
        } else {
            var dirs: [String: String] = [:]
            let mounts = v1Mounts()
            for c in v1Controllers {
                if let m = mounts[c] { dirs[c] = trimSlash(m + rel) }
            }
            layout = .v1(dirs: dirs)
        }
        return try sample(layout: layout, pid: pid, procRoot: "/proc")
    }

    // MARK: - Sampling (internal: tests point it at a fake tree)

    enum Layout {
        /// controller name ("cpu", "cpuacct", "memory", "pids", "blkio") → the cgroup's directory.
        case v1(dirs: [String: String])
        /// The cgroup's directory in the unified hierarchy.
        case v2(dir: String)
    }

    static let v1Controllers = ["cpu", "cpuacct", "memory", "pids", "blkio"]

    static func sample(layout: Layout, pid: Int32, procRoot: String) throws -> Sample {
        var s = Sample(read: Timestamp.now())
        switch layout {
        case .v1(let dirs):
            guard dirs.values.contains(where: { FS.isDirectory($0) }) else {
                throw WharfError.notFound("cgroup \(dirs.values.sorted().first ?? "") not found")
            }
            readV1(dirs, into: &s)
        case .v2(let dir):
            guard FS.isDirectory(dir) else {
                throw WharfError.notFound("cgroup \(dir) not found")
            }
            readV2(dir, into: &s)
        }

        let memTotal = readText(procRoot + "/meminfo").flatMap(parseMemTotal) ?? 0
        if memTotal > 0 && s.memoryLimit > memTotal {
            // moby: "if the container does not set memory limit, use the machineMemory".
            s.memoryLimit = memTotal
        }
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        if let stat = readText(procRoot + "/stat") {
            s.systemCPUUsage = parseSystemCPUUsage(stat, clockTicks: ticks > 0 ? UInt64(ticks) : 100) ?? 0
        }
        let online = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        s.onlineCPUs = online > 0 ? UInt32(online) : 0
        if pid > 0, let dev = readText("\(procRoot)/\(pid)/net/dev") {
            s.networks = parseNetDev(dev).filter { $0.key != "lo" }
        }
        return s
    }

    static func readV1(_ dirs: [String: String], into s: inout Sample) {
        if let d = dirs["cpuacct"] {
            s.cpuTotalUsage = readUInt(d + "/cpuacct.usage") ?? 0
            s.percpuUsage = readText(d + "/cpuacct.usage_percpu").map(parseUIntList)
            if let stat = readText(d + "/cpuacct.stat") {
                // runc: USER_HZ ticks → ns.
                let kv = parseKeyValues(stat)
                let tck = sysconf(Int32(_SC_CLK_TCK))
                let hz = tck > 0 ? UInt64(tck) : 100
                s.cpuUsageInUsermode = ticksToNanoseconds(kv["user"] ?? 0, clockTicks: hz)
                s.cpuUsageInKernelmode = ticksToNanoseconds(kv["system"] ?? 0, clockTicks: hz)
            } else {
                s.cpuUsageInUsermode = readUInt(d + "/cpuacct.usage_user") ?? 0
                s.cpuUsageInKernelmode = readUInt(d + "/cpuacct.usage_sys") ?? 0
            }
        }
        if let d = dirs["cpu"], let stat = readText(d + "/cpu.stat") {
            let kv = parseKeyValues(stat)
            s.throttling = Throttling(periods: kv["nr_periods"] ?? 0, throttledPeriods: kv["nr_throttled"] ?? 0,
                                      throttledTime: kv["throttled_time"] ?? 0)
        }
        if let d = dirs["memory"], FS.isDirectory(d) {
            s.memoryUsage = readUInt(d + "/memory.usage_in_bytes") ?? 0
            s.memoryMaxUsage = readUInt(d + "/memory.max_usage_in_bytes")
            s.memoryFailcnt = readUInt(d + "/memory.failcnt")
            s.memoryLimit = readUInt(d + "/memory.limit_in_bytes") ?? 0
            s.memoryStats = readText(d + "/memory.stat").map(parseKeyValues) ?? [:]
        }
        if let d = dirs["pids"] {
            s.pidsCurrent = readUInt(d + "/pids.current") ?? 0
            s.pidsLimit = readText(d + "/pids.max").flatMap(parseLimit)
        }
        if let d = dirs["blkio"], FS.isDirectory(d) {
            s.blkio = readText(d + "/blkio.throttle.io_service_bytes_recursive").map(parseBlkioV1) ?? []
            s.blkioServiced = readText(d + "/blkio.throttle.io_serviced_recursive").map(parseBlkioV1) ?? []
        }
    }

    static func readV2(_ d: String, into s: inout Sample) {
        s.unified = true
        if let stat = readText(d + "/cpu.stat") {
            let kv = parseKeyValues(stat)
            s.cpuTotalUsage = (kv["usage_usec"] ?? 0) &* 1000
            s.cpuUsageInUsermode = (kv["user_usec"] ?? 0) &* 1000
            s.cpuUsageInKernelmode = (kv["system_usec"] ?? 0) &* 1000
            s.throttling = Throttling(periods: kv["nr_periods"] ?? 0, throttledPeriods: kv["nr_throttled"] ?? 0,
                                      throttledTime: (kv["throttled_usec"] ?? 0) &* 1000)
        }
        s.memoryUsage = readUInt(d + "/memory.current") ?? 0
        // "max" is clamped to the host's MemTotal by the caller; no memory controller: 0.
        if let max = readText(d + "/memory.max") {
            s.memoryLimit = parseLimit(max) ?? UInt64.max
        }
        s.memoryStats = readText(d + "/memory.stat").map(parseKeyValues) ?? [:]
        s.pidsCurrent = readUInt(d + "/pids.current") ?? 0
        s.pidsLimit = readText(d + "/pids.max").flatMap(parseLimit)
        if let io = readText(d + "/io.stat") {
            s.blkio = parseIOStat(io)
        }
    }

    // MARK: - Files

    /// The text of a file, or nil when it cannot be read.
    static func readText(_ path: String) -> String? {
        try? FS.readString(path)
    }

    static func readUInt(_ path: String) -> UInt64? {
        readText(path).flatMap { parseUInt($0) }
    }

    static func trimSlash(_ p: String) -> String {
        var p = p
        while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
        return p
    }

    /// controller → mount point of each cgroup v1 hierarchy, from /proc/self/mountinfo, with
    /// the conventional /sys/fs/cgroup/<name> (or a combined "cpu,cpuacct") as fallback.
    static func v1Mounts() -> [String: String] {
        var m = readText("/proc/self/mountinfo").map(parseCgroupV1Mounts) ?? [:]
        for c in v1Controllers where m[c] == nil {
            var candidates = ["/sys/fs/cgroup/" + c]
            if c == "cpu" || c == "cpuacct" {
                candidates += ["/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/cpuacct,cpu"]
            }
            if let found = candidates.first(where: { FS.isDirectory($0) }) { m[c] = found }
        }
        return m
    }
}
