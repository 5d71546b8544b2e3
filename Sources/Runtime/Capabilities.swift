import WharfCore

/// Linux capabilities by Docker's rules (moby `oci/caps`): the default set, `--cap-add`,
/// `--cap-drop`, `ALL`, and privileged containers.
public enum Capabilities {
    /// Docker's default set, in Docker's order (the order shows in `docker inspect`-ed specs).
    public static let dockerDefault: [String] = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW",
        "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
        "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
    ]

    /// Every capability runc 1.1 knows, by number (0…40).
    public static let all: [String] = [
        "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
        "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
        "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
        "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
        "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
        "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
        "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
        "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
        "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
    ]

    /// `net_admin`, `NET_ADMIN`, `CAP_NET_ADMIN` → `CAP_NET_ADMIN`; `all` → `ALL`.
    /// Unknown names are refused with Docker's message.
    public static func normalize(_ names: [String]) throws -> [String] {
        var out: [String] = []
        for raw in names {
            var n = raw.uppercased()
            if n == "ALL" {
                if !out.contains(n) { out.append(n) }
                continue
            }
            if !n.hasPrefix("CAP_") { n = "CAP_" + n }
            guard all.contains(n) else {
                throw WharfError.invalid("unknown capability: \"\(n)\"")
            }
            if !out.contains(n) { out.append(n) }
        }
        return out
    }

    /// What "all" can mean here: the capabilities in this process's own bounding set. A
    /// sandboxed host may lack some (this one has no CAP_SYS_RESOURCE), and asking runc for
    /// one the daemon does not hold fails the whole start. Docker asks the kernel the same way.
    public static let available: [String] = {
        guard let status = try? FS.readString("/proc/self/status"),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapBnd:") }),
              let mask = UInt64(line.split(separator: "\t").last ?? "", radix: 16) else { return all }
        return all.enumerated().filter { mask & (1 << UInt64($0.offset)) != 0 }.map(\.element)
    }()

    /// The container's capability set (moby `caps.TweakCapabilities`).
    public static func effective(add: [String], drop: [String], privileged: Bool) throws -> [String] {
        if privileged { return available }
        if add.isEmpty && drop.isEmpty { return dockerDefault }
        let adds = try normalize(add)
        let drops = try normalize(drop)
        if adds.contains("ALL") {
            return available.filter { !drops.contains($0) }
        }
        if drops.contains("ALL") {
            return adds
        }
        var caps = dockerDefault.filter { !drops.contains($0) }
        for c in adds where !caps.contains(c) { caps.append(c) }
        return caps
    }
}
