import Engine
import Synchronization
import WharfAPI
import WharfCore

/// Backends that answer from memory, so the transport (routing, versions, errors, hijack,
/// streaming) is tested without containers.
final class FakeContainers: ContainerBackend {
    let created = Mutex<[String]>([])

    func create(name: String?, request: ContainerCreateRequest, apiVersion: APIVersion) async throws -> ContainerCreateResponse {
        guard request.config.Image == "busybox" else { throw WharfError.notFound("No such image: \(request.config.Image ?? ""):latest") }
        if name == "dup" {
            throw WharfError.conflict("Conflict. The container name \"/dup\" is already in use by container \"abc\". You have to remove (or rename) that container to be able to reuse that name.")
        }
        created.withLock { $0.append(name ?? "") }
        return ContainerCreateResponse(Id: String(repeating: "a", count: 64))
    }
    func start(_ id: String) async throws {
        if id == "running" { throw WharfError(.notModified, "container already started") }
        _ = try known(id)
    }
    func stop(_ id: String, signal: String?, timeout: Int?) async throws { _ = try known(id) }
    func restart(_ id: String, signal: String?, timeout: Int?) async throws { _ = try known(id) }
    func kill(_ id: String, signal: String?) async throws { _ = try known(id) }
    func remove(_ id: String, force: Bool, removeVolumes: Bool) async throws { _ = try known(id) }
    func wait(_ id: String, condition: WaitCondition) async throws -> any ContainerWaiter {
        _ = try known(id)
        return FixedWaiter()
    }
    func inspect(_ id: String, size: Bool) async throws -> ContainerInspect { throw WharfError.notFound("No such container: \(id)") }
    func list(_ options: ListContainersOptions) async throws -> [ContainerSummary] { [] }
    func attach(_ id: String, options: AttachOptions, sink: any StreamSink) async throws -> any AttachInput {
        _ = try known(id)
        return EchoInput(sink: sink)
    }
    func logs(_ id: String, options: LogsOptions, sink: any StreamSink) async throws -> Bool {
        _ = try known(id)
        sink.write(.stdout, Array("out\n".utf8))
        sink.write(.stderr, Array("err\n".utf8))
        sink.finish()
        return false
    }
    func hasTTY(_ id: String) async throws -> Bool { try known(id); return false }
    func resize(_ id: String, height: Int, width: Int) async throws { _ = try known(id) }
    func pause(_ id: String) async throws { _ = try known(id) }
    func unpause(_ id: String) async throws { _ = try known(id) }
    func rename(_ id: String, to name: String) async throws { _ = try known(id) }
    func top(_ id: String, psArgs: String?) async throws -> ContainerTopResponse { try known(id); return .init(Titles: [], Processes: []) }
    func prune(filters: Filters) async throws -> ContainerPruneResponse { .init(ContainersDeleted: nil, SpaceReclaimed: 0) }
    func statArchivePath(_ id: String, path: String) async throws -> PathStat { try known(id); throw WharfError.notFound("x") }
    func getArchive(_ id: String, path: String, begin: @escaping @Sendable (PathStat) -> any StreamSink) async throws { try known(id) }
    func putArchive(_ id: String, path: String, tarPath: String, noOverwriteDirNonDir: Bool, copyUIDGID: Bool) async throws { try known(id) }
    func export(_ id: String, sink: any StreamSink) async throws { try known(id); sink.finish() }
    func changes(_ id: String) async throws -> [ContainerChange] { try known(id); return [] }
    func stats(_ id: String, stream: Bool, oneShot: Bool, emit: @escaping @Sendable (ContainerStats) -> Bool) async throws { try known(id) }
    func commit(_ id: String, repo: String?, tag: String?, comment: String?, author: String?, changes: [String], pause: Bool) async throws -> String { try known(id) }
    func update(_ id: String, with: HostConfig) async throws -> [String] { try known(id); return [] }

    @discardableResult
    private func known(_ id: String) throws -> String {
        guard id == "c1" || id == "running" else { throw WharfError.notFound("No such container: \(id)") }
        return id
    }
}

struct FixedWaiter: ContainerWaiter {
    func result() async -> ContainerWaitResponse { ContainerWaitResponse(StatusCode: 7) }
}

/// Echoes stdin back as stdout frames; the client's half-close ends the stream.
final class EchoInput: AttachInput {
    let sink: any StreamSink
    init(sink: any StreamSink) { self.sink = sink }
    func stdin(_ bytes: [UInt8]) { sink.write(.stdout, bytes) }
    func stdinClosed() { sink.finish() }
    func detached() {}
}

final class FakeImages: ImageBackend {
    func importImage(url: String, options: ImportOptions) async throws -> String {
        throw WharfError.notFound("no such URL")
    }
    func history(_ name: String) async throws -> [ImageHistoryItem] { [] }
    func prune(filters: Filters) async throws -> ImagePruneResponse { ImagePruneResponse(ImagesDeleted: nil, SpaceReclaimed: 0) }
    func save(names: [String], begin: @escaping @Sendable () -> any StreamSink) async throws {
        throw WharfError.notFound("No such image: \(names.first ?? "")")
    }
    func load(tarPath: String, quiet: Bool, progress: @escaping @Sendable (JSONMessage) -> Void) async throws -> [String] {
        ["Loaded image: x:latest"]
    }
    func push(name: String, tag: String?, authHeader: String?,
              begin: @escaping @Sendable () -> Void, progress: @escaping @Sendable (JSONMessage) -> Void) async throws {
        throw WharfError.notFound("An image does not exist locally with the tag: \(name)")
    }
    func pull(image: String, tag: String?, platform: String?, authHeader: String?,
              begin: @escaping @Sendable () -> Void, progress: @escaping @Sendable (JSONMessage) -> Void) async throws {
        guard image == "ok" else { throw WharfError.notFound("manifest for \(image):latest not found: manifest unknown: manifest unknown") }
        begin()
        progress(JSONMessage(status: "Pulling from library/ok", id: "latest"))
        throw WharfError.internalError("connection reset")
    }
    func importImage(bodyPath: String, options: ImportOptions) async throws -> String { "sha256:" + String(repeating: "b", count: 64) }
    func list(all: Bool, filters: Filters, sharedSize: Bool) async throws -> [ImageSummary] { [] }
    func inspect(_ name: String) async throws -> ImageInspect { throw WharfError.notFound("No such image: \(name)") }
    func tag(_ name: String, repo: String, tag: String?) async throws {}
    func remove(_ name: String, force: Bool, noPrune: Bool) async throws -> [ImageDeleteItem] { [ImageDeleteItem(Untagged: name)] }
}

final class FakeSystem: SystemBackend {
    func login(_ request: AuthRequest) async throws -> AuthResponse {
        guard request.password == "right" else { throw WharfError(.unauthorized, "unauthorized: incorrect username or password") }
        return AuthResponse(Status: "Login Succeeded", IdentityToken: "")
    }
    func diskUsage() async throws -> SystemDiskUsage {
        SystemDiskUsage(LayersSize: 0, Images: [], Containers: [], Volumes: [])
    }
    func version() async -> SystemVersion {
        SystemVersion(Platform: .init(Name: "x"), Components: [], Version: "0", ApiVersion: "1.50", MinAPIVersion: "1.24",
                      GitCommit: "", GoVersion: "", Os: "linux", Arch: "amd64", KernelVersion: "", BuildTime: "")
    }
    func info() async -> SystemInfo {
        SystemInfo(ID: "x", Containers: 0, ContainersRunning: 0, ContainersPaused: 0, ContainersStopped: 0, Images: 0,
                   Debug: false, NFd: 0, SystemTime: "", CgroupVersion: "1", KernelVersion: "", OperatingSystem: "",
                   OSVersion: "", Architecture: "x86_64", NCPU: 1, MemTotal: 0, DockerRootDir: "/x", Name: "h",
                   Runtimes: [:], DefaultRuntime: "runc")
    }
    var temporaryDirectory: String { "/tmp" }
    let bus = EventBus()
    func subscribeEvents(since: Timestamp?, filters: Filters) throws -> EventSubscription {
        try bus.subscription(since: since, filters: filters)
    }
}

final class FakeExecs: ExecBackend {
    func createExec(container: String, config: ExecConfig) async throws -> String {
        guard container == "c1" else { throw WharfError.notFound("No such container: \(container)") }
        return "e1"
    }
    func execHasTTY(_ id: String) async throws -> Bool {
        guard id == "e1" else { throw WharfError.notFound("No such exec instance: \(id)") }
        return false
    }
    func startExec(_ id: String, options: ExecStartOptions, sink: any StreamSink) async throws -> (any AttachInput)? {
        options.detach ? nil : EchoInput(sink: sink)
    }
    func resizeExec(_ id: String, height: Int, width: Int) async throws {}
    func inspectExec(_ id: String) async throws -> ExecInspect { throw WharfError.notFound("No such exec instance: \(id)") }
}

final class FakeVolumes: VolumeBackend {
    func create(_ request: VolumeCreateRequest) async throws -> Volume {
        Volume(CreatedAt: "2026-11-29T16:55:11Z", Driver: "local", Labels: request.Labels, Mountpoint: "/v/_data",
               Name: request.Name ?? "anon", Options: nil)
    }
    func inspect(_ name: String) async throws -> Volume {
        throw WharfError.notFound("get \(name): no such volume")
    }
    func list(filters: Filters) async throws -> VolumeListResponse { VolumeListResponse(Volumes: []) }
    func remove(_ name: String, force: Bool) async throws {
        throw WharfError.conflict("remove \(name): volume is in use - [c1]")
    }
    func prune(filters: Filters) async throws -> VolumePruneResponse {
        VolumePruneResponse(VolumesDeleted: nil, SpaceReclaimed: 0)
    }
}
