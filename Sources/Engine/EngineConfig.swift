/// The daemon's settings that the engine acts on (flags and daemon.json, resolved by wharfd).
public struct EngineConfig: Sendable {
    public var dataRoot: String
    public var execRoot: String
    /// The default OCI runtime (`runc`), a name from `runtimes` or a path.
    public var runtime: String
    /// Named runtimes (daemon.json `runtimes`: name → path).
    public var runtimes: [String: String]
    /// Path of the wharf-shim binary.
    public var shimPath: String
    public var debug: Bool
    /// daemon.json `insecure-registries`: hosts (or CIDRs) spoken to over plain HTTP.
    public var insecureRegistries: [String]
    /// daemon.json `registry-mirrors`: tried before Docker Hub for its images.
    public var registryMirrors: [String]

    public init(dataRoot: String, execRoot: String, runtime: String = "runc", runtimes: [String: String] = [:],
                shimPath: String, debug: Bool = false, insecureRegistries: [String] = [], registryMirrors: [String] = []) {
        self.insecureRegistries = insecureRegistries
        self.registryMirrors = registryMirrors
        self.dataRoot = dataRoot
        self.execRoot = execRoot
        self.runtime = runtime
        self.runtimes = runtimes
        self.shimPath = shimPath
        self.debug = debug
    }

    public var containersDir: String { dataRoot + "/containers" }
    public var bundlesDir: String { execRoot + "/containers" }
    public var runtimeRoot: String { execRoot + "/runc" }
    public var tmpDir: String { dataRoot + "/tmp" }

    func containerDir(_ id: String) -> String { containersDir + "/" + id }
    func bundleDir(_ id: String) -> String { bundlesDir + "/" + id }
    var socketsDir: String { execRoot + "/s" }
    func shimSocket(_ id: String) -> String { socketsDir + "/" + id }
}
