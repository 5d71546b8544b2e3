import CWharf
import Glibc
import WharfCore

/// posix_spawn without Foundation: `Process` can miss exits and double-close pipes, and
/// costs ICU. Children start with a clean signal state and only the fds they are given.
public enum Spawn {
    /// Starts `path` with `args` (args[0] included). `fds[i]` becomes the child's fd i;
    /// -1 means /dev/null. Returns the pid; the caller owns reaping it.
    public static func spawn(_ path: String, _ args: [String], env: [String]? = nil,
                             fds: [Int32] = [-1, -1, -1], setsid: Bool = false) throws -> pid_t {
        let pid = withCStrings(args) { argv in
            withOptionalCStrings(env) { envp in
                fds.withUnsafeBufferPointer { map in
                    cwharf_spawn(path, argv, envp, map.baseAddress, Int32(fds.count), setsid ? 1 : 0)
                }
            }
        }
        if pid < 0 {
            throw WharfError.internalError("exec \(path): \(String(cString: strerror(-pid)))")
        }
        return pid
    }

    /// Starts a process nobody waits for (see `cwharf_spawn_detached`).
    public static func spawnDetached(_ path: String, _ args: [String], env: [String]? = nil,
                                     passFD: Int32 = -1) throws {
        let rc = withCStrings(args) { argv in
            withOptionalCStrings(env) { envp in
                cwharf_spawn_detached(path, argv, envp, passFD)
            }
        }
        if rc < 0 {
            throw WharfError.internalError("exec \(path): \(String(cString: strerror(-rc)))")
        }
    }

    /// Blocking waitpid; the exit code, or 128+signal as Docker reports it.
    public static func wait(_ pid: pid_t) -> Int32 {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            if errno != EINTR { return 128 }
        }
        return cwharf_exit_code(status)
    }

    static func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
        var ptrs: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
        ptrs.append(nil)
        defer { for p in ptrs { free(p) } }
        return ptrs.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    static func withOptionalCStrings<R>(_ strings: [String]?, _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>?) -> R) -> R {
        guard let s = strings else { return body(nil) }
        return withCStrings(s) { body($0) }
    }
}

/// The output of a finished command.
public struct CommandResult: Sendable {
    public var exitCode: Int32
    public var stdout: [UInt8]
    public var stderr: [UInt8]
    public var stderrText: String {
        var s = String(decoding: stderr, as: UTF8.self)
        while let last = s.last, last == "\n" || last == " " { s.removeLast() }
        return s
    }
}

extension Spawn {
    /// Runs a command to completion and captures stdout and stderr. Blocking: call it from
    /// a dedicated thread, never from the cooperative pool.
    public static func run(_ path: String, _ args: [String], stdin: Int32 = -1) throws -> CommandResult {
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        guard cwharf_pipe2(&outPipe, O_CLOEXEC) == 0 else {
            throw WharfError.internalError("pipe: \(String(cString: strerror(errno)))")
        }
        guard cwharf_pipe2(&errPipe, O_CLOEXEC) == 0 else {
            let e = errno
            close(outPipe[0]); close(outPipe[1])
            throw WharfError.internalError("pipe: \(String(cString: strerror(e)))")
        }
        let pid: pid_t
        do {
            pid = try spawn(path, args, fds: [stdin, outPipe[1], errPipe[1]])
        } catch {
            for fd in outPipe + errPipe { close(fd) }
            throw error
        }
        close(outPipe[1])
        close(errPipe[1])
        // Both pipes are drained together so neither can fill up and stall the child.
        var out: [UInt8] = []
        var err: [UInt8] = []
        var fds = [pollfd(fd: outPipe[0], events: Int16(POLLIN), revents: 0),
                   pollfd(fd: errPipe[0], events: Int16(POLLIN), revents: 0)]
        var open = 2
        var buf = [UInt8](repeating: 0, count: 16384)
        while open > 0 {
            if poll(&fds, 2, -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for i in 0..<2 where fds[i].fd >= 0 && fds[i].revents != 0 {
                let n = buf.withUnsafeMutableBytes { read(fds[i].fd, $0.baseAddress, $0.count) }
                if n > 0 {
                    if i == 0 { out.append(contentsOf: buf[0..<n]) } else { err.append(contentsOf: buf[0..<n]) }
                } else if n == 0 || errno != EINTR {
                    close(fds[i].fd)
                    fds[i].fd = -1
                    open -= 1
                }
            }
        }
        for f in fds where f.fd >= 0 { close(f.fd) }
        let code = wait(pid)
        return CommandResult(exitCode: code, stdout: out, stderr: err)
    }
}
