import CWharf
import Glibc
import WharfCore

/// A dedicated OS thread for blocking work (reads on sockets, waitpid), so that blocking
/// never happens on Swift's cooperative pool: with 2 cores, one blocked pool thread halves
/// the daemon.
public enum BlockingThread {
    final class Box {
        let name: String
        let body: @Sendable () -> Void
        init(_ n: String, _ b: @escaping @Sendable () -> Void) {
            name = n
            body = b
        }
    }

    /// Runs `body` on a new detached thread named `name` (as `ps -L` shows it).
    public static func detach(name: String, _ body: @escaping @Sendable () -> Void) throws {
        let box = Unmanaged.passRetained(Box(name, body)).toOpaque()
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
        // 1 MiB rather than 8: these threads loop on a read and run short callbacks; only
        // the pages touched count towards RSS either way.
        pthread_attr_setstacksize(&attr, 1 << 20)
        var tid = pthread_t()
        let rc = pthread_create(&tid, &attr, { arg in
            let b = Unmanaged<BlockingThread.Box>.fromOpaque(arg!).takeRetainedValue()
            if !b.name.isEmpty { _ = cwharf_set_thread_name(b.name) }
            b.body()
            return nil
        }, box)
        if rc != 0 {
            Unmanaged<Box>.fromOpaque(box).release()
            throw WharfError.internalError("pthread_create: \(String(cString: strerror(rc)))")
        }
    }
}

/// A value behind a pthread mutex (usable on every Swift 6 platform Wharf targets).
public final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>

    public init(_ v: Value) {
        value = v
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
