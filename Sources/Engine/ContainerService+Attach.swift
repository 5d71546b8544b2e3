import Runtime
import WharfAPI
import WharfCore

/// What an attached client's input does to the container.
final class AttachInputHandler: AttachInput {
    let container: Container
    let subscriberID: UInt64
    let attachStdin: Bool
    let detachKeys: DetachKeyMatcher?

    init(container: Container, subscriberID: UInt64, attachStdin: Bool, detachKeys: DetachKeyMatcher? = nil) {
        self.container = container
        self.subscriberID = subscriberID
        self.attachStdin = attachStdin
        self.detachKeys = detachKeys
    }

    func stdin(_ bytes: [UInt8]) {
        guard attachStdin else { return }
        guard let detachKeys else {
            container.sendStdin(bytes)
            return
        }
        let (pass, detach) = detachKeys.feed(bytes)
        if !pass.isEmpty { container.sendStdin(pass) }
        if detach {
            // The client goes; the container runs on.
            container.removeSubscriber(subscriberID)?.sink.finish()
        }
    }

    func stdinClosed() {
        guard attachStdin else { return }
        if container.record.config.StdinOnce == true {
            container.closeStdin()
        } else {
            // moby: without StdinOnce, the end of the client's stdin ends the whole attach.
            container.removeSubscriber(subscriberID)?.sink.finish()
        }
    }

    func detached() {
        guard let sub = container.removeSubscriber(subscriberID) else { return }
        if attachStdin && container.record.config.StdinOnce == true {
            container.closeStdin()
        }
        sub.sink.finish()
    }
}

extension ContainerService {
    public func attach(_ ref: String, options: AttachOptions, sink: any StreamSink) async throws -> any AttachInput {
        let c = try lookup(ref)
        if c.live.withLock({ $0.removing }) {
            throw WharfError.conflict("container \(c.id) is being removed")
        }
        if options.logs {
            var lo = LogsOptions()
            lo.stdout = options.stdout
            lo.stderr = options.stderr
            let opts = lo
            let maxFile = (try? LogOptions(c.hostConfig.LogConfig))?.maxFile ?? 1
            _ = try await blocking {
                var lines: [ArraySlice<UInt8>] = []
                for path in LogOptions.files(c.logPath, maxFile: maxFile) {
                    lines += try Self.readLines(path, from: 0).lines
                }
                Self.emit(lines, options: opts, sink: sink)
            }
        }
        guard options.stream else {
            sink.finish()
            return AttachInputHandler(container: c, subscriberID: 0, attachStdin: false)
        }
        let withStdin = options.stdin && (c.record.config.OpenStdin ?? false)
        let keys = withStdin ? try DetachKeyMatcher(options.detachKeys) : nil
        let id = c.addSubscriber(sink: sink, stdout: options.stdout, stderr: options.stderr)
        return AttachInputHandler(container: c, subscriberID: id, attachStdin: withStdin, detachKeys: keys)
    }

    public func resize(_ ref: String, height: Int, width: Int) async throws {
        let c = try lookup(ref)
        guard c.isRunning, let shim = c.live.withLock({ $0.shim }) else {
            throw WharfError.conflict("Container \(c.id) is not running")
        }
        guard height >= 0, width >= 0, height <= 65535, width <= 65535 else {
            throw WharfError.invalid("invalid terminal size")
        }
        try shim.send(.resize(rows: UInt16(height), cols: UInt16(width)))
    }
}
