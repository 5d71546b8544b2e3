import OCI
import Runtime
import XCTest

final class SpecBuilderTests: XCTestCase {
    func config(_ edit: (inout ContainerRuntimeConfig) -> Void = { _ in }) -> ContainerRuntimeConfig {
        var c = ContainerRuntimeConfig(id: "abc", rootfs: "/r", args: ["sh"], env: ["PATH=/bin"],
                                       hostname: "h", privateCgroupNamespace: false)
        edit(&c)
        return c
    }

    func testDefaults() throws {
        let s = try SpecBuilder.build(config())
        XCTAssertEqual(s.ociVersion, "1.0.2-dev")
        XCTAssertEqual(s.hostname, "h")
        XCTAssertEqual(s.root, RuntimeSpecRoot(path: "/r", readonly: false))
        XCTAssertEqual(s.process?.args, ["sh"])
        XCTAssertEqual(s.process?.cwd, "/")
        XCTAssertEqual(s.process?.terminal, false)
        XCTAssertNil(s.process?.rlimits)
        XCTAssertEqual(s.linux?.namespaces?.map(\.type), ["mount", "network", "uts", "pid", "ipc"])
        XCTAssertEqual(s.linux?.cgroupsPath, "/wharf/abc")
        XCTAssertEqual(s.process?.capabilities?.bounding, Capabilities.dockerDefault)
        XCTAssertEqual(s.process?.capabilities?.effective, Capabilities.dockerDefault)
        XCTAssertNil(s.process?.capabilities?.inheritable)
        XCTAssertEqual(s.linux?.maskedPaths?.first, "/proc/asound")
        XCTAssertTrue(s.linux?.maskedPaths?.contains("/proc/kcore") ?? false)
        XCTAssertEqual(s.linux?.readonlyPaths, ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"])
        XCTAssertEqual(s.linux?.resources?.devices?.first, RuntimeSpecDeviceCgroup(allow: false, access: "rwm"))
        XCTAssertEqual(s.linux?.sysctl?["net.ipv4.ping_group_range"], "0 2147483647")
        XCTAssertEqual(s.mounts?.map(\.destination),
                       ["/proc", "/dev", "/dev/pts", "/sys", "/sys/fs/cgroup", "/dev/mqueue", "/dev/shm"])
        let shm = s.mounts?.first { $0.destination == "/dev/shm" }
        XCTAssertEqual(shm?.options, ["nosuid", "noexec", "nodev", "mode=1777", "size=67108864"])
    }

    func testHostNetworkAndBinds() throws {
        let s = try SpecBuilder.build(config {
            $0.network = .host
            $0.bindMounts = [.init(source: "/c/hosts", destination: "/etc/hosts"),
                             .init(source: "/v", destination: "/data/", readonly: true),
                             .init(source: "/v2", destination: "/data/sub")]
            $0.readonlyRootfs = true
        })
        XCTAssertEqual(s.linux?.namespaces?.map(\.type), ["mount", "uts", "pid", "ipc"])
        XCTAssertNil(s.linux?.sysctl)
        XCTAssertEqual(s.root?.readonly, true)
        let binds = s.mounts?.filter { $0.type == "bind" } ?? []
        XCTAssertEqual(binds.map(\.destination), ["/data", "/etc/hosts", "/data/sub"])
        XCTAssertEqual(binds[0].options, ["rbind", "ro", "rprivate"])
        XCTAssertEqual(binds[1].options, ["rbind", "rprivate"])
    }

    func testNetnsPath() throws {
        let s = try SpecBuilder.build(config { $0.network = .path("/run/wharf/netns/x") })
        XCTAssertEqual(s.linux?.namespaces?[1], RuntimeSpecNamespace(type: "network", path: "/run/wharf/netns/x"))
    }

    func testCapabilities() throws {
        XCTAssertEqual(try Capabilities.effective(add: ["net_admin"], drop: ["MKNOD", "cap_chown"], privileged: false),
                       Capabilities.dockerDefault.filter { $0 != "CAP_MKNOD" && $0 != "CAP_CHOWN" } + ["CAP_NET_ADMIN"])
        XCTAssertEqual(try Capabilities.effective(add: ["CHOWN"], drop: ["ALL"], privileged: false), ["CAP_CHOWN"])
        // "All" is what this process may grant: its bounding set.
        XCTAssertEqual(try Capabilities.effective(add: ["ALL"], drop: ["SYS_ADMIN"], privileged: false).count,
                       Capabilities.available.count - 1)
        XCTAssertEqual(try Capabilities.effective(add: [], drop: [], privileged: true), Capabilities.available)
        XCTAssertTrue(Set(Capabilities.available).isSubset(of: Set(Capabilities.all)))
        XCTAssertThrowsError(try Capabilities.effective(add: ["BOGUS"], drop: [], privileged: false)) {
            XCTAssertEqual("\($0)", "unknown capability: \"CAP_BOGUS\"")
        }
    }

    func testSeccompDefaultFiltering() throws {
        let s = try SpecBuilder.build(config())
        let sc = try XCTUnwrap(s.linux?.seccomp)
        XCTAssertEqual(sc.defaultAction, "SCMP_ACT_ERRNO")
        XCTAssertEqual(sc.defaultErrnoRet, 1)
        #if arch(x86_64)
        XCTAssertEqual(sc.architectures, ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"])
        #endif
        let allowed = Set(sc.syscalls?.filter { $0.action == "SCMP_ACT_ALLOW" && $0.args == nil }.flatMap(\.names) ?? [])
        XCTAssertTrue(allowed.contains("read"))
        XCTAssertTrue(allowed.contains("chroot"))  // CAP_SYS_CHROOT is a default capability
        XCTAssertFalse(allowed.contains("mount"))  // needs CAP_SYS_ADMIN
        XCTAssertFalse(allowed.contains("kexec_load"))
        XCTAssertFalse(allowed.contains("reboot"))  // CAP_SYS_BOOT
        XCTAssertFalse(allowed.contains("s390_pci_mmio_read"))  // another arch
        // clone is allowed only without namespace flags when CAP_SYS_ADMIN is missing.
        let clone = sc.syscalls?.first { $0.names.contains("clone") }
        XCTAssertEqual(clone?.args?.first?.op, "SCMP_CMP_MASKED_EQ")
        XCTAssertEqual(clone?.args?.first?.value, 2_114_060_288)
        // clone3 answers ENOSYS so that libc falls back to clone.
        let clone3 = sc.syscalls?.first { $0.names.contains("clone3") }
        XCTAssertEqual(clone3?.action, "SCMP_ACT_ERRNO")
        XCTAssertEqual(clone3?.errnoRet, 38)

        let admin = try XCTUnwrap(try SpecBuilder.build(config { $0.capAdd = ["SYS_ADMIN", "SYS_PTRACE"] }).linux?.seccomp)
        let adminAllowed = Set(admin.syscalls?.filter { $0.action == "SCMP_ACT_ALLOW" && $0.args == nil }.flatMap(\.names) ?? [])
        XCTAssertTrue(adminAllowed.contains("mount"))
        XCTAssertTrue(adminAllowed.contains("ptrace"))
        XCTAssertTrue(adminAllowed.contains("clone"))
        XCTAssertFalse(admin.syscalls?.contains { $0.names.contains("clone3") && $0.action == "SCMP_ACT_ERRNO" } ?? true)
    }

    func testSeccompUnconfinedAndPrivileged() throws {
        XCTAssertNil(try SpecBuilder.build(config { $0.seccomp = .unconfined }).linux?.seccomp)
        let p = try SpecBuilder.build(config { $0.privileged = true })
        XCTAssertNil(p.linux?.seccomp)
        XCTAssertNil(p.linux?.maskedPaths)
        XCTAssertEqual(p.linux?.resources?.devices, [RuntimeSpecDeviceCgroup(allow: true, access: "rwm")])
        XCTAssertEqual(p.mounts?.first { $0.destination == "/sys" }?.options, ["nosuid", "noexec", "nodev"])
    }

    func testCustomSeccomp() throws {
        let profile = #"{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["chmod"],"action":"SCMP_ACT_ERRNO"}]}"#
        let s = try SpecBuilder.build(config { $0.seccomp = .custom(Array(profile.utf8)) })
        XCTAssertEqual(s.linux?.seccomp?.defaultAction, "SCMP_ACT_ALLOW")
        XCTAssertEqual(s.linux?.seccomp?.syscalls, [RuntimeSpecSyscall(names: ["chmod"], action: "SCMP_ACT_ERRNO")])
    }

    func testJSONOmitsNils() throws {
        let json = String(decoding: try SpecBuilder.encode(try SpecBuilder.build(config { $0.seccomp = .unconfined })),
                          as: UTF8.self)
        XCTAssertFalse(json.contains("null"), json)
        XCTAssertFalse(json.contains("seccomp"))
        XCTAssertTrue(json.contains(#""cgroupsPath":"/wharf/abc""#))
        XCTAssertTrue(json.contains(#""ociVersion":"1.0.2-dev""#))
    }

    func testTTYConsoleSize() throws {
        let s = try SpecBuilder.build(config { $0.tty = true; $0.consoleSize = .init(rows: 30, cols: 100) })
        XCTAssertEqual(s.process?.terminal, true)
        XCTAssertEqual(s.process?.consoleSize, RuntimeSpecBox(height: 30, width: 100))
    }
}
