import ImageStore
import Registry
import Runtime
import Synchronization
import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// `/version` and `/info`: facts about this host and daemon, gathered once where they
/// cannot change while the daemon runs.
public final class SystemService: SystemBackend {
    let config: EngineConfig
    let containers: ContainerService
    let images: ImageStore
    let engineID: String
    let kernel: String
    let osName: String
    let osVersion: String
    let ncpu: Int
    let memTotal: Int64
    let cgroupVersion: String

    let events: EventBus
    let volumes: VolumeService

    init(config: EngineConfig, containers: ContainerService, images: ImageStore, volumes: VolumeService, events: EventBus) {
        self.config = config
        self.volumes = volumes
        self.events = events
        self.containers = containers
        self.images = images
        var u = utsname()
        uname(&u)
        kernel = withUnsafePointer(to: &u.release) { $0.withMemoryRebound(to: CChar.self, capacity: 65) { String(cString: $0) } }
        let osRelease = (try? FS.readString("/etc/os-release")) ?? ""
        func field(_ k: String) -> String {
            for line in osRelease.split(separator: "\n") where line.hasPrefix(k + "=") {
                return String(line.dropFirst(k.count + 1).filter { $0 != "\"" })
            }
            return ""
        }
        osName = field("PRETTY_NAME").isEmpty ? "Linux" : field("PRETTY_NAME")
        osVersion = field("VERSION_ID")
        ncpu = Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        var mem: Int64 = 0
        if let mi = try? FS.readString("/proc/meminfo"), let line = mi.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }) {
            mem = (Int64(line.split(separator: " ").dropFirst().first ?? "0") ?? 0) * 1024
        }
        memTotal = mem
        cgroupVersion = FS.exists("/sys/fs/cgroup/cgroup.controllers") ? "2" : "1"
        let idPath = config.dataRoot + "/engine-id"
        if let id = try? String(FS.readString(idPath).filter { !$0.isWhitespace }), !id.isEmpty {
            engineID = id
        } else {
            let id = UUIDString.random()
            try? AtomicFile.write(id + "\n", to: idPath)
            engineID = id
        }
    }

    public var temporaryDirectory: String { config.tmpDir }

    public func login(_ req: AuthRequest) async throws -> AuthResponse {
        let host = RegistryCredentials.host(ofServerAddress: req.serveraddress ?? "")
        let creds = RegistryCredentials(username: req.username, password: req.password,
                                        identitytoken: req.identitytoken, registrytoken: req.registrytoken)
        let client = RegistryClient(http: RegistryClient.sharedHTTP, host: host, repository: "",
                                    credentials: creds, insecure: config.insecureRegistries.contains(host))
        try await client.checkLogin()
        return AuthResponse(Status: "Login Succeeded", IdentityToken: "")
    }

    public func diskUsage() async throws -> SystemDiskUsage {
        var listOptions = ListContainersOptions()
        listOptions.all = true
        listOptions.size = true
        let containerRows = try await containers.list(listOptions)
        let (layersSize, imageRows) = try await blocking { [images, containers] () -> (Int64, [ImageSummary]) in
            let records = images.list()
            // A layer's bytes count once; an image's SharedSize is what it shares with others.
            let total = ImageService.layerBytes(images)
            let shared = ImageService.sharedSizes(records, images)
            let rows = records.map { r -> ImageSummary in
                var s = ImageSummary(Id: r.id.string, Created: r.created?.seconds ?? 0, Labels: r.config.config?.labels,
                                     RepoDigests: r.repoDigests, RepoTags: r.repoTags, Size: r.size)
                s.SharedSize = shared[r.id.string] ?? 0
                s.Containers = containers.all.filter { $0.record.imageID == r.id.string }.count
                return s
            }
            return (total, rows.sorted { $0.Created > $1.Created })
        }
        let vols = try await blocking { [volumes] in volumes.usage() }
        return SystemDiskUsage(LayersSize: layersSize, Images: imageRows, Containers: containerRows, Volumes: vols)
    }

    public func subscribeEvents(since: Timestamp?, filters: Filters) throws -> EventSubscription {
        try events.subscription(since: since, filters: filters)
    }

    private let runtimeVersionCache = Mutex<(version: String, commit: String)?>(nil)

    /// `runc --version`, asked once: "runc version 1.1.5+ds1\ncommit: 1.1.5+ds1-1\n…".
    func runtimeVersion() async -> (version: String, commit: String) {
        if let v = runtimeVersionCache.withLock({ $0 }) { return v }
        let path = config.runtimes[config.runtime] ?? config.runtime
        let out = (try? await blocking { try Spawn.run(path, [path, "--version"]) }).map { String(decoding: $0.stdout, as: UTF8.self) } ?? ""
        var version = "", commit = ""
        for line in out.split(separator: "\n") {
            if line.hasPrefix("runc version ") || line.hasPrefix("crun version ") { version = String(line.split(separator: " ").last ?? "") }
            if line.hasPrefix("commit: ") { commit = String(line.dropFirst(8)) }
        }
        let v = (version, commit)
        runtimeVersionCache.withLock { $0 = v }
        return v
    }

    public func version() async -> SystemVersion {
        let rt = await runtimeVersion()
        let details: [String: String] = [
            "ApiVersion": APIVersion.current.description, "Arch": "amd64", "BuildTime": "", "Experimental": "false",
            "GitCommit": WharfVersion.gitCommit, "GoVersion": "swift", "KernelVersion": kernel,
            "MinAPIVersion": APIVersion.minimum.description, "Os": "linux",
        ]
        return SystemVersion(
            Platform: .init(Name: "Wharf Engine"),
            Components: [
                VersionComponent(Name: "Engine", Version: WharfVersion.version, Details: details),
                VersionComponent(Name: config.runtime, Version: rt.version, Details: ["GitCommit": rt.commit]),
            ],
            Version: WharfVersion.version, ApiVersion: APIVersion.current.description,
            MinAPIVersion: APIVersion.minimum.description, GitCommit: WharfVersion.gitCommit, GoVersion: "swift",
            Os: "linux", Arch: "amd64", KernelVersion: kernel, BuildTime: "")
    }

    public func info() async -> SystemInfo {
        let all = containers.all
        let running = all.filter { $0.isRunning }.count
        let imageCount = (try? await blocking { [images] in images.list().count }) ?? 0
        var hn = [CChar](repeating: 0, count: 256)
        gethostname(&hn, 255)
        let hostname = hn.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        var runtimes: [String: SystemInfo.Runtime] = ["runc": .init(path: "runc")]
        for (k, v) in config.runtimes { runtimes[k] = .init(path: v) }
        let nfd = FS.listDirectory("/proc/self/fd").count
        return SystemInfo(
            ID: engineID, Containers: all.count, ContainersRunning: running, ContainersPaused: 0,
            ContainersStopped: all.count - running, Images: imageCount, Debug: config.debug, NFd: nfd,
            SystemTime: Timestamp.now().rfc3339Nano, CgroupVersion: cgroupVersion, KernelVersion: kernel,
            OperatingSystem: osName, OSVersion: osVersion, Architecture: "x86_64", NCPU: ncpu, MemTotal: memTotal,
            DockerRootDir: config.dataRoot, Name: hostname, Runtimes: runtimes, DefaultRuntime: config.runtime)
    }
}

enum UUIDString {
    static func random() -> String {
        var g = SystemRandomNumberGenerator()
        let hex = (0..<2).map { _ -> String in
            var h = String(g.next() as UInt64, radix: 16)
            while h.count < 16 { h = "0" + h }
            return h
        }.joined()
        let c = Array(hex)
        return String(c[0..<8]) + "-" + String(c[8..<12]) + "-" + String(c[12..<16]) + "-" + String(c[16..<20]) + "-" + String(c[20..<32])
    }
}
