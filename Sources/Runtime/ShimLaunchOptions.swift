/// How to start a container's wharf-shim.
public struct ShimLaunchOptions: Sendable, Equatable {
    public var id: String
    /// The bundle: config.json is read from here; the shim writes shim.pid, init.pid,
    /// exit.json and runc.log here.
    public var bundle: String
    /// The OCI runtime binary ("runc", or a path).
    public var runtimePath: String
    /// `--root` for the runtime: `<exec-root>/runc`.
    public var runtimeRoot: String
    /// The container's json-file log.
    public var logPath: String
    public var tty: Bool
    public var openStdin: Bool
    /// The wharf-shim binary.
    public var shimPath: String
    /// Where the shim listens; at most 107 bytes.
    public var socketPath: String
    /// json-file rotation, Docker's `--log-opt max-size` in bytes: nil (or ≤ 0) never
    /// rotates. Passed as `--log-max-size`.
    public var logMaxSize: Int64?
    /// Docker's `--log-opt max-file`: files kept, the current one included (nil: 1).
    /// Only meaningful with `logMaxSize`. Passed as `--log-max-file`.
    public var logMaxFile: Int?

    public init(id: String, bundle: String, runtimePath: String = "runc", runtimeRoot: String,
                logPath: String, tty: Bool = false, openStdin: Bool = false, shimPath: String,
                socketPath: String, logMaxSize: Int64? = nil, logMaxFile: Int? = nil) {
        self.id = id
        self.bundle = bundle
        self.runtimePath = runtimePath
        self.runtimeRoot = runtimeRoot
        self.logPath = logPath
        self.tty = tty
        self.openStdin = openStdin
        self.shimPath = shimPath
        self.socketPath = socketPath
        self.logMaxSize = logMaxSize
        self.logMaxFile = logMaxFile
    }

    /// The shim's command line (it is parsed by ShimArguments in wharf-shim).
    public var arguments: [String] {
        [shimPath, "--id", id, "--bundle", bundle, "--runtime", runtimePath, "--runtime-root", runtimeRoot,
         "--log", logPath, "--socket", socketPath]
            + (tty ? ["--tty"] : []) + (openStdin ? ["--stdin"] : [])
            + (logMaxSize.map { ["--log-max-size", String($0)] } ?? [])
            + (logMaxFile.map { ["--log-max-file", String(max(1, $0))] } ?? [])
    }
}
