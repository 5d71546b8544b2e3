import Synchronization
import WharfAPI
import WharfCore

/// A registered wait. It joins the container's waiter list at creation, so the condition is
/// judged from that moment; `result()` may be called later.
final class WaiterHandle: ContainerWaiter, Sendable {
    let container: Container
    let condition: WaitCondition
    private let state = Mutex(State())

    struct State {
        var result: ContainerWaitResponse?
        var pending: [UInt64: CheckedContinuation<ContainerWaitResponse, Never>] = [:]
        var nextToken: UInt64 = 0
    }

    init(container: Container, condition: WaitCondition) {
        self.container = container
        self.condition = condition
    }

    /// Arms the waiter when the container runs; false (and no registration) otherwise.
    func armIfRunning() -> Bool {
        container.live.withLock { l in
            guard l.state.status == .running || l.starting else { return false }
            register(&l)
            return true
        }
    }

    func preset(_ r: ContainerWaitResponse) {
        state.withLock { $0.result = r }
    }

    func register(_ l: inout Container.Live) {
        let id = l.nextID
        l.nextID += 1
        l.waiters.append(Waiter(condition: condition, id: id) { [self] r in self.fulfil(r) })
    }

    func fulfil(_ r: ContainerWaitResponse) {
        let ks = state.withLock { s -> [CheckedContinuation<ContainerWaitResponse, Never>] in
            if s.result == nil { s.result = r }
            defer { s.pending = [:] }
            return Array(s.pending.values)
        }
        for k in ks { k.resume(returning: r) }
    }

    /// The result; a cancelled caller gets "context canceled" at once, while the waiter
    /// stays armed for other callers.
    func result() async -> ContainerWaitResponse {
        let token = state.withLock { s -> UInt64 in
            s.nextToken += 1
            return s.nextToken
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (k: CheckedContinuation<ContainerWaitResponse, Never>) in
                let ready = state.withLock { s -> ContainerWaitResponse? in
                    if let r = s.result { return r }
                    if Task.isCancelled { return ContainerWaitResponse(StatusCode: -1, error: "context canceled") }
                    s.pending[token] = k
                    return nil
                }
                if let ready { k.resume(returning: ready) }
            }
        } onCancel: {
            let k = state.withLock { $0.pending.removeValue(forKey: token) }
            k?.resume(returning: ContainerWaitResponse(StatusCode: -1, error: "context canceled"))
        }
    }
}

extension ContainerService {
    public func wait(_ ref: String, condition: WaitCondition) async throws -> any ContainerWaiter {
        let c = try lookup(ref)
        let h = WaiterHandle(container: c, condition: condition)
        c.live.withLock { l in
            let running = l.state.status == .running || l.starting
            if condition == .notRunning && !running {
                h.preset(ContainerWaitResponse(StatusCode: Int(l.state.exitCode)))
            } else {
                h.register(&l)
            }
        }
        return h
    }
}
