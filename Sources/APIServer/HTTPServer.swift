import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// The daemon's listeners (`unix://path`, `tcp://host:port`) serving the Engine API.
public final class HTTPServer: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let router: Router
    private let spoolDirectory: String
    private let logger: Logger

    public init(router: Router, spoolDirectory: String, logger: Logger) {
        // One event loop: the daemon's work is I/O-bound and the machine small; handlers
        // run on the Swift task pool anyway.
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.router = router
        self.spoolDirectory = spoolDirectory
        self.logger = logger
    }

    private func bootstrap() -> ServerBootstrap {
        let router = self.router
        let spool = self.spoolDirectory
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let encoder = HTTPResponseEncoder()
                    let decoder = ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .forwardBytes))
                    let handler = HTTPConnectionHandler(router: router, decoder: decoder, encoder: encoder, spoolDirectory: spool)
                    try channel.pipeline.syncOperations.addHandler(encoder)
                    try channel.pipeline.syncOperations.addHandler(decoder)
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
    }

    /// Binds every address. A UNIX socket path that exists is replaced only when it is a
    /// socket (never another kind of file), then made 0660 as Docker's is.
    public func bind(_ addresses: [String]) async throws -> [any Channel] {
        var channels: [any Channel] = []
        for addr in addresses {
            if addr.hasPrefix("unix://") || addr.hasPrefix("/") {
                let path = addr.hasPrefix("unix://") ? String(addr.dropFirst(7)) : addr
                try FS.mkdirAll(AtomicFile.parentDirectory(of: path))
                var st = stat()
                if lstat(path, &st) == 0 {
                    guard (st.st_mode & S_IFMT) == S_IFSOCK else {
                        throw WharfError.invalid("\(path) exists and is not a socket")
                    }
                    unlink(path)
                }
                let ch = try await bootstrap().bind(unixDomainSocketPath: path, cleanupExistingSocketFile: false).get()
                chmod(path, 0o660)
                if let grp = getgrnam("docker") { chown(path, 0, grp.pointee.gr_gid) }
                channels.append(ch)
                logger.info("API listening on \(path)")
            } else if addr.hasPrefix("tcp://") {
                let hostPort = addr.dropFirst(6)
                guard let colon = hostPort.lastIndex(of: ":"), let port = Int(hostPort[hostPort.index(after: colon)...]) else {
                    throw WharfError.invalid("invalid tcp address \(addr)")
                }
                var host = String(hostPort[..<colon])
                if host.isEmpty { host = "0.0.0.0" }
                let ch = try await bootstrap().bind(host: host, port: port).get()
                channels.append(ch)
                logger.warning("API listening on \(addr) without TLS: anyone who can reach it controls this host")
            } else {
                throw WharfError.invalid("invalid host address \(addr): use unix:///path or tcp://host:port")
            }
        }
        return channels
    }

    public func shutdown() async {
        try? await group.shutdownGracefully()
    }
}
