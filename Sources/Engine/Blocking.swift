import Dispatch

/// Runs blocking work (mounts, file I/O, waits on processes) on Dispatch's threads instead
/// of the Swift cooperative pool: with two cores, one blocked pool thread halves the daemon.
public func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { (c: CheckedContinuation<T, any Error>) in
        DispatchQueue.global().async {
            c.resume(with: Result { try body() })
        }
    }
}
