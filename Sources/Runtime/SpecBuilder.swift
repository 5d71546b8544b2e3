import FoundationEssentials
import Glibc
import OCI
import WharfCore

/// ContainerRuntimeConfig → OCI RuntimeSpec, matching what Docker's daemon generates
/// (moby `oci.DefaultLinuxSpec` + `daemon.createSpec`) so containers behave the same.
public enum SpecBuilder {
    public static func build(_ c: ContainerRuntimeConfig) throws -> RuntimeSpec {
        let caps = try Capabilities.effective(add: c.capAdd, drop: c.capDrop, privileged: c.privileged)

        var process = RuntimeSpecProcess(
            terminal: c.tty,
            consoleSize: c.tty ? c.consoleSize.map { RuntimeSpecBox(height: UInt($0.rows), width: UInt($0.cols)) } : nil,
            user: RuntimeSpecUser(uid: c.uid, gid: c.gid,
                                  additionalGids: c.additionalGids.isEmpty ? nil : c.additionalGids),
            args: c.args, env: c.env, cwd: c.cwd.isEmpty ? "/" : c.cwd,
            capabilities: RuntimeSpecCapabilities(bounding: caps, effective: caps, permitted: caps),
            rlimits: c.rlimits.isEmpty ? nil : c.rlimits,
            noNewPrivileges: c.noNewPrivileges ? true : nil,
            oomScoreAdj: 0)
        if c.args.isEmpty {
            throw WharfError.invalid("no command specified")
        }
        process.env = c.env

        var linux = RuntimeSpecLinux()
        linux.namespaces = namespaces(c)
        linux.cgroupsPath = c.cgroupsPath ?? "/wharf/\(c.id)"
        linux.resources = resources(c)
        if !c.privileged {
            linux.maskedPaths = maskedPaths
            linux.readonlyPaths = readonlyPaths
        }
        linux.seccomp = try seccomp(c, caps: caps)
        let nodes = c.privileged ? HostDevices.all() : c.devices.map(\.device)
        linux.devices = nodes.isEmpty ? nil : nodes
        var sysctl = c.sysctls
        if c.network != .host {
            // Docker ≥ 20.10 lets unprivileged users bind low ports and ping in a private netns.
            if sysctl["net.ipv4.ip_unprivileged_port_start"] == nil {
                sysctl["net.ipv4.ip_unprivileged_port_start"] = "0"
            }
            if sysctl["net.ipv4.ping_group_range"] == nil {
                sysctl["net.ipv4.ping_group_range"] = "0 2147483647"
            }
        }
        linux.sysctl = sysctl.isEmpty ? nil : sysctl

        return RuntimeSpec(
            ociVersion: "1.0.2-dev",
            process: process,
            root: RuntimeSpecRoot(path: c.rootfs, readonly: c.readonlyRootfs),
            hostname: c.hostname.isEmpty ? nil : c.hostname,
            mounts: mounts(c),
            linux: linux)
    }

    /// Docker's namespace order: mount, network, uts, pid, ipc (+ cgroup when private).
    static func namespaces(_ c: ContainerRuntimeConfig) -> [RuntimeSpecNamespace] {
        var ns = [RuntimeSpecNamespace(type: "mount")]
        switch c.network {
        case .none: ns.append(.init(type: "network"))
        case .host: break
        case .path(let p): ns.append(.init(type: "network", path: p))
        }
        ns.append(.init(type: "uts"))
        ns.append(.init(type: "pid"))
        ns.append(.init(type: "ipc"))
        if c.privateCgroupNamespace ?? CgroupMode.isUnified {
            ns.append(.init(type: "cgroup"))
        }
        return ns
    }

    static func resources(_ c: ContainerRuntimeConfig) -> RuntimeSpecResources {
        var r = c.resources ?? RuntimeSpecResources()
        var devices: [RuntimeSpecDeviceCgroup]
        if c.privileged {
            devices = [.init(allow: true, access: "rwm")]
        } else {
            // moby oci.DefaultLinuxSpec; runc appends its own default allow list after these.
            devices = [
                .init(allow: false, access: "rwm"),
                .init(allow: true, type: "c", major: 1, minor: 5, access: "rwm"),
                .init(allow: true, type: "c", major: 1, minor: 3, access: "rwm"),
                .init(allow: true, type: "c", major: 1, minor: 9, access: "rwm"),
                .init(allow: true, type: "c", major: 1, minor: 8, access: "rwm"),
                .init(allow: true, type: "c", major: 5, minor: 0, access: "rwm"),
                .init(allow: true, type: "c", major: 5, minor: 1, access: "rwm"),
                .init(allow: false, type: "c", major: 10, minor: 229, access: "rwm"),
            ]
        }
        if !c.privileged {
            devices += c.devices.map(\.rule)
            devices += c.deviceRules
        }
        devices.append(contentsOf: r.devices ?? [])
        r.devices = devices
        return r
    }

    public static let maskedPaths = [
        "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys",
        "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
        "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap",
    ]

    public static let readonlyPaths = [
        "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
    ]

    static func seccomp(_ c: ContainerRuntimeConfig, caps: [String]) throws -> RuntimeSpecSeccomp? {
        if c.privileged { return nil }
        switch c.seccomp {
        case .unconfined: return nil
        case .default: return try SeccompProfile.dockerDefault.ociSeccomp(caps: caps)
        case .custom(let bytes): return try SeccompProfile.parse(bytes).ociSeccomp(caps: caps)
        }
    }

    /// The spec as runc reads it. Keys are sorted so identical configs give identical files.
    public static func encode(_ spec: RuntimeSpec) throws -> [UInt8] {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array(try enc.encode(spec))
    }

    /// Writes `<bundle>/config.json` atomically, creating the bundle directory.
    public static func writeBundle(_ spec: RuntimeSpec, to bundle: String) throws {
        try FS.mkdirAll(bundle, mode: 0o711)
        try AtomicFile.write(try encode(spec), to: bundle + "/config.json", mode: 0o600)
    }
}

/// cgroup v1 (or hybrid) vs. the unified v2 hierarchy.
public enum CgroupMode {
    public static let isUnified: Bool = {
        var st = stat()
        return stat("/sys/fs/cgroup/cgroup.controllers", &st) == 0
    }()
}
