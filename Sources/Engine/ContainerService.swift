import ImageStore
import Logging
import OCI
import Runtime
import Synchronization
import WharfAPI
import WharfCore

/// The containers of this daemon: an index rebuilt from disk at start, name reservations,
/// and every lifecycle operation. Blocking work runs through `blocking {}`.
public final class ContainerService: Sendable {
    let config: EngineConfig
    let images: ImageStore
    let logger: Logger
    let events: EventBus
    let volumes: VolumeService
    let index = Mutex(Index())
    let execs = Mutex<[String: ExecSession]>([:])

    struct Index {
        var byID: [String: Container] = [:]
        var names: [String: String] = [:]   // name → id
    }

    init(config: EngineConfig, images: ImageStore, volumes: VolumeService, events: EventBus, logger: Logger) {
        self.config = config
        self.images = images
        self.volumes = volumes
        self.events = events
        self.logger = logger
    }

    var all: [Container] { index.withLock { Array($0.byID.values) } }

    /// Finds a container as Docker does: full ID, exact name, then a unique ID prefix.
    func lookup(_ ref: String) throws -> Container {
        let key = ref.hasPrefix("/") ? String(ref.dropFirst()) : ref
        let found: Container? = index.withLock { idx in
            if let c = idx.byID[key] { return c }
            if let id = idx.names[key], let c = idx.byID[id] { return c }
            guard !key.isEmpty, key.allSatisfy({ $0.isHexDigit }) else { return nil }
            let matches = idx.byID.keys.filter { $0.hasPrefix(key.lowercased()) }
            return matches.count == 1 ? idx.byID[matches[0]] : nil
        }
        guard let c = found else { throw WharfError.notFound("No such container: \(ref)") }
        return c
    }

    func register(_ c: Container) {
        index.withLock { idx in
            idx.byID[c.id] = c
            idx.names[c.name] = c.id
        }
    }

    func unregister(_ c: Container) {
        index.withLock { idx in
            idx.byID[c.id] = nil
            let n = c.name
            if idx.names[n] == c.id { idx.names[n] = nil }
        }
    }

    /// A container event with Docker's attributes: image, name, the labels, and `extra`.
    func emit(_ c: Container, _ action: String, _ extra: [String: String] = [:]) {
        var attrs = c.record.config.Labels ?? [:]
        attrs["image"] = c.record.imageName
        attrs["name"] = c.name
        for (k, v) in extra { attrs[k] = v }
        events.publish(type: "container", action: action, id: c.id, attributes: attrs)
    }

    /// Used by rmi: which container uses this image.
    func containerUsing(imageID: String) -> String? {
        index.withLock { idx in idx.byID.values.first { $0.record.imageID == imageID }?.id }
    }
}
