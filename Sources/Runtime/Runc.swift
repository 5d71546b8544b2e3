import FoundationEssentials
import Glibc
import WharfCore

/// A typed wrapper over the runc command line (crun takes the same arguments). Every call
/// uses `--root`, so Wharf's runc state never mixes with another engine's. Failures carry
/// runc's own message, which Docker users see verbatim.
public struct Runc: Sendable {
    public var path: String
    public var root: String
    /// Where runc writes its JSON log (`--log`); the last error line is the message of a
    /// failed create, since the container's stdio are runc's own stdio.
    public var logPath: String?

    public init(path: String = "runc", root: String, logPath: String? = nil) {
        self.path = path
        self.root = root
        self.logPath = logPath
    }

    var globalArgs: [String] {
        var a = [path, "--root", root]
        if let l = logPath { a += ["--log", l, "--log-format", "json"] }
        return a
    }

    public func createArguments(id: String, bundle: String, pidFile: String, consoleSocket: String?) -> [String] {
        var a = globalArgs + ["create", "--bundle", bundle, "--pid-file", pidFile]
        if let c = consoleSocket { a += ["--console-socket", c] }
        return a + [id]
    }

    public func startArguments(id: String) -> [String] { globalArgs + ["start", id] }

    /// `runc run --detach`: create and start in one runc process (one Go start-up less on
    /// every container start than create followed by start).
    public func runDetachedArguments(id: String, bundle: String, pidFile: String, consoleSocket: String?) -> [String] {
        var a = globalArgs + ["run", "--detach", "--bundle", bundle, "--pid-file", pidFile]
        if let c = consoleSocket { a += ["--console-socket", c] }
        return a + [id]
    }

    public func deleteArguments(id: String, force: Bool) -> [String] {
        globalArgs + ["delete"] + (force ? ["--force"] : []) + [id]
    }

    /// `runc create`. `stdio` are the fds the container's process inherits (-1 → /dev/null).
    /// Blocking.
    public func create(id: String, bundle: String, pidFile: String, consoleSocket: String? = nil,
                       stdio: [Int32] = [-1, -1, -1]) throws {
        let pid = try Spawn.spawn(path, createArguments(id: id, bundle: bundle, pidFile: pidFile,
                                                        consoleSocket: consoleSocket), fds: stdio)
        let code = Spawn.wait(pid)
        if code != 0 {
            throw WharfError.internalError(lastError() ?? "runc create failed: exit status \(code)")
        }
    }

    public func start(id: String) throws { try check(startArguments(id: id)) }

    public func kill(id: String, signal: Int32, all: Bool = false) throws {
        try check(globalArgs + ["kill"] + (all ? ["--all"] : []) + [id, String(signal)])
    }

    /// `runc update --resources FILE`: new cgroup limits for a running container.
    public func update(id: String, resourcesFile: String) throws {
        try check(globalArgs + ["update", "--resources", resourcesFile, id])
    }

    /// `runc pause` / `runc resume`: the cgroup freezer (v1) or cgroup.freeze (v2).
    public func pause(id: String) throws { try check(globalArgs + ["pause", id]) }
    public func resume(id: String) throws { try check(globalArgs + ["resume", id]) }

    public func delete(id: String, force: Bool = false) throws {
        try check(deleteArguments(id: id, force: force))
    }

    /// `runc state`: what runc knows of a container.
    public struct State: Codable, Sendable, Equatable {
        public var ociVersion: String?
        public var id: String
        public var pid: Int32
        /// created, running, paused, stopped.
        public var status: String
        public var bundle: String
        public var rootfs: String?
        public var created: String?
    }

    public func state(id: String) throws -> State {
        let r = try Spawn.run(path, globalArgs + ["state", id])
        guard r.exitCode == 0 else { throw error(r, notFoundIfMissing: true) }
        do {
            return try JSONDecoder().decode(State.self, from: Data(r.stdout))
        } catch {
            throw WharfError.internalError("runc state \(id): \(error)")
        }
    }

    /// `runc ps --format json`: the host pids of the container's processes.
    public func ps(id: String) throws -> [Int32] {
        let r = try Spawn.run(path, globalArgs + ["ps", "--format", "json", id])
        guard r.exitCode == 0 else { throw error(r, notFoundIfMissing: true) }
        let pids = try? JSONDecoder().decode([Int32]?.self, from: Data(r.stdout))
        return (pids ?? nil) ?? []
    }

    func check(_ args: [String]) throws {
        let r = try Spawn.run(path, args)
        if r.exitCode != 0 { throw error(r, notFoundIfMissing: false) }
    }

    func error(_ r: CommandResult, notFoundIfMissing: Bool) -> WharfError {
        let text = lastError() ?? (r.stderrText.isEmpty ? "exit status \(r.exitCode)" : r.stderrText)
        if notFoundIfMissing && text.contains("does not exist") { return .notFound(text) }
        return .internalError(text)
    }

    /// The message of the last error line in runc's JSON log, if there is a log.
    public func lastError() -> String? {
        guard let l = logPath, let bytes = try? FS.readFile(l) else { return nil }
        return RuncLog.lastError(bytes)
    }
}

/// Reads runc's `--log-format json` lines (`{"level":"error","msg":"…","time":"…"}`)
/// without Foundation, so the shim can use it.
public enum RuncLog {
    public static func lastError(_ bytes: [UInt8]) -> String? {
        var result: String?
        for line in bytes.split(separator: 0x0a) {
            let s = String(decoding: line, as: UTF8.self)
            guard s.contains("\"level\":\"error\""), let msg = stringField("msg", in: s) else { continue }
            result = msg
        }
        return result
    }

    /// The value of a top-level string field, JSON escapes decoded.
    static func stringField(_ name: String, in s: String) -> String? {
        let key = Array("\"\(name)\":\"".utf8)
        let b = Array(s.utf8)
        guard b.count > key.count else { return nil }
        var i = 0
        var found = -1
        while i + key.count <= b.count {
            if b[i] == key[0] && Array(b[i..<(i + key.count)]) == key { found = i + key.count; break }
            i += 1
        }
        guard found >= 0 else { return nil }
        var out: [UInt8] = []
        var j = found
        while j < b.count {
            let c = b[j]
            if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if c == UInt8(ascii: "\\") && j + 1 < b.count {
                let e = b[j + 1]
                j += 2
                switch e {
                case UInt8(ascii: "n"): out.append(0x0a)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "r"): out.append(0x0d)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0c)
                case UInt8(ascii: "u"):
                    guard j + 4 <= b.count, let v = UInt32(String(decoding: b[j..<(j + 4)], as: UTF8.self), radix: 16)
                    else { return nil }
                    j += 4
                    var scalar = v
                    // A surrogate pair (Go escapes non-BMP only in this form, rarely).
                    if (0xd800..<0xdc00).contains(v), j + 6 <= b.count, b[j] == UInt8(ascii: "\\"),
                       b[j + 1] == UInt8(ascii: "u"),
                       let lo = UInt32(String(decoding: b[(j + 2)..<(j + 6)], as: UTF8.self), radix: 16),
                       (0xdc00..<0xe000).contains(lo) {
                        scalar = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00)
                        j += 6
                    }
                    out.append(contentsOf: Array(String(Unicode.Scalar(scalar).map(Character.init) ?? "\u{fffd}").utf8))
                default: out.append(e)
                }
                continue
            }
            out.append(c)
            j += 1
        }
        return nil
    }
}
