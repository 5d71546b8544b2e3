import Glibc
import OCI
import WharfCore

/// Host device nodes for `--device`, `--privileged` and `--device-cgroup-rule`, resolved the
/// way Docker's daemon does (moby `oci.WithDevices`, runc's `devices.HostDevices`).
public enum HostDevices {
    /// One node to create in the container and the cgroup rule that lets it be used.
    public struct Mapping: Sendable, Equatable {
        public var device: RuntimeSpecDevice
        public var rule: RuntimeSpecDeviceCgroup
    }

    /// `--device host[:container[:perms]]`. A directory maps every device beneath it, with
    /// the host prefix replaced by the container path.
    public static func mappings(host: String, container: String, permissions: String) throws -> [Mapping] {
        let perms = permissions.isEmpty ? "rwm" : permissions
        guard perms.allSatisfy({ "rwm".contains($0) }) else {
            throw WharfError.invalid("invalid device mode: \(permissions)")
        }
        let target = container.isEmpty ? host : container
        var st = stat()
        guard stat(host, &st) == 0 else {
            throw WharfError.invalid("error gathering device information while adding custom device \"\(host)\": \(errnoText(errno))")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            var out: [Mapping] = []
            for (path, dev) in walk(host) {
                var d = dev
                d.path = target + String(path.dropFirst(host.count))
                out.append(Mapping(device: d, rule: rule(for: d, access: perms)))
            }
            return out
        }
        guard var d = device(at: host, stat: st) else {
            throw WharfError.invalid("error gathering device information while adding custom device \"\(host)\": not a device node")
        }
        d.path = target
        return [Mapping(device: d, rule: rule(for: d, access: perms))]
    }

    /// Every device under /dev, for privileged containers.
    public static func all() -> [RuntimeSpecDevice] {
        walk("/dev").map(\.1)
    }

    /// `--device-cgroup-rule 'c 10:200 rwm'` ('a', '*' for any major or minor).
    public static func parseRule(_ s: String) throws -> RuntimeSpecDeviceCgroup {
        let parts = s.split(separator: " ", omittingEmptySubsequences: true)
        let bad = WharfError.invalid("invalid device cgroup format '\(s)'")
        guard parts.count == 3, ["a", "b", "c"].contains(parts[0]),
              parts[2].allSatisfy({ "rwm".contains($0) }), !parts[2].isEmpty else { throw bad }
        let nums = parts[1].split(separator: ":", omittingEmptySubsequences: false)
        guard nums.count == 2 else { throw bad }
        func number(_ n: Substring) throws -> Int64? {
            if n == "*" { return nil }
            guard let v = Int64(n), v >= 0 else { throw bad }
            return v
        }
        return RuntimeSpecDeviceCgroup(allow: true, type: String(parts[0]), major: try number(nums[0]),
                                       minor: try number(nums[1]), access: String(parts[2]))
    }

    static func rule(for d: RuntimeSpecDevice, access: String) -> RuntimeSpecDeviceCgroup {
        RuntimeSpecDeviceCgroup(allow: true, type: d.type, major: d.major, minor: d.minor, access: access)
    }

    /// A char or block node as the runtime spec describes it; nil for anything else.
    static func device(at path: String, stat st: stat) -> RuntimeSpecDevice? {
        let type: String
        switch st.st_mode & S_IFMT {
        case S_IFCHR: type = "c"
        case S_IFBLK: type = "b"
        default: return nil
        }
        // glibc's gnu_dev_major/minor, which Swift does not import as macros.
        let rdev = UInt64(st.st_rdev)
        let major = Int64(((rdev >> 8) & 0xfff) | ((rdev >> 32) & ~UInt64(0xfff)))
        let minor = Int64((rdev & 0xff) | ((rdev >> 12) & ~UInt64(0xff)))
        return RuntimeSpecDevice(path: path, type: type, major: major, minor: minor,
                                 fileMode: UInt32(st.st_mode & 0o7777), uid: st.st_uid, gid: st.st_gid)
    }

    /// Devices under `root`, skipping what runc skips: pseudo-terminals, shm, fd, mqueue,
    /// container-manager leftovers and the console (the runtime sets its own up).
    static func walk(_ root: String) -> [(String, RuntimeSpecDevice)] {
        let skipDirs: Set<String> = ["pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev"]
        var out: [(String, RuntimeSpecDevice)] = []
        guard let dir = opendir(root) else { return out }
        defer { closedir(dir) }
        var names: [String] = []
        while let e = readdir(dir) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        for name in names.sorted() {
            let path = root == "/" ? "/" + name : root + "/" + name
            var st = stat()
            guard lstat(path, &st) == 0 else { continue }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                if !skipDirs.contains(name) { out += walk(path) }
                continue
            }
            if name == "console" { continue }
            if let d = device(at: path, stat: st) { out.append((path, d)) }
        }
        return out
    }
}
