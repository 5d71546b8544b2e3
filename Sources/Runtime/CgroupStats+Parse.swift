import Glibc

/// Parsers for the cgroup and procfs files `CgroupStats` reads. Each takes the file's text
/// and skips lines it does not understand rather than failing.
extension CgroupStats {
    static func fields<S: StringProtocol>(_ line: S) -> [Substring] {
        Substring(line).split(whereSeparator: { $0 == " " || $0 == "\t" })
    }

    static func lines(_ text: String) -> [Substring] {
        text.split(separator: "\n")
    }

    /// A file holding one number ("123\n").
    static func parseUInt<S: StringProtocol>(_ text: S) -> UInt64? {
        let f = fields(text.split(separator: "\n").first ?? "")
        guard f.count == 1 else { return nil }
        return UInt64(f[0])
    }

    /// pids.max / memory.max: a number, or "max" (nil).
    static func parseLimit(_ text: String) -> UInt64? {
        parseUInt(text)
    }

    /// Whitespace-separated numbers (cpuacct.usage_percpu).
    static func parseUIntList(_ text: String) -> [UInt64] {
        fields(text.split(separator: "\n").first ?? "").compactMap { UInt64($0) }
    }

    /// "key value" lines (memory.stat, cpu.stat, cpuacct.stat); non-numeric values are skipped.
    static func parseKeyValues(_ text: String) -> [String: UInt64] {
        var out: [String: UInt64] = [:]
        for line in lines(text) {
            let f = fields(line)
            if f.count == 2, let v = UInt64(f[1]) { out[String(f[0])] = v }
        }
        return out
    }

    static func trimSpaces(_ s: Substring) -> Substring {
        var s = s
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }

    /// "MAJ:MIN" → (major, minor).
    static func parseDevice(_ s: Substring) -> (UInt64, UInt64)? {
        let parts = s.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, let ma = UInt64(parts[0]), let mi = UInt64(parts[1]) else { return nil }
        return (ma, mi)
    }

    /// cgroup v1 blkio files: "8:0 Read 4096" lines (ops kept as written); the closing
    /// "Total N" line is skipped, as runc does.
    static func parseBlkioV1(_ text: String) -> [BlkioEntry] {
        var out: [BlkioEntry] = []
        for line in lines(text) {
            let f = fields(line)
            guard f.count == 3, let (ma, mi) = parseDevice(f[0]), let v = UInt64(f[2]) else { continue }
            out.append(BlkioEntry(major: ma, minor: mi, op: String(f[1]), value: v))
        }
        return out
    }

    /// cgroup v2 io.stat: "8:0 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=0 dios=0" lines →
    /// "read"/"write" byte entries per device, as moby reports them.
    static func parseIOStat(_ text: String) -> [BlkioEntry] {
        var out: [BlkioEntry] = []
        for line in lines(text) {
            let f = fields(line)
            guard f.count >= 2, let (ma, mi) = parseDevice(f[0]) else { continue }
            var kv: [Substring: UInt64] = [:]
            for item in f.dropFirst() {
                let p = item.split(separator: "=", maxSplits: 1)
                if p.count == 2, let v = UInt64(p[1]) { kv[p[0]] = v }
            }
            out.append(BlkioEntry(major: ma, minor: mi, op: "read", value: kv["rbytes"] ?? 0))
            out.append(BlkioEntry(major: ma, minor: mi, op: "write", value: kv["wbytes"] ?? 0))
        }
        return out
    }

    /// ticks × 1e9 / hz without overflowing for long uptimes on many CPUs.
    static func ticksToNanoseconds(_ ticks: UInt64, clockTicks hz: UInt64) -> UInt64 {
        let hz = max(hz, 1)
        return (ticks / hz) &* 1_000_000_000 &+ (ticks % hz) &* 1_000_000_000 / hz
    }

    /// /proc/stat's "cpu" line: user+nice+system+idle+iowait+irq+softirq jiffies in
    /// nanoseconds (moby `getSystemCPUUsage`; steal and guest are left out there too).
    static func parseSystemCPUUsage(_ text: String, clockTicks: UInt64) -> UInt64? {
        for line in lines(text) {
            let f = fields(line)
            guard f.first == "cpu" else { continue }
            guard f.count >= 8 else { return nil }
            var total: UInt64 = 0
            for v in f[1..<8] {
                guard let n = UInt64(v) else { return nil }
                total &+= n
            }
            return ticksToNanoseconds(total, clockTicks: clockTicks)
        }
        return nil
    }

    /// /proc/meminfo's MemTotal in bytes.
    static func parseMemTotal(_ text: String) -> UInt64? {
        for line in lines(text) where line.hasPrefix("MemTotal:") {
            let f = fields(line.dropFirst("MemTotal:".count))
            guard let n = f.first.flatMap({ UInt64($0) }) else { return nil }
            let unit = f.count > 1 ? f[1].lowercased() : ""
            return unit == "kb" ? n &* 1024 : n
        }
        return nil
    }

    /// /proc/<pid>/net/dev → counters per interface (all of them, "lo" included).
    static func parseNetDev(_ text: String) -> [String: NetworkCounters] {
        var out: [String: NetworkCounters] = [:]
        for line in lines(text) {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = trimSpaces(line[..<colon])
            let f = fields(line[line.index(after: colon)...])
            guard !name.isEmpty, f.count >= 16 else { continue }   // the two header lines
            let n = f.prefix(16).map { UInt64($0) ?? 0 }
            out[String(name)] = NetworkCounters(
                rxBytes: n[0], rxPackets: n[1], rxErrors: n[2], rxDropped: n[3],
                txBytes: n[8], txPackets: n[9], txErrors: n[10], txDropped: n[11])
        }
        return out
    }

    /// cgroup v1 hierarchies from mountinfo: controller → mount point. A combined mount
    /// ("cpu,cpuacct") maps both controllers to it; the first mount of a controller wins.
    static func parseCgroupV1Mounts(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in lines(text) {
            let f = fields(line)
            // id parent maj:min root mountpoint options [optional…] - fstype source superoptions
            guard let dash = f.firstIndex(of: "-"), dash >= 6, f.count >= dash + 4,
                  f[dash + 1] == "cgroup" else { continue }
            let mountPoint = String(f[4])
            for opt in f[dash + 3].split(separator: ",") {
                let c = String(opt)
                if v1Controllers.contains(c) && out[c] == nil { out[c] = mountPoint }
            }
        }
        return out
    }
}
