import WharfAPI
import WharfClient

/// Process-wide CLI state: the global flags and the one client.
enum CLIContext {
    nonisolated(unsafe) static var hostFlag: String?
    nonisolated(unsafe) private static var shared: Client?

    /// Forgets the flags and the client (each `WharfMain.main` call starts afresh).
    static func reset() {
        hostFlag = nil
        shared = nil
    }

    /// The client for this process, created on first use.
    static func client() throws -> Client {
        if let c = shared { return c }
        let env = EnvParsing.all()
        let host = try DockerHost.resolve(flag: hostFlag, environment: env)
        let pinned = env["DOCKER_API_VERSION"].flatMap { APIVersion($0) }
        let c = Client(host: host, pinnedVersion: pinned)
        shared = c
        return c
    }
}

/// Runs `body` for each index on its own thread and waits for all (docker's
/// `parallelOperation`: stop, kill, rm of several containers).
func parallel<T: Sendable>(_ count: Int, _ body: @escaping @Sendable (Int) -> T) -> [T] {
    if count == 1 { return [body(0)] }
    let results = Locked([T?](repeating: nil, count: count))
    let done = Locked(0)
    let sem = Semaphore()
    for i in 0..<count {
        spawnThread {
            let r = body(i)
            results.withValue { $0[i] = r }
            done.withValue { $0 += 1 }
            sem.signal()
        }
    }
    for _ in 0..<count { sem.wait() }
    return results.current.map { $0! }
}
