import WharfAPI
import WharfCore

// The small interfaces the API server needs, one per API area (moby's router/backend split).
// APIServer depends on these only, so its tests run against fakes.

/// Where a stream's bytes go (an attach or logs connection). The engine writes demultiplexed
/// data with its stream; the transport decides about framing.
public protocol StreamSink: AnyObject, Sendable {
    func write(_ stream: StdStream, _ bytes: [UInt8])
    /// Sends what a buffering sink holds. Producers that write many small pieces in a
    /// burst (logs) call it at the end of each burst; `finish()` implies it.
    func flush()
    /// No more data: the transport ends the response or closes the connection.
    func finish()
    /// True once the client went away; long-running producers (follow) stop then.
    var isClosed: Bool { get }
}

extension StreamSink {
    public func flush() {}
}

public struct AttachOptions: Sendable {
    public var stdin = false
    public var stdout = false
    public var stderr = false
    public var stream = false
    public var logs = false
    public var detachKeys: String?
    public init() {}
}

/// What the transport feeds back into an attach: the client's stdin and its going away.
public protocol AttachInput: Sendable {
    func stdin(_ bytes: [UInt8])
    /// The client half-closed its side: no more stdin.
    func stdinClosed()
    /// The connection is gone.
    func detached()
}

public struct LogsOptions: Sendable {
    public var follow = false
    public var stdout = false
    public var stderr = false
    public var since: Timestamp?
    public var until: Timestamp?
    public var timestamps = false
    public var details = false
    public var tail: Int?   // nil = all
    public init() {}
}

public enum WaitCondition: String, Sendable {
    case notRunning = "not-running"
    case nextExit = "next-exit"
    case removed
}

public struct ListContainersOptions: Sendable {
    public var all = false
    public var limit: Int?
    public var size = false
    public var filters = Filters()
    public init() {}
}

/// A wait registered at request time, so `next-exit` counts from the request, not from
/// when the response is written.
public protocol ContainerWaiter: Sendable {
    func result() async -> ContainerWaitResponse
}

public protocol ContainerBackend: Sendable {
    func create(name: String?, request: ContainerCreateRequest, apiVersion: APIVersion) async throws -> ContainerCreateResponse
    func start(_ id: String) async throws
    func stop(_ id: String, signal: String?, timeout: Int?) async throws
    func restart(_ id: String, signal: String?, timeout: Int?) async throws
    func kill(_ id: String, signal: String?) async throws
    func remove(_ id: String, force: Bool, removeVolumes: Bool) async throws
    func wait(_ id: String, condition: WaitCondition) async throws -> any ContainerWaiter
    func inspect(_ id: String, size: Bool) async throws -> ContainerInspect
    func list(_ options: ListContainersOptions) async throws -> [ContainerSummary]
    /// Validates and subscribes; output flows to `sink` until the container's next exit.
    func attach(_ id: String, options: AttachOptions, sink: any StreamSink) async throws -> any AttachInput
    /// Returns whether the container has a TTY (the transport needs it for framing) and runs
    /// the log stream in the background, finishing `sink` at the end.
    func logs(_ id: String, options: LogsOptions, sink: any StreamSink) async throws -> Bool
    /// Whether the container has a TTY: attach framing depends on it.
    func hasTTY(_ id: String) async throws -> Bool
    func resize(_ id: String, height: Int, width: Int) async throws
    func pause(_ id: String) async throws
    func unpause(_ id: String) async throws
    func rename(_ id: String, to name: String) async throws
    func top(_ id: String, psArgs: String?) async throws -> ContainerTopResponse
    func prune(filters: Filters) async throws -> ContainerPruneResponse
    func statArchivePath(_ id: String, path: String) async throws -> PathStat
    func getArchive(_ id: String, path: String, begin: @escaping @Sendable (PathStat) -> any StreamSink) async throws
    func putArchive(_ id: String, path: String, tarPath: String, noOverwriteDirNonDir: Bool, copyUIDGID: Bool) async throws
    func export(_ id: String, sink: any StreamSink) async throws
    func changes(_ id: String) async throws -> [ContainerChange]
    func stats(_ id: String, stream: Bool, oneShot: Bool, emit: @escaping @Sendable (ContainerStats) -> Bool) async throws
    func commit(_ id: String, repo: String?, tag: String?, comment: String?, author: String?,
                changes: [String], pause: Bool) async throws -> String
    func update(_ id: String, with: HostConfig) async throws -> [String]
}

public struct ImportOptions: Sendable {
    public var changes: [String] = []
    public var message: String?
    public var reference: String?
    public init() {}
}

public protocol ImageBackend: Sendable {
    /// `bodyPath` is a file holding the uploaded tar (the transport spools it).
    func importImage(bodyPath: String, options: ImportOptions) async throws -> String
    /// `docker import URL`: the tar fetched over HTTP(S) first.
    func importImage(url: String, options: ImportOptions) async throws -> String
    /// `sharedSize`: fill SharedSize (bytes of layers other images use too), API ≥ 1.42.
    func list(all: Bool, filters: Filters, sharedSize: Bool) async throws -> [ImageSummary]
    func inspect(_ name: String) async throws -> ImageInspect
    func tag(_ name: String, repo: String, tag: String?) async throws
    func remove(_ name: String, force: Bool, noPrune: Bool) async throws -> [ImageDeleteItem]
    /// Errors before `begin` are plain HTTP errors; after it, the transport reports them
    /// in the stream.
    func pull(image: String, tag: String?, platform: String?, authHeader: String?,
              begin: @escaping @Sendable () -> Void, progress: @escaping @Sendable (JSONMessage) -> Void) async throws
    func history(_ name: String) async throws -> [ImageHistoryItem]
    func prune(filters: Filters) async throws -> ImagePruneResponse
    /// `docker save`: names resolved first, then the archive into the sink `begin` returns.
    func save(names: [String], begin: @escaping @Sendable () -> any StreamSink) async throws
    /// `docker load` of a spooled archive: layer progress unless quiet, then the
    /// `Loaded image…` lines.
    func load(tarPath: String, quiet: Bool, progress: @escaping @Sendable (JSONMessage) -> Void) async throws -> [String]
    func push(name: String, tag: String?, authHeader: String?,
              begin: @escaping @Sendable () -> Void, progress: @escaping @Sendable (JSONMessage) -> Void) async throws
}

public protocol SystemBackend: Sendable {
    func version() async -> SystemVersion
    func info() async -> SystemInfo
    /// `GET /events`: past events since `since`, then live ones.
    func subscribeEvents(since: Timestamp?, filters: Filters) throws -> EventSubscription
    /// Where the transport may spool large request bodies.
    var temporaryDirectory: String { get }
    /// `POST /auth`: checks the credentials against the registry.
    func login(_ request: AuthRequest) async throws -> AuthResponse
    /// `GET /system/df`: layers, images, containers and volumes with their sizes.
    func diskUsage() async throws -> SystemDiskUsage
}

/// What the transport needs of an exec start.
public struct ExecStartOptions: Sendable {
    public var detach = false
    public var consoleSize: (rows: UInt16, cols: UInt16)?
    public init() {}
}

/// `POST /build` parameters (the classic builder's).
public struct BuildOptions: Sendable {
    public var dockerfile = "Dockerfile"
    public var tags: [String] = []
    public var quiet = false
    public var noCache = false
    public var remove = true
    public var forceRemove = false
    public var buildArgs: [String: String?] = [:]
    public var labels: [String: String] = [:]
    public var target: String?
    public var networkMode: String?
    public var platform: String?
    public var pull = false
    public var extraHosts: [String] = []
    public var shmSize: Int64 = 0
    public var memory: Int64 = 0
    public var authHeader: String?
    public init() {}
}

/// A failure reported in a progress stream with a code (a build step's exit code, which
/// the docker CLI exits with).
public protocol CodedFailure: Error {
    var message: String { get }
    var exitCode: Int { get }
}

public protocol BuildBackend: Sendable {
    /// Builds from an extracted-later context tar. A Dockerfile error throws before `begin`
    /// (a 400); afterwards failures come in the stream. Returns the image ID.
    func build(contextTar: String, options: BuildOptions, begin: @escaping @Sendable () -> Void,
               output: @escaping @Sendable (JSONMessage) -> Void) async throws -> String
    /// `POST /build/prune`: forgets the build cache; the IDs it dropped and bytes freed.
    func pruneCache(all: Bool) async throws -> ([String], Int64)
}

public protocol VolumeBackend: Sendable {
    func create(_ request: VolumeCreateRequest) async throws -> Volume
    func inspect(_ name: String) async throws -> Volume
    func list(filters: Filters) async throws -> VolumeListResponse
    func remove(_ name: String, force: Bool) async throws
    func prune(filters: Filters) async throws -> VolumePruneResponse
}

public protocol ExecBackend: Sendable {
    func createExec(container: String, config: ExecConfig) async throws -> String
    /// Whether the exec has a TTY (framing) and whether it is known; throws notFound.
    func execHasTTY(_ id: String) async throws -> Bool
    /// Starts the process. Detached: returns nil at once. Otherwise output flows to `sink`
    /// until the process ends; the returned input takes the client's stdin.
    func startExec(_ id: String, options: ExecStartOptions, sink: any StreamSink) async throws -> (any AttachInput)?
    func resizeExec(_ id: String, height: Int, width: Int) async throws
    func inspectExec(_ id: String) async throws -> ExecInspect
}
