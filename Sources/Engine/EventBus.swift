import Synchronization
import WharfAPI
import WharfCore

/// The daemon's events: a bounded history (for `since`) and live subscribers (for
/// `docker events`). Publishing never blocks on a subscriber.
public final class EventBus: Sendable {
    struct Subscriber {
        let id: UInt64
        let filter: @Sendable (EventMessage) -> Bool
        let deliver: @Sendable (EventMessage) -> Void
    }

    private let state = Mutex<(history: [EventMessage], subscribers: [Subscriber], next: UInt64)>(([], [], 1))
    static let historyLimit = 1024

    public init() {}

    public func publish(type: String, action: String, id: String, attributes: [String: String]) {
        let e = EventMessage(type: type, action: action, actorID: id, attributes: attributes,
                             timeNano: Timestamp.now().unixNanoseconds)
        let subs = state.withLock { s -> [Subscriber] in
            s.history.append(e)
            if s.history.count > Self.historyLimit { s.history.removeFirst(s.history.count - Self.historyLimit) }
            return s.subscribers
        }
        for sub in subs where sub.filter(e) { sub.deliver(e) }
    }

    /// Past events from `since` (oldest first), then the live ones, until `unsubscribe`.
    /// The past is delivered under the lock that publishing also takes, so a live event can
    /// never overtake it.
    func subscribe(since: Timestamp?, filter: @escaping @Sendable (EventMessage) -> Bool,
                   deliver: @escaping @Sendable (EventMessage) -> Void) -> UInt64 {
        state.withLock { s in
            let id = s.next
            s.next += 1
            if let since {
                for e in s.history where e.timeNano >= since.unixNanoseconds && filter(e) { deliver(e) }
            }
            s.subscribers.append(Subscriber(id: id, filter: filter, deliver: deliver))
            return id
        }
    }

    func unsubscribe(_ id: UInt64) {
        state.withLock { $0.subscribers.removeAll { $0.id == id } }
    }

    var listenerCount: Int { state.withLock { $0.subscribers.count } }
}

/// `docker events --filter`: type, event (action), container, image, label, as Docker reads them.
struct EventFilter: Sendable {
    let filters: Filters

    init(_ filters: Filters) throws {
        try filters.validate(allowed: ["type", "event", "container", "image", "label", "network", "volume", "daemon",
                                       "scope", "plugin", "node", "service", "secret", "config"])
        self.filters = filters
    }

    func matches(_ e: EventMessage) -> Bool {
        func any(_ key: String, _ test: (String) -> Bool) -> Bool {
            let values = filters[key]
            return values.isEmpty || values.contains(where: test)
        }
        let attrs = e.Actor.Attributes
        return any("type") { $0 == e.Type }
            && any("event") { $0 == e.Action || e.Action.hasPrefix($0 + ":") }
            && any("container") { e.Type == "container" && (e.Actor.ID.hasPrefix($0) || attrs["name"] == $0) }
            && any("image") { attrs["image"] == $0 || (e.Type == "image" && (e.Actor.ID == $0 || attrs["name"] == $0)) }
            && any("volume") { e.Type == "volume" && e.Actor.ID == $0 }
            && any("network") { e.Type == "network" && (e.Actor.ID == $0 || attrs["name"] == $0) }
            && LabelFilter.matches(attrs, include: filters["label"], exclude: [])
    }
}

/// A `docker events` stream: the past events asked for, then live ones, until cancelled.
public final class EventSubscription: Sendable {
    public let events: AsyncStream<EventMessage>
    private let cancelAction: @Sendable () -> Void

    init(events: AsyncStream<EventMessage>, cancel: @escaping @Sendable () -> Void) {
        self.events = events
        self.cancelAction = cancel
    }

    public func cancel() { cancelAction() }
}

extension EventBus {
    public func subscription(since: Timestamp?, filters: Filters) throws -> EventSubscription {
        let filter = try EventFilter(filters)
        let (stream, continuation) = AsyncStream<EventMessage>.makeStream(bufferingPolicy: .bufferingNewest(4096))
        let id = subscribe(since: since, filter: { filter.matches($0) }, deliver: { continuation.yield($0) })
        return EventSubscription(events: stream, cancel: { [self] in
            unsubscribe(id)
            continuation.finish()
        })
    }
}
