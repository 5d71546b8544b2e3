import Dispatch
import Runtime
import Synchronization
import WharfAPI
import WharfCore

/// What a container is: written once at create (config.json + hostconfig.json).
struct ContainerRecord: Codable, Sendable {
    var id: String
    var name: String            // without the leading "/"
    var created: Timestamp
    var config: ContainerConfig  // merged with the image's config
    var imageID: String          // "sha256:…"
    var imageName: String        // as the user gave it
    var path: String
    var args: [String]
    /// Volumes, binds and tmpfs mounts, resolved at create (nil in records from before).
    var mounts: [MountSpec]?
}

/// Where the lifecycle is. Persisted as state.json at every transition.
enum LifecycleStatus: String, Codable, Sendable {
    case created, running, exited, dead
}

struct ContainerStateRecord: Codable, Sendable {
    var status: LifecycleStatus = .created
    var pid: Int32 = 0
    var exitCode: Int32 = 0
    var error: String = ""
    var oomKilled = false
    var startedAt: Timestamp = .zero
    var finishedAt: Timestamp = .zero
    var restartCount = 0
    /// Frozen by `docker pause` (optional: state files from before it existed lack it).
    var paused: Bool?
    /// Stopped by the user (stop or kill): restart policies leave it alone until a start.
    var manuallyStopped: Bool?
    var health: HealthState?
}

/// A client attached to the container's output until the next exit.
struct AttachSubscriber: Sendable {
    let id: UInt64
    let sink: any StreamSink
    let stdout: Bool
    let stderr: Bool
}

struct Waiter: Sendable {
    let condition: WaitCondition
    let id: UInt64
    let fulfil: @Sendable (ContainerWaitResponse) -> Void
}

/// One container: its record, its persisted state and what it owns while alive (the shim
/// connection, attach subscribers, waiters). All mutable state sits behind one lock; shim
/// events arrive on the shim reader thread and take the same lock.
final class Container: Sendable {
    let record: ContainerRecord
    /// HostConfig can change (`docker update`); read it through the lock.
    var hostConfig: HostConfig { live.withLock { $0.hostConfig } }
    let dir: String
    let bundle: String

    struct Live {
        var state = ContainerStateRecord()
        /// The current name: the record's, until a rename.
        var name = ""
        var hostConfig = HostConfig()
        var shim: ShimConnection?
        /// The shim process still exists (it deletes runc's state after the exit); the
        /// bundle must not be removed before it is gone.
        var shimAlive = false
        /// processExit is between recording the exit and releasing the rootfs.
        var exitInProgress = false
        /// Waiting to be started again by its restart policy.
        var restarting = false
        /// The next restart's delay (Docker's back-off: 100 ms doubling to 1 min).
        var restartDelayMillis: Int64 = 100
        var subscribers: [AttachSubscriber] = []
        var waiters: [Waiter] = []
        var pendingStdin: [[UInt8]] = []
        var pendingStdinClose = false
        var starting = false
        /// Volumes this run holds (options volumes stay mounted while any container does).
        var acquiredVolumes: [String] = []
        /// Found at restore with a live shim but not recorded as running: a start the
        /// previous daemon began. The shim's state decides (finish it, adopt it, or record
        /// how it ended).
        var resumingStart = false
        var stopping = false
        var removing = false
        var startContinuation: CheckedContinuation<Int32, any Error>?
        var nextID: UInt64 = 1
    }

    let live: Mutex<Live>

    /// The shim's socket. Not in the bundle: a UNIX socket path must stay under 108 bytes.
    let socketPath: String

    init(record: ContainerRecord, hostConfig: HostConfig, state: ContainerStateRecord, dir: String, bundle: String,
         socketPath: String) {
        self.record = record
        self.dir = dir
        self.bundle = bundle
        self.socketPath = socketPath
        self.live = Mutex(Live(state: state, name: record.name, hostConfig: hostConfig))
    }

    var id: String { record.id }
    var tty: Bool { record.config.Tty ?? false }
    var state: ContainerStateRecord { live.withLock { $0.state } }
    var logPath: String { dir + "/" + record.id + "-json.log" }
    var rootfs: String { bundle + "/rootfs" }

    var isRunning: Bool { live.withLock { $0.state.status == .running } }
    var isPaused: Bool { live.withLock { $0.state.paused == true } }
    var name: String { live.withLock { $0.name } }

    func persistState() throws {
        try persistLock.withLock { _ in
            let s = state
            try AtomicFile.write(APIJSON.encode(s), to: dir + "/state.json")
        }
    }

    /// Serialises state.json writes: each one reads the state when it runs, so the last
    /// write on disk is always the newest state, whatever order callers came in.
    private let persistLock = Mutex(())

    /// Writes state.json off the request path (a start answers before the fsync).
    func persistInBackground() {
        DispatchQueue.global().async { [self] in
            do { try persistState() } catch {}
        }
    }

    /// Stdin from an attached client; kept until the shim exists (a client may send it
    /// before /start, and `docker run -i` does).
    func sendStdin(_ bytes: [UInt8]) {
        let shim = live.withLock { l -> ShimConnection? in
            if l.shim == nil { l.pendingStdin.append(bytes) }
            return l.shim
        }
        try? shim?.send(.stdin(bytes))
    }

    func closeStdin() {
        let shim = live.withLock { l -> ShimConnection? in
            if l.shim == nil { l.pendingStdinClose = true }
            return l.shim
        }
        try? shim?.send(.closeStdin)
    }

    func addSubscriber(sink: any StreamSink, stdout: Bool, stderr: Bool) -> UInt64 {
        live.withLock { l in
            let id = l.nextID
            l.nextID += 1
            l.subscribers.append(AttachSubscriber(id: id, sink: sink, stdout: stdout, stderr: stderr))
            return id
        }
    }

    func removeSubscriber(_ id: UInt64) -> AttachSubscriber? {
        live.withLock { l in
            guard let i = l.subscribers.firstIndex(where: { $0.id == id }) else { return nil }
            return l.subscribers.remove(at: i)
        }
    }

    /// Fans output out to the attached clients, in the order the shim delivered it.
    func deliverOutput(stream: UInt8, _ bytes: [UInt8]) {
        let subs = live.withLock { $0.subscribers }
        let s: StdStream = stream == 2 ? .stderr : .stdout
        for sub in subs where (s == .stdout && sub.stdout) || (s == .stderr && sub.stderr) {
            sub.sink.write(s, bytes)
        }
    }

    /// Waits until the shim process has exited (its connection closed), at most `seconds`.
    /// The shim deletes runc's state and the cgroup after reporting the exit, which takes
    /// a few milliseconds; polling that short window is simpler than another waiter list.
    func waitShimGone(seconds: Double) async {
        let deadline = Timestamp.now().unixNanoseconds + Int64(seconds * 1e9)
        while live.withLock({ $0.shimAlive }) && Timestamp.now().unixNanoseconds < deadline {
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
    }

    /// Waits until the last exit has been fully processed (state recorded, rootfs
    /// released), so a restart or removal never races the exit's cleanup.
    func waitExitProcessed(seconds: Double = 10) async {
        let deadline = Timestamp.now().unixNanoseconds + Int64(seconds * 1e9)
        while live.withLock({ $0.shim != nil || $0.exitInProgress }) && Timestamp.now().unixNanoseconds < deadline {
            try? await Task.sleep(nanoseconds: 2_000_000)
        }
    }

    func waitResponse() -> ContainerWaitResponse {
        let s = state
        return ContainerWaitResponse(StatusCode: Int(s.exitCode), error: nil)
    }
}
