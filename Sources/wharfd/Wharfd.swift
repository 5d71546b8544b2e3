import APIServer
import Builder
import ArgumentParser
import Dispatch
import Engine
import Logging
import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#endif

/// daemon.json, with Docker's key names.
struct DaemonFile: Decodable {
    struct RuntimeEntry: Decodable { var path: String }
    var hosts: [String]?
    var dataRoot: String?
    var execRoot: String?
    var pidfile: String?
    var defaultRuntime: String?
    var runtimes: [String: RuntimeEntry]?
    var logLevel: String?
    var debug: Bool?
    var insecureRegistries: [String]?
    var registryMirrors: [String]?

    enum CodingKeys: String, CodingKey {
        case hosts, pidfile, runtimes, debug
        case insecureRegistries = "insecure-registries"
        case registryMirrors = "registry-mirrors"
        case dataRoot = "data-root"
        case execRoot = "exec-root"
        case defaultRuntime = "default-runtime"
        case logLevel = "log-level"
    }
}

@main
struct Wharfd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wharfd",
        abstract: "Wharf's daemon: serves the Docker Engine API and runs containers.")

    @Option(name: [.customShort("H"), .long], help: "Daemon socket(s) to listen on (unix:///path or tcp://host:port)")
    var host: [String] = []
    @Option(name: .customLong("data-root"), help: "Root directory of persistent state")
    var dataRoot: String?
    @Option(name: .customLong("exec-root"), help: "Root directory of execution state")
    var execRoot: String?
    @Option(name: .customLong("pidfile"), help: "Path to use for the daemon PID file")
    var pidfile: String?
    @Option(name: .customLong("runtime"), help: "Default OCI runtime (runc, crun, or a path)")
    var runtime: String?
    @Option(name: [.short, .customLong("log-level")], help: "debug, info, warn, error, fatal")
    var logLevel: String?
    @Option(name: .customLong("config-file"), help: "Daemon configuration file")
    var configFile: String?
    @Flag(name: [.customShort("D"), .customLong("debug")], help: "Enable debug mode")
    var debug = false

    func run() async throws {
        var file = DaemonFile()
        let cfgPath = configFile ?? "/etc/wharf/daemon.json"
        if FS.exists(cfgPath) {
            do {
                file = try JSONDecoder().decode(DaemonFile.self, from: Data(try FS.readFile(cfgPath)))
            } catch {
                throw ValidationError("unable to configure the daemon with file \(cfgPath): \(error)")
            }
        } else if configFile != nil {
            throw ValidationError("open \(cfgPath): no such file or directory")
        }
        let hosts = !host.isEmpty ? host : (file.hosts ?? ["unix:///run/wharf/wharf.sock"])
        let level = (debug || file.debug == true) ? "debug" : (logLevel ?? file.logLevel ?? "info")
        guard let lvl = Logger.Level(rawValue: level == "warn" ? "warning" : (level == "fatal" ? "critical" : level)) else {
            throw ValidationError("invalid log level: \(level)")
        }
        LoggingSystem.bootstrap { label in
            var h = StreamLogHandler.standardError(label: label)
            h.logLevel = lvl
            return h
        }
        let logger = Logger(label: "wharfd")
        var runtimes: [String: String] = [:]
        for (k, v) in file.runtimes ?? [:] { runtimes[k] = v.path }
        let config = EngineConfig(
            dataRoot: dataRoot ?? file.dataRoot ?? "/var/lib/wharf",
            execRoot: execRoot ?? file.execRoot ?? "/run/wharf",
            runtime: runtime ?? file.defaultRuntime ?? "runc",
            runtimes: runtimes,
            shimPath: Wharfd.shimPath(),
            debug: lvl == .debug,
            insecureRegistries: file.insecureRegistries ?? [],
            registryMirrors: file.registryMirrors ?? [])

        let engine: Engine
        do {
            engine = try Engine(config: config, logger: logger)
        } catch {
            logger.critical("\(WharfError.from(error).message)")
            throw ExitCode(1)
        }
        let pidPath = pidfile ?? file.pidfile ?? (config.execRoot + "/wharfd.pid")
        try AtomicFile.write("\(getpid())\n", to: pidPath)

        let router = Router(containers: engine.containers, images: engine.images, system: engine.system,
                            execs: engine.containers, volumes: engine.volumes,
                            builds: BuildService(engine: engine, logger: logger), logger: logger)
        let server = HTTPServer(router: router, spoolDirectory: config.tmpDir, logger: logger)
        let channels: [any Channel]
        do {
            channels = try await server.bind(hosts)
        } catch {
            logger.critical("failed to listen: \(WharfError.from(error).message)")
            unlink(pidPath)
            throw ExitCode(1)
        }
        logger.info("wharfd \(WharfVersion.version) ready (data root \(config.dataRoot))")

        // SIGTERM/SIGINT stop the daemon; containers keep running under their shims.
        let stop = await withCheckedContinuation { (k: CheckedContinuation<Int32, Never>) in
            Wharfd.onTermination { sig in k.resume(returning: sig) }
        }
        logger.info("received signal \(stop); shutting down (containers keep running)")
        for ch in channels { try? await ch.close() }
        for h in hosts where h.hasPrefix("unix://") { unlink(String(h.dropFirst(7))) }
        unlink(pidPath)
        await server.shutdown()
    }

    /// wharf-shim sits next to wharfd unless WHARF_SHIM_PATH says otherwise.
    static func shimPath() -> String {
        if let p = getenv("WHARF_SHIM_PATH") { return String(cString: p) }
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buf, 4095)
        if n > 0 {
            let exe = buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
            return AtomicFile.parentDirectory(of: exe) + "/wharf-shim"
        }
        return "wharf-shim"
    }

    nonisolated(unsafe) static var sources: [any DispatchSourceSignal] = []

    static func onTermination(_ handler: @escaping @Sendable (Int32) -> Void) {
        let once = OnceFlag()
        for sig in [SIGTERM, SIGINT] {
            signal(sig, SIG_IGN)
            let src = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            src.setEventHandler { if once.claim() { handler(sig) } }
            src.resume()
            sources.append(src)
        }
        signal(SIGPIPE, SIG_IGN)
    }
}

import NIOCore
import Synchronization

final class OnceFlag: Sendable {
    private let flag = Mutex(false)
    func claim() -> Bool {
        flag.withLock { f in
            if f { return false }
            f = true
            return true
        }
    }
}
