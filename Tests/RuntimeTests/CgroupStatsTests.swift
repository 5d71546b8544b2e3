import Glibc
@testable import Runtime
import WharfCore
import XCTest

final class CgroupStatsTests: XCTestCase {
    // MARK: - Parsers on literal file contents

    func testMemoryStatV1() {
        let text = """
            cache 9408512
            rss 4247552
            rss_huge 0
            mapped_file 7651328
            hierarchical_memory_limit 9223372036854771712
            total_cache 1155993600
            total_inactive_file 269262848

            """
        let kv = CgroupStats.parseKeyValues(text)
        XCTAssertEqual(kv.count, 7)
        XCTAssertEqual(kv["cache"], 9_408_512)
        XCTAssertEqual(kv["rss_huge"], 0)
        XCTAssertEqual(kv["hierarchical_memory_limit"], 9_223_372_036_854_771_712)
        XCTAssertEqual(kv["total_inactive_file"], 269_262_848)
    }

    func testMemoryStatV2AndCPUStat() {
        let mem = "anon 1572864\nfile 7626752\ninactive_file 2510848\nslab 1180928\npgfault 2042\n"
        XCTAssertEqual(CgroupStats.parseKeyValues(mem),
                       ["anon": 1_572_864, "file": 7_626_752, "inactive_file": 2_510_848, "slab": 1_180_928,
                        "pgfault": 2042])
        let cpu = """
            usage_usec 2911075038
            user_usec 2318858046
            system_usec 592216991
            nr_periods 10
            nr_throttled 3
            throttled_usec 1500
            """
        let kv = CgroupStats.parseKeyValues(cpu)
        XCTAssertEqual(kv["usage_usec"], 2_911_075_038)
        XCTAssertEqual(kv["throttled_usec"], 1500)
        // Malformed lines are skipped, not fatal.
        XCTAssertEqual(CgroupStats.parseKeyValues("a b c\nx notanumber\ny 5\n"), ["y": 5])
    }

    func testSingleValuesAndLimits() {
        XCTAssertEqual(CgroupStats.parseUInt("2957713259493\n"), 2_957_713_259_493)
        XCTAssertEqual(CgroupStats.parseUInt("  12 \n"), 12)
        XCTAssertNil(CgroupStats.parseUInt(""))
        XCTAssertNil(CgroupStats.parseUInt("max\n"))
        XCTAssertNil(CgroupStats.parseLimit("max\n"))
        XCTAssertEqual(CgroupStats.parseLimit("4096\n"), 4096)
        XCTAssertEqual(CgroupStats.parseUIntList("1389684324810 1568028934683 \n"), [1_389_684_324_810, 1_568_028_934_683])
    }

    func testBlkioV1() {
        let text = """
            8:0 Read 7593984
            8:0 Write 100
            8:0 Sync 7594084
            8:0 Async 0
            8:0 Discard 0
            8:0 Total 7594084
            253:1 Read 4096
            Total 7598180

            """
        let e = CgroupStats.parseBlkioV1(text)
        XCTAssertEqual(e.count, 7)
        XCTAssertEqual(e[0], .init(major: 8, minor: 0, op: "Read", value: 7_593_984))
        XCTAssertEqual(e[1], .init(major: 8, minor: 0, op: "Write", value: 100))
        XCTAssertEqual(e[6], .init(major: 253, minor: 1, op: "Read", value: 4096))
        XCTAssertEqual(CgroupStats.parseBlkioV1("Total 0\n"), [])
    }

    func testIOStatV2() {
        let text = """
            254:0 rbytes=7593984 wbytes=100 rios=120 wios=2 dbytes=0 dios=0
            8:16 rbytes=1 wbytes=2 rios=3 wios=4

            """
        XCTAssertEqual(CgroupStats.parseIOStat(text), [
            .init(major: 254, minor: 0, op: "read", value: 7_593_984),
            .init(major: 254, minor: 0, op: "write", value: 100),
            .init(major: 8, minor: 16, op: "read", value: 1),
            .init(major: 8, minor: 16, op: "write", value: 2),
        ])
        XCTAssertEqual(CgroupStats.parseIOStat(""), [])
    }

    func testProcStat() {
        let text = """
            cpu  231885 0 58488 853642 2469 0 733 205 0 0
            cpu0 108709 0 27677 436501 555 0 100 105 0 0
            cpu1 123176 0 30810 417140 1914 0 632 99 0 0
            intr 1 2 3
            """
        // user..softirq (7 fields; steal left out) = 1147217 jiffies at 100 Hz.
        XCTAssertEqual(CgroupStats.parseSystemCPUUsage(text, clockTicks: 100), 1_147_217 * 10_000_000)
        XCTAssertEqual(CgroupStats.parseSystemCPUUsage(text, clockTicks: 250), 1_147_217 * 4_000_000)
        XCTAssertNil(CgroupStats.parseSystemCPUUsage("cpu 1 2 3\n", clockTicks: 100))
        XCTAssertNil(CgroupStats.parseSystemCPUUsage("intr 1\n", clockTicks: 100))
        // Ticks whose product with 1e9 overflows 64 bits still convert.
        let big: UInt64 = 200_000_000_000
        XCTAssertEqual(CgroupStats.ticksToNanoseconds(big, clockTicks: 100), big / 100 * 1_000_000_000)
        XCTAssertEqual(CgroupStats.ticksToNanoseconds(3, clockTicks: 100), 30_000_000)
    }

    func testMemInfo() {
        let text = "MemTotal:       16342668 kB\nMemFree:         1234 kB\n"
        XCTAssertEqual(CgroupStats.parseMemTotal(text), 16_342_668 * 1024)
        XCTAssertNil(CgroupStats.parseMemTotal("MemFree: 1 kB\n"))
    }

    func testNetDev() {
        let text = """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:   29791     197    0    0    0     0          0         0    29791     197    0    0    0     0       0          0
              eth0: 79969693    1584    1    2    0     0          0         0    56951     756    3    4    0     0       0          0
            eth1:1234567890123 5 0 0 0 0 0 0 6 7 0 0 0 0 0 0

            """
        let n = CgroupStats.parseNetDev(text)
        XCTAssertEqual(Set(n.keys), ["lo", "eth0", "eth1"])
        XCTAssertEqual(n["eth0"], .init(rxBytes: 79_969_693, rxPackets: 1584, rxErrors: 1, rxDropped: 2,
                                        txBytes: 56951, txPackets: 756, txErrors: 3, txDropped: 4))
        XCTAssertEqual(n["eth1"]?.rxBytes, 1_234_567_890_123)
        XCTAssertEqual(n["eth1"]?.txPackets, 7)
    }

    func testMountInfo() {
        let text = """
            22 1 0:21 / /sys rw,nosuid shared:7 - sysfs sysfs rw
            25 22 0:24 / /sys/fs/cgroup ro,nosuid shared:9 - tmpfs tmpfs ro,mode=755
            26 25 0:25 / /sys/fs/cgroup/unified rw shared:10 - cgroup2 cgroup2 rw,nsdelegate
            27 25 0:26 / /sys/fs/cgroup/systemd rw shared:11 - cgroup cgroup rw,xattr,name=systemd
            30 25 0:29 / /sys/fs/cgroup/cpu,cpuacct rw shared:14 - cgroup cgroup rw,cpu,cpuacct
            31 25 0:30 / /sys/fs/cgroup/memory rw shared:15 - cgroup cgroup rw,memory
            32 25 0:31 / /sys/fs/cgroup/pids rw - cgroup cgroup rw,pids
            33 25 0:32 / /sys/fs/cgroup/blkio rw shared:17 - cgroup cgroup rw,blkio
            """
        XCTAssertEqual(CgroupStats.parseCgroupV1Mounts(text), [
            "cpu": "/sys/fs/cgroup/cpu,cpuacct", "cpuacct": "/sys/fs/cgroup/cpu,cpuacct",
            "memory": "/sys/fs/cgroup/memory", "pids": "/sys/fs/cgroup/pids", "blkio": "/sys/fs/cgroup/blkio",
        ])
    }

    // MARK: - Whole samples over fake trees

    func makeTree(_ files: [String: String]) throws -> String {
        var template = Array("/tmp/wharf-cgstats-XXXXXX".utf8CString)
        guard let p = mkdtemp(&template) else { throw WharfError.internalError("mkdtemp") }
        let root = String(cString: p)
        for (rel, text) in files {
            let path = root + "/" + rel
            try FS.mkdirAll(AtomicFile.parentDirectory(of: path))
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
            XCTAssertGreaterThanOrEqual(fd, 0)
            _ = Array(text.utf8).withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            close(fd)
        }
        return root
    }

    let procFiles = [
        "proc/stat": "cpu  100 0 100 800 0 0 0 5 0 0\ncpu0 100 0 100 800 0 0 0 5 0 0\n",
        "proc/meminfo": "MemTotal:        2048 kB\nMemFree: 1 kB\n",
        "proc/42/net/dev": """
            Inter-|   Receive                                                |  Transmit
             face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed
                lo:   10     1    0    0    0     0          0         0    10     1    0    0    0     0       0          0
              eth0: 500    5    0    0    0     0          0         0    600     6    0    0    0     0       0          0

            """,
    ]

    func testFakeV1Tree() throws {
        var files = procFiles
        files["cpuacct/c/cpuacct.usage"] = "5000000000\n"
        files["cpuacct/c/cpuacct.usage_percpu"] = "3000000000 2000000000 \n"
        files["cpuacct/c/cpuacct.stat"] = "user 300\nsystem 150\n"
        files["cpu/c/cpu.stat"] = "nr_periods 7\nnr_throttled 2\nthrottled_time 12345\n"
        files["memory/c/memory.usage_in_bytes"] = "1048576\n"
        files["memory/c/memory.max_usage_in_bytes"] = "2097152\n"
        files["memory/c/memory.failcnt"] = "1\n"
        files["memory/c/memory.limit_in_bytes"] = "9223372036854771712\n"
        files["memory/c/memory.stat"] = "cache 4096\nrss 8192\ntotal_inactive_file 4096\n"
        files["pids/c/pids.current"] = "3\n"
        files["pids/c/pids.max"] = "max\n"
        files["blkio/c/blkio.throttle.io_service_bytes_recursive"] = "8:0 Read 10\n8:0 Write 20\nTotal 30\n"
        files["blkio/c/blkio.throttle.io_serviced_recursive"] = "8:0 Read 1\n8:0 Write 2\nTotal 3\n"
        let root = try makeTree(files)
        defer { try? FS.removeAll(root) }

        let dirs = Dictionary(uniqueKeysWithValues: CgroupStats.v1Controllers.map { ($0, "\(root)/\($0)/c") })
        let s = try CgroupStats.sample(layout: .v1(dirs: dirs), pid: 42, procRoot: root + "/proc")
        let hz = UInt64(sysconf(Int32(_SC_CLK_TCK)))
        XCTAssertFalse(s.unified)
        XCTAssertGreaterThan(s.read, Timestamp(seconds: 1_600_000_000))
        XCTAssertEqual(s.cpuTotalUsage, 5_000_000_000)
        XCTAssertEqual(s.percpuUsage, [3_000_000_000, 2_000_000_000])
        XCTAssertEqual(s.cpuUsageInUsermode, 300 * 1_000_000_000 / hz)
        XCTAssertEqual(s.cpuUsageInKernelmode, 150 * 1_000_000_000 / hz)
        XCTAssertEqual(s.throttling, .init(periods: 7, throttledPeriods: 2, throttledTime: 12345))
        XCTAssertEqual(s.systemCPUUsage, 1000 * 1_000_000_000 / hz)
        XCTAssertGreaterThan(s.onlineCPUs, 0)
        XCTAssertEqual(s.memoryUsage, 1_048_576)
        XCTAssertEqual(s.memoryMaxUsage, 2_097_152)
        XCTAssertEqual(s.memoryFailcnt, 1)
        XCTAssertEqual(s.memoryLimit, 2048 * 1024, "no limit reads as the host's MemTotal")
        XCTAssertEqual(s.memoryStats, ["cache": 4096, "rss": 8192, "total_inactive_file": 4096])
        XCTAssertEqual(s.pidsCurrent, 3)
        XCTAssertNil(s.pidsLimit)
        XCTAssertEqual(s.blkio, [.init(major: 8, minor: 0, op: "Read", value: 10),
                                 .init(major: 8, minor: 0, op: "Write", value: 20)])
        XCTAssertEqual(s.blkioServiced, [.init(major: 8, minor: 0, op: "Read", value: 1),
                                         .init(major: 8, minor: 0, op: "Write", value: 2)])
        XCTAssertEqual(s.networks, ["eth0": .init(rxBytes: 500, rxPackets: 5, txBytes: 600, txPackets: 6)])
    }

    func testFakeV1PartialControllers() throws {
        // Only memory exists (a real limit below MemTotal); everything else reads as 0/nil.
        var files = procFiles
        files["memory/c/memory.usage_in_bytes"] = "4096\n"
        files["memory/c/memory.limit_in_bytes"] = "1048576\n"
        let root = try makeTree(files)
        defer { try? FS.removeAll(root) }
        let dirs = Dictionary(uniqueKeysWithValues: CgroupStats.v1Controllers.map { ($0, "\(root)/\($0)/c") })
        let s = try CgroupStats.sample(layout: .v1(dirs: dirs), pid: 999_999, procRoot: root + "/proc")
        XCTAssertEqual(s.memoryUsage, 4096)
        XCTAssertEqual(s.memoryLimit, 1_048_576)
        XCTAssertNil(s.memoryMaxUsage)
        XCTAssertEqual(s.memoryStats, [:])
        XCTAssertEqual(s.cpuTotalUsage, 0)
        XCTAssertNil(s.percpuUsage)
        XCTAssertEqual(s.pidsCurrent, 0)
        XCTAssertNil(s.pidsLimit)
        XCTAssertEqual(s.blkio, [])
        XCTAssertNil(s.blkioServiced)
        XCTAssertEqual(s.networks, [:], "a pid that is gone has no counters")
    }

    func testFakeV2Tree() throws {
        var files = procFiles
        files["cg/cpu.stat"] = """
            usage_usec 2500
            user_usec 2000
            system_usec 500
            nr_periods 4
            nr_throttled 1
            throttled_usec 30

            """
        files["cg/memory.current"] = "65536\n"
        files["cg/memory.max"] = "max\n"
        files["cg/memory.stat"] = "anon 4096\nfile 8192\ninactive_file 4096\n"
        files["cg/pids.current"] = "2\n"
        files["cg/pids.max"] = "100\n"
        files["cg/io.stat"] = "254:0 rbytes=7593984 wbytes=100 rios=120 wios=2 dbytes=0 dios=0\n"
        let root = try makeTree(files)
        defer { try? FS.removeAll(root) }

        var s = try CgroupStats.sample(layout: .v2(dir: root + "/cg"), pid: 42, procRoot: root + "/proc")
        XCTAssertTrue(s.unified)
        XCTAssertEqual(s.cpuTotalUsage, 2_500_000)
        XCTAssertEqual(s.cpuUsageInUsermode, 2_000_000)
        XCTAssertEqual(s.cpuUsageInKernelmode, 500_000)
        XCTAssertNil(s.percpuUsage)
        XCTAssertEqual(s.throttling, .init(periods: 4, throttledPeriods: 1, throttledTime: 30_000))
        XCTAssertEqual(s.memoryUsage, 65536)
        XCTAssertEqual(s.memoryLimit, 2048 * 1024, "\"max\" reads as the host's MemTotal")
        XCTAssertNil(s.memoryMaxUsage)
        XCTAssertNil(s.memoryFailcnt)
        XCTAssertEqual(s.memoryStats["inactive_file"], 4096)
        XCTAssertEqual(s.pidsCurrent, 2)
        XCTAssertEqual(s.pidsLimit, 100)
        XCTAssertEqual(s.blkio, [.init(major: 254, minor: 0, op: "read", value: 7_593_984),
                                 .init(major: 254, minor: 0, op: "write", value: 100)])
        XCTAssertNil(s.blkioServiced)
        XCTAssertEqual(Array(s.networks.keys), ["eth0"])

        // A limit below MemTotal is kept.
        let limited = try makeTree(["cg/memory.max": "1048576\n"])
        defer { try? FS.removeAll(limited) }
        s = try CgroupStats.sample(layout: .v2(dir: limited + "/cg"), pid: 0, procRoot: root + "/proc")
        XCTAssertEqual(s.memoryLimit, 1_048_576)
        XCTAssertEqual(s.cpuTotalUsage, 0)
    }

    func testMissingCgroupIsNotFound() throws {
        let root = try makeTree(procFiles)
        defer { try? FS.removeAll(root) }
        let dirs = Dictionary(uniqueKeysWithValues: CgroupStats.v1Controllers.map { ($0, "\(root)/\($0)/none") })
        XCTAssertThrowsError(try CgroupStats.sample(layout: .v1(dirs: dirs), pid: 0, procRoot: root + "/proc")) {
            XCTAssertEqual(($0 as? WharfError)?.code, .notFound)
        }
        XCTAssertThrowsError(try CgroupStats.sample(layout: .v2(dir: root + "/none"), pid: 0, procRoot: root + "/proc")) {
            XCTAssertEqual(($0 as? WharfError)?.code, .notFound)
        }
        XCTAssertThrowsError(try CgroupStats.sample(cgroupsPath: "/wharf-stats-absent-\(getpid())/x", pid: getpid())) {
            XCTAssertEqual(($0 as? WharfError)?.code, .notFound)
        }
    }

    // MARK: - A real cgroup (root only)

    func writeFile(_ path: String, _ text: String) -> Bool {
        let fd = open(path, O_WRONLY | O_CLOEXEC)
        if fd < 0 { return false }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count
    }

    func testRealCgroup() throws {
        try XCTSkipUnless(getuid() == 0, "needs root to create cgroups")
        let name = "/wharf-stats-test-\(getpid())"
        var dirs: [String] = []        // created, removed at the end (deepest first)
        var procsFiles: [String] = []  // where the child moves itself
        if CgroupMode.isUnified {
            dirs = ["/sys/fs/cgroup" + name]
        } else {
            let mounts = CgroupStats.v1Mounts()
            // cpuacct first so the child's own CPU time is charged; a combined mount once.
            var seen = Set<String>()
            for c in ["cpuacct", "cpu", "memory", "pids", "blkio"] {
                if let m = mounts[c], seen.insert(m).inserted { dirs.append(m + name) }
            }
        }
        try XCTSkipIf(dirs.isEmpty, "no cgroup hierarchy mounted")

        var child: pid_t = 0
        defer {
            if child > 0 {
                kill(child, SIGKILL)
                _ = Spawn.wait(child)
            }
            for d in dirs.reversed() {
                for _ in 0..<50 {
                    if rmdir(d) == 0 || errno == ENOENT { break }
                    usleep(20_000)
                }
            }
        }
        for d in dirs {
            if mkdir(d, 0o755) != 0 && errno != EEXIST {
                throw WharfError.internalError(errnoMessage("mkdir", d, errno))
            }
            procsFiles.append(d + "/cgroup.procs")
        }
        // Limits to read back.
        let limitMem: UInt64 = 256 << 20
        if CgroupMode.isUnified {
            _ = writeFile(dirs[0] + "/memory.max", "\(limitMem)")
            _ = writeFile(dirs[0] + "/pids.max", "100")
        } else {
            for d in dirs where d.contains("/memory/") { _ = writeFile(d + "/memory.limit_in_bytes", "\(limitMem)") }
            for d in dirs where d.contains("/pids/") { _ = writeFile(d + "/pids.max", "100") }
        }

        // The child moves itself in, then execs sleep: its new memory is charged to the cgroup.
        child = try Spawn.spawn("/bin/sh", ["sh", "-c",
                                            "for f in \"$@\"; do echo $$ > \"$f\" || exit 3; done; exec sleep 30",
                                            "sh"] + procsFiles)
        var ready = false
        for _ in 0..<250 {
            let comm = (try? FS.readString("/proc/\(child)/comm")) ?? ""
            if comm.hasPrefix("sleep") { ready = true; break }
            usleep(20_000)
        }
        XCTAssertTrue(ready, "the child never reached sleep inside the cgroup")

        let s = try CgroupStats.sample(cgroupsPath: name, pid: child)
        XCTAssertEqual(s.unified, CgroupMode.isUnified)
        XCTAssertGreaterThanOrEqual(s.pidsCurrent, 1)
        XCTAssertEqual(s.pidsLimit, 100)
        XCTAssertGreaterThan(s.memoryUsage, 0)
        XCTAssertEqual(s.memoryLimit, limitMem)
        XCTAssertFalse(s.memoryStats.isEmpty)
        XCTAssertGreaterThan(s.cpuTotalUsage, 0)
        XCTAssertGreaterThan(s.systemCPUUsage, 0)
        XCTAssertGreaterThan(s.onlineCPUs, 0)
        XCTAssertNil(s.networks["lo"])
        if s.unified {
            XCTAssertNil(s.percpuUsage)
            XCTAssertNil(s.memoryMaxUsage)
        } else {
            XCTAssertEqual(s.percpuUsage?.isEmpty, false)
            XCTAssertGreaterThanOrEqual(s.memoryMaxUsage ?? 0, s.memoryUsage)
            XCTAssertNotNil(s.memoryFailcnt)
            XCTAssertNotNil(s.blkioServiced)
        }

        // A second sample after the child is gone still works (counters stay, pids drop).
        kill(child, SIGKILL)
        _ = Spawn.wait(child)
        child = 0
        let after = try CgroupStats.sample(cgroupsPath: name, pid: 0)
        XCTAssertEqual(after.pidsCurrent, 0)
        XCTAssertEqual(after.networks, [:])
        XCTAssertGreaterThanOrEqual(after.cpuTotalUsage, s.cpuTotalUsage)
    }
}
