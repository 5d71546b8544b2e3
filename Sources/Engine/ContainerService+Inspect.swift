import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

extension ContainerService {
    public func inspect(_ ref: String, size: Bool) async throws -> ContainerInspect {
        let c = try lookup(ref)
        let s = c.state
        let (removing, starting, restarting) = c.live.withLock { ($0.removing, $0.starting, $0.restarting) }
        let status = statusString(s, removing: removing, starting: starting, restarting: restarting)
        let st = ContainerState(
            Status: status, Running: s.status == .running, Paused: s.paused == true, Restarting: restarting,
            OOMKilled: s.oomKilled, Dead: s.status == .dead, Pid: Int(s.pid), ExitCode: Int(s.exitCode),
            Error: s.error, StartedAt: s.startedAt.rfc3339Nano, FinishedAt: s.finishedAt.rfc3339Nano)
        var stWithHealth = st
        stWithHealth.Health = Self.healthSettings(c.record.config.Healthcheck) == nil ? nil : s.health
        var net = NetworkSettings()
        let mode = c.hostConfig.NetworkMode ?? "default"
        let netName = (mode == "default") ? "bridge" : mode
        var ep = EndpointSettings()
        ep.NetworkID = ""
        ep.EndpointID = ""
        ep.Gateway = ""
        ep.IPAddress = ""
        ep.IPPrefixLen = 0
        ep.MacAddress = ""
        net.Networks = [netName: ep]
        net.SandboxKey = mode == "host" ? "" : (s.pid > 0 ? "/proc/\(s.pid)/ns/net" : "")
        var out = ContainerInspect(
            Id: c.id, Created: c.record.created.rfc3339Nano, Path: c.record.path, Args: c.record.args, State: stWithHealth,
            Image: c.record.imageID,
            ResolvConfPath: c.dir + "/resolv.conf", HostnamePath: c.dir + "/hostname", HostsPath: c.dir + "/hosts",
            LogPath: c.hostConfig.LogConfig?.`Type` == "none" ? "" : c.logPath, Name: "/" + c.name,
            RestartCount: s.restartCount, HostConfig: c.hostConfig,
            GraphDriver: GraphDriverData(Name: "overlay2", Data: [
                "LowerDir": "", "MergedDir": c.rootfs, "UpperDir": c.dir + "/rw/upper", "WorkDir": c.dir + "/rw/work",
            ]),
            Config: c.record.config, NetworkSettings: net)
        out.Mounts = mountPoints(c)
        let execIDs = runningExecIDs(of: c)
        out.ExecIDs = execIDs.isEmpty ? nil : execIDs
        if let ld = try? await blocking({ [images] () -> String in
            let img = try images.resolve(c.record.imageID)
            return images.layerDiffPaths(for: img).joined(separator: ":")
        }) {
            out.GraphDriver.Data?["LowerDir"] = ld
        }
        if size {
            out.SizeRw = await (try? blocking { DiskUsage.bytes(c.dir + "/rw/upper") }) ?? 0
            out.SizeRootFs = out.SizeRw
        }
        return out
    }

    func statusString(_ s: ContainerStateRecord, removing: Bool, starting: Bool, restarting: Bool = false) -> String {
        if removing { return "removing" }
        if restarting { return "restarting" }
        switch s.status {
        case .created: return "created"
        case .running: return s.paused == true ? "paused" : "running"
        case .exited: return "exited"
        case .dead: return "dead"
        }
    }

    public func hasTTY(_ ref: String) async throws -> Bool {
        try lookup(ref).tty
    }
}

enum DiskUsage {
    /// Bytes used by the files under `path` (st_blocks, not following links, one file system).
    static func bytes(_ path: String) -> Int64 {
        var st = stat()
        guard lstat(path, &st) == 0 else { return 0 }
        var total: Int64 = (st.st_mode & S_IFMT) == S_IFDIR ? 0 : Int64(st.st_size)
        if (st.st_mode & S_IFMT) == S_IFDIR {
            for name in FS.listDirectory(path) {
                total += bytes(path + "/" + name)
            }
        }
        return total
    }
}
