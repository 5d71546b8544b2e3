import WharfAPI
import WharfCore
#if canImport(Glibc)
import Glibc
#endif

extension VolumeService {
    /// The host path a container mounts for `name`. A volume with driver options (a tmpfs,
    /// a bind of a device or directory) is mounted on `_data` by its first user.
    func acquire(_ name: String) throws -> String {
        guard let r = state(name) else { throw WharfError.notFound("get \(name): no such volume") }
        let path = dataPath(name)
        guard let opts = r.options, opts["device"] != nil else { return path }
        try withMountCount(name) { count in
            if count == 0 { try Self.mountWithOptions(opts, on: path) }
            count += 1
        }
        return path
    }

    /// A container stopped using `name`.
    func release(_ name: String) {
        guard let r = state(name), let opts = r.options, opts["device"] != nil else { return }
        try? withMountCount(name) { count in
            count = max(0, count - 1)
            if count == 0 { _ = umount2(dataPath(name), Int32(MNT_DETACH)) }
        }
    }

    /// Docker's local driver: `mount -t <type> -o <o> <device> _data`, the `o` list split into
    /// mount flags and the data string the filesystem reads (moby `mount.ParseOptions`).
    static func mountWithOptions(_ opts: [String: String], on target: String) throws {
        var flags: UInt = 0
        var data: [String] = []
        let known: [String: (set: Bool, flag: UInt)] = [
            "ro": (true, UInt(MS_RDONLY)), "rw": (false, UInt(MS_RDONLY)),
            "nosuid": (true, UInt(MS_NOSUID)), "suid": (false, UInt(MS_NOSUID)),
            "nodev": (true, UInt(MS_NODEV)), "dev": (false, UInt(MS_NODEV)),
            "noexec": (true, UInt(MS_NOEXEC)), "exec": (false, UInt(MS_NOEXEC)),
            "sync": (true, UInt(MS_SYNCHRONOUS)), "async": (false, UInt(MS_SYNCHRONOUS)),
            "dirsync": (true, UInt(MS_DIRSYNC)), "noatime": (true, UInt(MS_NOATIME)),
            "atime": (false, UInt(MS_NOATIME)), "nodiratime": (true, UInt(MS_NODIRATIME)),
            "diratime": (false, UInt(MS_NODIRATIME)), "relatime": (true, UInt(MS_RELATIME)),
            "strictatime": (true, UInt(MS_STRICTATIME)), "bind": (true, UInt(MS_BIND)),
            "rbind": (true, UInt(MS_BIND | MS_REC)),
        ]
        for o in (opts["o"] ?? "").split(separator: ",").map(String.init) {
            if let k = known[o] {
                if k.set { flags |= k.flag } else { flags &= ~k.flag }
            } else {
                data.append(o)
            }
        }
        if let size = opts["size"], !size.isEmpty { data.append("size=" + size) }
        var type = opts["type"] ?? ""
        let device = opts["device"] ?? ""
        if flags & UInt(MS_BIND) != 0 { type = "" }
        let rc = mount(device, target, type.isEmpty ? nil : type, flags, data.isEmpty ? nil : data.joined(separator: ","))
        if rc != 0 {
            throw WharfError.internalError("error while mounting volume '\(target)': failed to mount local volume: mount \(device):\(target), flags: 0x\(String(flags, radix: 16)), data: \(data.joined(separator: ",")): \(errnoText(errno))")
        }
    }
}
