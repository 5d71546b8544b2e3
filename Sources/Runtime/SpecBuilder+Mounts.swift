import OCI

extension SpecBuilder {
    /// Docker's default mounts, then the caller's binds; a bind whose destination is one of
    /// the defaults replaces it (as `-v /x:/dev/shm` does in Docker).
    static func mounts(_ c: ContainerRuntimeConfig) -> [RuntimeSpecMount] {
        var m: [RuntimeSpecMount] = [
            .init(destination: "/proc", type: "proc", source: "proc",
                  options: ["nosuid", "noexec", "nodev"]),
            .init(destination: "/dev", type: "tmpfs", source: "tmpfs",
                  options: ["nosuid", "strictatime", "mode=755", "size=65536k"]),
            .init(destination: "/dev/pts", type: "devpts", source: "devpts",
                  options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"]),
            .init(destination: "/sys", type: "sysfs", source: "sysfs",
                  options: ["nosuid", "noexec", "nodev", "ro"]),
            .init(destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
                  options: ["ro", "nosuid", "noexec", "nodev"]),
            .init(destination: "/dev/mqueue", type: "mqueue", source: "mqueue",
                  options: ["nosuid", "noexec", "nodev"]),
            .init(destination: "/dev/shm", type: "tmpfs", source: "shm",
                  options: ["nosuid", "noexec", "nodev", "mode=1777", "size=\(c.shmSize)"]),
        ]
        if c.privileged {
            // Privileged containers get a writable /sys and cgroup tree, as in Docker.
            for i in m.indices where m[i].destination == "/sys" || m[i].destination == "/sys/fs/cgroup" {
                m[i].options = m[i].options?.filter { $0 != "ro" }
            }
        }
        let userDestinations = Set(c.bindMounts.map { normalized($0.destination) } + c.tmpfsMounts.map { normalized($0.destination) })
        m.removeAll { userDestinations.contains($0.destination) }
        var user: [RuntimeSpecMount] = []
        for b in c.bindMounts {
            var opts = ["rbind"]
            if b.readonly { opts.append("ro") }
            opts.append(b.propagation.isEmpty ? "rprivate" : b.propagation)
            user.append(.init(destination: normalized(b.destination), type: "bind", source: b.source, options: opts))
        }
        for t in c.tmpfsMounts {
            user.append(.init(destination: normalized(t.destination), type: "tmpfs", source: "tmpfs",
                              options: ["noexec", "nosuid", "nodev", "rprivate"] + t.options))
        }
        // Parents before children (moby sorts by the number of path components), so a bind
        // at /a/b lands inside one at /a rather than under it.
        user.sort { depth($0.destination) < depth($1.destination) }
        return m + user
    }

    static func normalized(_ p: String) -> String {
        var s = p
        while s.count > 1 && s.hasSuffix("/") { s.removeLast() }
        return s
    }

    static func depth(_ p: String) -> Int {
        p.split(separator: "/").count
    }
}
