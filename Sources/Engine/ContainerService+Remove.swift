import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

extension ContainerService {
    func remove(_ ref: String, force: Bool) async throws {
        let c = try lookup(ref)
        let alreadyRemoving = c.live.withLock { l -> Bool in
            defer { l.removing = true }
            return l.removing
        }
        if alreadyRemoving {
            throw WharfError.conflict("removal of container \(ref) is already in progress")
        }
        do {
            if c.isRunning {
                guard force else {
                    throw WharfError.conflict("You cannot remove a running container \(c.id). Stop the container before attempting removal or force remove")
                }
                try await stopRunning(c, signal: SIGKILL, timeout: 10)
            }
            // Let the exit processing (unmount, state) finish before the directory goes.
            await c.waitExitProcessed()
            try await removeStopped(c, markedAlready: true)
        } catch {
            c.live.withLock { $0.removing = false }
            throw error
        }
    }

    /// Deletes a stopped container: rootfs, files, bundle, index entry; wakes `removed` waiters.
    func removeStopped(_ c: Container, markedAlready: Bool = false) async throws {
        if !markedAlready {
            let proceed = c.live.withLock { l -> Bool in
                if l.removing { return false }
                l.removing = true
                return true
            }
            guard proceed else { return }
        }
        await c.waitShimGone(seconds: 5)
        try await blocking { [self] in
            self.teardownRootfs(c)
            try FS.removeAll(c.dir)
            // The bundle is on the exec root (tmpfs); a shim that outlived the wait above
            // must not keep the container from going away.
            do { try FS.removeAll(c.bundle) } catch { self.logger.warning("leaving \(c.bundle): \(error)") }
        }
        unregister(c)
        let waiters = c.live.withLock { l -> [Waiter] in
            let w = l.waiters
            l.waiters = []
            return w
        }
        let response = c.waitResponse()
        for w in waiters { w.fulfil(response) }
        logger.debug("removed container \(c.id)")
    }
}
