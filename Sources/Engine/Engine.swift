import ImageStore
import Logging
import WharfCore

/// The daemon's core: opens the data root (taking its lock), the stores and services, and
/// re-adopts the containers that still run.
public final class Engine: Sendable {
    public let config: EngineConfig
    public let containers: ContainerService
    public let images: ImageService
    public let volumes: VolumeService
    /// The image store, for the builder (which makes images step by step).
    public let store: ImageStore
    public let system: SystemService
    public let events: EventBus
    let lock: FileLock

    public init(config: EngineConfig, logger: Logger) throws {
        try FS.mkdirAll(config.dataRoot, mode: 0o710)
        try FS.mkdirAll(config.execRoot, mode: 0o711)
        lock = try FileLock(path: config.dataRoot + "/wharfd.lock")
        try FS.mkdirAll(config.tmpDir, mode: 0o700)
        for stale in FS.listDirectory(config.tmpDir) { try? FS.removeAll(config.tmpDir + "/" + stale) }
        try FS.mkdirAll(config.bundlesDir, mode: 0o711)
        try FS.mkdirAll(config.runtimeRoot, mode: 0o700)
        try FS.mkdirAll(config.socketsDir, mode: 0o700)
        self.config = config
        let store = try ImageStore(root: config.dataRoot)
        self.store = store
        let bus = EventBus()
        events = bus
        let vs = try VolumeService(root: config.dataRoot + "/volumes", events: bus)
        volumes = vs
        let cs = ContainerService(config: config, images: store, volumes: vs, events: bus, logger: logger)
        containers = cs
        vs.users.withLock { $0 = { [unowned cs] name in cs.volumeUsers(name) } }
        images = ImageService(store: store, events: bus, tmpDir: config.tmpDir,
                              insecureRegistries: config.insecureRegistries,
                              registryMirrors: config.registryMirrors) { id in cs.containerUsing(imageID: id) }
        system = SystemService(config: config, containers: cs, images: store, volumes: vs, events: bus)
        cs.restore()
        cs.startByPolicyAtBoot()
    }
}
