import WharfCore
#if canImport(Glibc)
import Glibc
#endif

/// Turns Docker's `User` ("", "1000", "1000:1000", "app", "app:staff") into ids, reading the
/// container's own /etc/passwd and /etc/group, as runc's user lookup does. Files that are
/// symlinks are not followed: they could point out of the container.
public enum UserResolver {
    public struct Resolved: Equatable, Sendable {
        public var uid: UInt32
        public var gid: UInt32
        public var additionalGids: [UInt32]
    }

    public static func resolve(_ spec: String, rootfs: String) throws -> Resolved {
        if spec.isEmpty { return Resolved(uid: 0, gid: 0, additionalGids: []) }
        let parts = spec.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        let userPart = parts[0]
        let groupPart = parts.count > 1 ? parts[1] : nil
        let passwd = readTable(rootfs + "/etc/passwd")
        let groups = readTable(rootfs + "/etc/group")

        var uid: UInt32
        var gid: UInt32 = 0
        if let n = UInt32(userPart) {
            uid = n
            if let row = passwd.first(where: { $0.count > 3 && UInt32($0[2]) == n }), let g = UInt32(row[3]) { gid = g }
        } else {
            guard let row = passwd.first(where: { $0.first == userPart && $0.count > 3 }),
                  let u = UInt32(row[2]), let g = UInt32(row[3]) else {
                throw WharfError.invalid("unable to find user \(userPart): no matching entries in passwd file")
            }
            uid = u
            gid = g
        }
        if let gp = groupPart, !gp.isEmpty {
            if let n = UInt32(gp) {
                gid = n
            } else {
                guard let row = groups.first(where: { $0.first == gp && $0.count > 2 }), let g = UInt32(row[2]) else {
                    throw WharfError.invalid("unable to find group \(gp): no matching entries in group file")
                }
                gid = g
            }
        }
        // Supplementary groups: every group that lists the user by name.
        let name = passwd.first(where: { $0.count > 2 && UInt32($0[2]) == uid })?.first
        var extra: [UInt32] = []
        if let name, groupPart == nil {
            for row in groups where row.count > 3 {
                let members = row[3].split(separator: ",").map(String.init)
                if members.contains(name), let g = UInt32(row[2]), g != gid { extra.append(g) }
            }
        }
        _ = uid
        return Resolved(uid: uid, gid: gid, additionalGids: extra)
    }

    /// `--group-add`: a gid, or a group name from the container's /etc/group.
    static func group(_ spec: String, rootfs: String) throws -> UInt32 {
        if let n = UInt32(spec) { return n }
        guard let row = readTable(rootfs + "/etc/group").first(where: { $0.first == spec && $0.count > 2 }),
              let g = UInt32(row[2]) else {
            throw WharfError.invalid("Unable to find group \(spec): no matching entries in group file")
        }
        return g
    }

    private static func readTable(_ path: String) -> [[String]] {
        var st = stat()
        guard lstat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size < 4 << 20,
              let text = try? FS.readString(path) else { return [] }
        return text.split(separator: "\n").filter { !$0.hasPrefix("#") }.map {
            $0.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        }
    }
}
