import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

extension ContainerService {
    public func remove(_ ref: String, force: Bool, removeVolumes: Bool) async throws {
        let c = try lookup(ref)
        let alreadyRemoving = c.live.withLock { l -> Bool in
            defer { l.removing = true }
            return l.removing
        }
        if alreadyRemoving {
            throw WharfError.conflict("removal of container \(ref) is already in progress")
        }
        do {
            // A start in flight finishes first: removing under it would pull the rootfs
            // from a container that is about to run.
            while c.live.withLock({ $0.starting }) {
                try await Task.sleep(nanoseconds: 2_000_000)
            }
            if c.isRunning {
                guard force else {
                    throw WharfError.conflict("You cannot remove a running container \(c.id). Stop the container before attempting removal or force remove")
                }
                try await stopRunning(c, signal: SIGKILL, timeout: 10)
            }
            // Let the exit processing (unmount, state) finish before the directory goes.
            await c.waitExitProcessed()
            try await removeStopped(c, markedAlready: true, removeVolumes: removeVolumes)
        } catch {
            c.live.withLock { $0.removing = false }
            throw error
        }
    }

    /// Deletes a stopped container: rootfs, files, bundle, index entry; wakes `removed` waiters.
    func removeStopped(_ c: Container, markedAlready: Bool = false, removeVolumes: Bool = false) async throws {
        if !markedAlready {
            let proceed = c.live.withLock { l -> Bool in
                if l.removing { return false }
                l.removing = true
                return true
            }
            guard proceed else { return }
        }
        // The removal is made durable first: the directory is renamed out of the index's
        // sight in one step, so a crash from here on never brings the container back.
        // Deleting files waits for the shim (it is still deleting runc's state and the
        // cgroup) and happens after the client has its answer.
        let graveyard = config.containersDir + "/.removing-" + c.id
        try await blocking { [self] in
            self.teardownRootfs(c)
            if Glibc.rename(c.dir, graveyard) != 0 && errno != ENOENT {
                throw WharfError.internalError(errnoMessage("rename", c.dir, errno))
            }
        }
        unregister(c)
        if removeVolumes { _ = try? await blocking { [self] in self.removeAnonymousVolumes(c) } }
        endExecs(of: c, forget: true)
        emit(c, "destroy")
        Task.detached { [self] in
            await c.waitShimGone(seconds: 10)
            _ = try? await blocking { [self] in
                do { try FS.removeAll(graveyard) } catch { self.logger.warning("leaving \(graveyard): \(error)") }
                do { try FS.removeAll(c.bundle) } catch { self.logger.warning("leaving \(c.bundle): \(error)") }
            }
        }
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
